//! Walking the records of an uncompressed batch.
//!
//! Record grammar (inside the batch, after the 61-byte header):
//! ```text
//! length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
//! keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//! headersCount varint | [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]*
//! ```

use super::varint::{read_varint, read_varlong};
use crate::error::{Error, Result};

/// What the log needs from each record: its position in the batch and time,
/// and whether it has a key (compacted topics refuse records without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordInfo {
    pub offset_delta: i32,
    pub timestamp_delta: i64,
    pub has_key: bool,
}

fn corrupt(i: i32, what: &str) -> Error {
    Error::CorruptMessage(format!("record {i}: {what}"))
}

/// Skips a length-prefixed byte string; `allow_null` permits length -1.
/// Returns whether it was present (not null).
#[inline]
fn skip_bytes(body: &[u8], pos: &mut usize, allow_null: bool, i: i32, what: &str) -> Result<bool> {
    let len = read_varint(body, pos).ok_or_else(|| corrupt(i, what))?;
    if len < 0 {
        if len == -1 && allow_null {
            return Ok(false);
        }
        return Err(corrupt(i, what));
    }
    let end = pos
        .checked_add(len as usize)
        .filter(|&e| e <= body.len())
        .ok_or_else(|| corrupt(i, what))?;
    *pos = end;
    Ok(true)
}

/// Walks `count` records in `records` (the bytes after the batch header),
/// checking every length against its bounds and that the records fill the
/// batch exactly. Calls `f` for each record in order. Structural damage is
/// `CORRUPT_MESSAGE`; a wrong count or trailing bytes is `INVALID_RECORD`.
pub fn walk_records(
    records: &[u8],
    count: i32,
    mut f: impl FnMut(RecordInfo) -> Result<()>,
) -> Result<()> {
    let mut pos = 0usize;
    for i in 0..count {
        if pos >= records.len() {
            return Err(Error::InvalidRecord(format!(
                "batch declares {count} records but holds only {i}"
            )));
        }
        let len = read_varint(records, &mut pos).ok_or_else(|| corrupt(i, "bad length varint"))?;
        if len < 0 {
            return Err(corrupt(i, "negative record length"));
        }
        let end = pos
            .checked_add(len as usize)
            .filter(|&e| e <= records.len())
            .ok_or_else(|| corrupt(i, "record length beyond end of batch"))?;
        let body = &records[..end];
        let mut p = pos;
        // attributes: unused in v2, but must be present.
        if p >= end {
            return Err(corrupt(i, "empty record"));
        }
        p += 1;
        let timestamp_delta =
            read_varlong(body, &mut p).ok_or_else(|| corrupt(i, "bad timestampDelta"))?;
        let offset_delta =
            read_varint(body, &mut p).ok_or_else(|| corrupt(i, "bad offsetDelta"))?;
        let has_key = skip_bytes(body, &mut p, true, i, "bad key length")?;
        skip_bytes(body, &mut p, true, i, "bad value length")?;
        let headers = read_varint(body, &mut p).ok_or_else(|| corrupt(i, "bad header count"))?;
        if headers < 0 {
            return Err(corrupt(i, "negative header count"));
        }
        for _ in 0..headers {
            skip_bytes(body, &mut p, false, i, "bad header key length")?;
            skip_bytes(body, &mut p, true, i, "bad header value length")?;
        }
        if p != end {
            return Err(Error::InvalidRecord(format!(
                "record {i}: declared length {len} but fields use {}",
                p - pos
            )));
        }
        f(RecordInfo {
            offset_delta,
            timestamp_delta,
            has_key,
        })?;
        pos = end;
    }
    if pos != records.len() {
        return Err(Error::InvalidRecord(format!(
            "{} bytes left after the {count} declared records",
            records.len() - pos
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::builder::BatchBuilder;
    use super::super::HEADER_SIZE;
    use super::*;

    fn collect(b: &[u8], count: i32) -> Result<Vec<RecordInfo>> {
        let mut v = Vec::new();
        walk_records(&b[HEADER_SIZE..], count, |r| {
            v.push(r);
            Ok(())
        })?;
        Ok(v)
    }

    #[test]
    fn walks_records_with_headers() {
        let b = BatchBuilder::new()
            .record(Some(b"key"), None, 3)
            .record_with_headers(
                None,
                Some(b"value"),
                7,
                &[(b"h1", Some(b"x")), (b"h2", None)],
            )
            .build();
        let v = collect(&b, 2).unwrap();
        assert_eq!(
            v,
            vec![
                RecordInfo {
                    offset_delta: 0,
                    timestamp_delta: 3,
                    has_key: true
                },
                RecordInfo {
                    offset_delta: 1,
                    timestamp_delta: 7,
                    has_key: false
                }
            ]
        );
    }

    #[test]
    fn count_mismatch_and_truncation() {
        let b = BatchBuilder::new().records(3).build();
        assert!(matches!(collect(&b, 4), Err(Error::InvalidRecord(_))));
        assert!(matches!(collect(&b, 2), Err(Error::InvalidRecord(_))));
        let cut = &b[..b.len() - 1];
        assert!(matches!(collect(cut, 3), Err(Error::CorruptMessage(_))));
    }
}
