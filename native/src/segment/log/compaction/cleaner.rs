//! Log compaction primitives (Kafka's `Cleaner`, learned from, not copied):
//! reading a segment's batches in chunks, the key -> latest offset map, and
//! filtering one batch down to the records that survive. Batch-level only:
//! the pass over the log that uses them is `compaction.rs`.
//!
//! A filtered batch keeps its base offset, last offset delta, base timestamp
//! and producer fields, so the offsets of survivors never change; it holds
//! the surviving records' bytes verbatim (their deltas stay relative to the
//! same base) with a new length, record count and CRC. A compressed batch is
//! decompressed (bounded, as on append), filtered the same way, and its
//! survivors re-encoded with the batch's own codec (Kafka's
//! `MemoryRecords.filterTo` does the same: same base offset, last offset delta
//! and producer fields). Control batches, and batches of an unknown codec,
//! are kept whole.

use crate::batch::validate::with_records;
use crate::batch::varint::{read_varint, read_varlong};
use crate::batch::{
    update_crc, BatchHeader, BASE_TIMESTAMP_OFFSET, COMPRESSION_MASK, DELETE_HORIZON_MASK,
    HEADER_SIZE, LENGTH_OFFSET, LOG_OVERHEAD, NO_TIMESTAMP, RECORDS_COUNT_OFFSET,
};
use crate::compression::{self, Codec, Compression};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

/// Read size for whole-segment passes.
const CHUNK: usize = 1 << 20;

/// One record of a batch (decompressed if the batch is compressed).
pub struct RecordView<'a> {
    pub offset: i64,
    pub timestamp: i64,
    /// `None` for a null key.
    pub key: Option<&'a [u8]>,
    /// A null value: a tombstone.
    pub tombstone: bool,
    /// `None` for a null value.
    pub value: Option<&'a [u8]>,
    /// The record's bytes (length varint included) within the batch's
    /// (decompressed) records section.
    pub start: usize,
    pub end: usize,
}

fn corrupt(what: &str) -> Error {
    Error::CorruptMessage(format!("while cleaning: {what}"))
}

/// The batch's codec, `None` for an id Kafka does not define.
fn codec_of(h: &BatchHeader) -> Option<Codec> {
    Codec::from_id(h.compression())
}

/// Calls `f` for every record of `batch` (whole batch bytes), decompressing
/// its records first if the batch is compressed.
pub fn for_each_record(
    batch: &[u8],
    h: &BatchHeader,
    f: impl FnMut(RecordView<'_>) -> Result<()>,
) -> Result<()> {
    let codec = codec_of(h).ok_or_else(|| corrupt("unknown compression codec"))?;
    with_records(batch, codec, |records| walk(records, h, f))
}

/// Walks the records section `records` (after the header, decompressed).
fn walk(
    records: &[u8],
    h: &BatchHeader,
    mut f: impl FnMut(RecordView<'_>) -> Result<()>,
) -> Result<()> {
    let mut pos = 0usize;
    for _ in 0..h.records_count {
        let start = pos;
        let len = read_varint(records, &mut pos).ok_or_else(|| corrupt("record length"))?;
        let end = pos
            .checked_add(usize::try_from(len).map_err(|_| corrupt("negative record length"))?)
            .filter(|&e| e <= records.len())
            .ok_or_else(|| corrupt("record overruns its batch"))?;
        let body = &records[..end];
        pos += 1; // attributes
        let ts_delta = read_varlong(body, &mut pos).ok_or_else(|| corrupt("timestamp delta"))?;
        let off_delta = read_varint(body, &mut pos).ok_or_else(|| corrupt("offset delta"))?;
        let key_len = read_varint(body, &mut pos).ok_or_else(|| corrupt("key length"))?;
        let key = if key_len < 0 {
            None
        } else {
            let k_end = pos
                .checked_add(key_len as usize)
                .filter(|&e| e <= end)
                .ok_or_else(|| corrupt("key overruns its record"))?;
            let k = &body[pos..k_end];
            pos = k_end;
            Some(k)
        };
        let value_len = read_varint(body, &mut pos).ok_or_else(|| corrupt("value length"))?;
        let value = if value_len < 0 {
            None
        } else {
            let v_end = pos
                .checked_add(value_len as usize)
                .filter(|&e| e <= end)
                .ok_or_else(|| corrupt("value overruns its record"))?;
            Some(&body[pos..v_end])
        };
        f(RecordView {
            offset: h.base_offset + off_delta as i64,
            timestamp: h.base_timestamp.saturating_add(ts_delta),
            key,
            tombstone: value_len < 0,
            value,
            start,
            end,
        })?;
        pos = end;
    }
    Ok(())
}

/// True when the cleaner can look inside the batch.
pub fn is_cleanable(h: &BatchHeader) -> bool {
    !h.is_control() && codec_of(h).is_some()
}

/// Key -> offset of its latest record in the dirty part of the log.
#[derive(Default)]
pub struct OffsetMap {
    map: HashMap<Box<[u8]>, i64>,
    /// Bytes of keys held, for the memory bound.
    key_bytes: usize,
}

impl OffsetMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&mut self, key: &[u8], offset: i64) {
        if let Some(o) = self.map.get_mut(key) {
            *o = offset;
        } else {
            self.key_bytes += key.len() + 48;
            self.map.insert(key.into(), offset);
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<i64> {
        self.map.get(key).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Approximate memory held (keys plus per-entry overhead).
    pub fn memory(&self) -> usize {
        self.key_bytes
    }
}

/// Reads the batches of `file[0, size)` in large chunks, calling `f(position, header, bytes)`.
pub fn for_each_batch(
    file: &File,
    size: u64,
    mut f: impl FnMut(u64, &BatchHeader, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut buf_pos = 0u64; // file position of buf[0]
    let mut at = 0usize; // parse position within buf
    let io = |e| Error::storage("reading segment to clean", e);
    loop {
        let file_pos = buf_pos + at as u64;
        if file_pos >= size {
            return Ok(());
        }
        // Need at least a header, then the whole batch, in the buffer.
        let have = buf.len() - at;
        let need_header = HEADER_SIZE.min((size - file_pos) as usize);
        let mut need = need_header;
        if have >= HEADER_SIZE {
            let h = BatchHeader::parse(&buf[at..]).ok_or_else(|| corrupt("short header"))?;
            need = h.size() as usize;
        }
        if have < need {
            // Refill: keep the unparsed tail, read the next chunk (bigger if one batch needs it).
            buf.drain(..at);
            buf_pos += at as u64;
            at = 0;
            let want = need.max(CHUNK).min((size - buf_pos) as usize);
            let old = buf.len();
            if want <= old {
                return Err(corrupt("truncated batch"));
            }
            buf.resize(want, 0);
            file.read_exact_at(&mut buf[old..], buf_pos + old as u64)
                .map_err(io)?;
            continue;
        }
        let h = BatchHeader::parse(&buf[at..]).ok_or_else(|| corrupt("short header"))?;
        let len = h.size() as usize;
        if len < HEADER_SIZE {
            return Err(corrupt("batch shorter than its header"));
        }
        f(file_pos, &h, &buf[at..at + len])?;
        at += len;
    }
}

/// The batch's header alone (Kafka's `writeEmptyHeader`): what the cleaner
/// keeps of an active producer's last batch when none of its records
/// survive. Same base offset, last offset delta, partition leader epoch,
/// producer id, epoch and base sequence, timestamp type and transactional
/// and control flags, and max timestamp; no records, no compression, no
/// delete horizon, no base timestamp (-1); a new length and CRC. `Unchanged`
/// when `batch` is already that.
pub fn empty_batch(batch: &[u8], h: &BatchHeader) -> Filtered {
    let attributes = h.attributes & !(COMPRESSION_MASK | DELETE_HORIZON_MASK);
    if batch.len() == HEADER_SIZE
        && h.records_count == 0
        && h.attributes == attributes
        && h.base_timestamp == NO_TIMESTAMP
    {
        return Filtered::Unchanged;
    }
    let mut out = batch[..HEADER_SIZE].to_vec();
    out[LENGTH_OFFSET..LENGTH_OFFSET + 4]
        .copy_from_slice(&((HEADER_SIZE - LOG_OVERHEAD) as i32).to_be_bytes());
    crate::batch::set_attributes(&mut out, attributes);
    out[BASE_TIMESTAMP_OFFSET..BASE_TIMESTAMP_OFFSET + 8]
        .copy_from_slice(&NO_TIMESTAMP.to_be_bytes());
    out[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4].copy_from_slice(&0i32.to_be_bytes());
    update_crc(&mut out);
    Filtered::Rebuilt(out)
}

/// What filtering did to one batch.
pub enum Filtered {
    /// Every record survives: copy the batch as it is.
    Unchanged,
    /// Some survive: the rebuilt batch.
    Rebuilt(Vec<u8>),
    /// None survive (also for a batch that holds none: an empty batch a
    /// pass kept, met again).
    Empty,
}

/// Keeps the records for which `keep` says yes. Survivors keep their bytes
/// (offset and timestamp deltas relative to the same base); a compressed
/// batch's survivors are re-encoded with its codec at the codec's default level.
pub fn filter_batch(
    batch: &[u8],
    h: &BatchHeader,
    mut keep: impl FnMut(&RecordView<'_>) -> bool,
) -> Result<Filtered> {
    let codec = codec_of(h).ok_or_else(|| corrupt("unknown compression codec"))?;
    with_records(batch, codec, |records| {
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut all = true;
        walk(records, h, |r| {
            if keep(&r) {
                kept.push((r.start, r.end));
            } else {
                all = false;
            }
            Ok(())
        })?;
        if kept.is_empty() {
            return Ok(Filtered::Empty);
        }
        if all {
            return Ok(Filtered::Unchanged);
        }
        let body: usize = kept.iter().map(|(s, e)| e - s).sum();
        let mut out = Vec::with_capacity(HEADER_SIZE + body);
        out.extend_from_slice(&batch[..HEADER_SIZE]);
        if codec == Codec::None {
            for (s, e) in &kept {
                out.extend_from_slice(&records[*s..*e]);
            }
        } else {
            let mut plain = Vec::with_capacity(body);
            for (s, e) in &kept {
                plain.extend_from_slice(&records[*s..*e]);
            }
            compression::compress(Compression { codec, level: None }, &plain, &mut out)?;
        }
        let batch_length = i32::try_from(out.len() - LOG_OVERHEAD)
            .map_err(|_| corrupt("cleaned batch too large"))?;
        out[LENGTH_OFFSET..LENGTH_OFFSET + 4].copy_from_slice(&batch_length.to_be_bytes());
        out[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4]
            .copy_from_slice(&(kept.len() as i32).to_be_bytes());
        update_crc(&mut out);
        Ok(Filtered::Rebuilt(out))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::builder::BatchBuilder;
    use crate::batch::compute_crc;

    #[test]
    fn filter_keeps_offsets_and_crc() {
        let mut b = BatchBuilder::new()
            .base_offset(100)
            .base_timestamp(5000)
            .record(Some(b"a"), Some(b"1"), 0)
            .record(Some(b"b"), Some(b"2"), 1)
            .record(Some(b"a"), None, 2)
            .build();
        let h = BatchHeader::parse(&b).unwrap();
        let mut seen = Vec::new();
        for_each_record(&b, &h, |r| {
            seen.push((
                r.offset,
                r.timestamp,
                r.key.map(|k| k.to_vec()),
                r.tombstone,
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (100, 5000, Some(b"a".to_vec()), false),
                (101, 5001, Some(b"b".to_vec()), false),
                (102, 5002, Some(b"a".to_vec()), true),
            ]
        );
        let Filtered::Rebuilt(out) = filter_batch(&b, &h, |r| r.offset != 100).unwrap() else {
            panic!("expected a rebuilt batch");
        };
        let h2 = BatchHeader::parse(&out).unwrap();
        assert_eq!(compute_crc(&out), h2.crc);
        assert_eq!(h2.size() as usize, out.len());
        assert_eq!(
            (h2.base_offset, h2.last_offset(), h2.records_count),
            (100, 102, 2)
        );
        let mut offsets = Vec::new();
        for_each_record(&out, &h2, |r| {
            offsets.push(r.offset);
            Ok(())
        })
        .unwrap();
        assert_eq!(offsets, vec![101, 102]);
        assert!(matches!(
            filter_batch(&b, &h, |_| true).unwrap(),
            Filtered::Unchanged
        ));
        assert!(matches!(
            filter_batch(&b, &h, |_| false).unwrap(),
            Filtered::Empty
        ));
        b.truncate(b.len() - 1);
        let h = BatchHeader::parse(&b).unwrap();
        assert!(for_each_record(&b, &h, |_| Ok(())).is_err());
    }

    #[test]
    fn batches_are_read_across_chunks() {
        let dir = crate::test_util::TempDir::new("cleaner-read");
        let path = dir.path().join("x.log");
        let mut all = Vec::new();
        for i in 0..300 {
            all.extend(
                BatchBuilder::new()
                    .base_offset(i * 10)
                    .sized_records(10, 500)
                    .build(),
            );
        }
        std::fs::write(&path, &all).unwrap();
        let f = File::open(&path).unwrap();
        let mut n = 0;
        let mut last = -1;
        for_each_batch(&f, all.len() as u64, |_, h, bytes| {
            assert_eq!(bytes.len() as u64, h.size());
            assert!(h.base_offset > last);
            last = h.base_offset;
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 300);
    }
}
