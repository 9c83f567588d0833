//! Validation of RecordBatch v2 before anything is written (rules learned
//! from Kafka's `LogValidator` and `DefaultRecordBatch`): the full checks for
//! batches from a Produce request, and the framing-and-CRC checks for batches
//! a follower copies from its leader ([`validate_leader_batches`]).

use super::records::walk_records;
use super::*;
use crate::compression::{self, Codec};
use crate::error::{Error, Result};
use std::cell::RefCell;

thread_local! {
    /// Decompressed records of the batch being validated, reused by every
    /// validation on this thread (main thread or a pool worker).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Scratch buffers above this are freed after use, so one huge batch does not
/// pin its size for the life of the thread.
const SCRATCH_KEEP: usize = 8 << 20;

/// Runs `f` on the decompressed records of `batch` (the bytes after the header).
pub fn with_records<T>(
    batch: &[u8],
    codec: Codec,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    let body = &batch[HEADER_SIZE..];
    if codec == Codec::None {
        return f(body);
    }
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        scratch.clear();
        let r = compression::decompress(
            codec,
            body,
            &mut scratch,
            compression::DEFAULT_DECOMPRESS_LIMIT,
        )
        .and_then(|()| f(&scratch));
        if scratch.capacity() > SCRATCH_KEEP {
            *scratch = Vec::new();
        }
        r
    })
}

/// A batch that passed validation, located in the request buffer.
#[derive(Debug, Clone, Copy)]
pub struct ValidBatch {
    /// Byte position of the batch in the validated buffer.
    pub position: usize,
    pub header: BatchHeader,
    /// The largest record timestamp as walked (uncompressed), else the header's.
    pub max_timestamp: i64,
}

impl ValidBatch {
    #[inline]
    pub fn size(&self) -> usize {
        self.header.size() as usize
    }
}

/// Where the batches being validated come from, which decides the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A Produce request: every rule, records walked (decompressed) one by one;
    /// `require_keys` (a compacted topic) refuses records without a key.
    Client { require_keys: bool },
    /// A follower's fetch from its leader, stored as they are: framing, CRC,
    /// header sanity. Control batches are accepted, records are not walked
    /// (the leader validated them; the CRC covers them), the records count may
    /// be below `lastOffsetDelta + 1` (compaction removed records) and
    /// `max.message.bytes` is not applied (Kafka ignores the record size for
    /// replication: what the leader accepted, the follower must store).
    Leader,
}

/// Validates every batch in `buf` (one or more complete batches) and appends
/// one [`ValidBatch`] per batch to `out`. Nothing is modified.
pub fn validate_batches(
    buf: &[u8],
    max_message_bytes: i64,
    out: &mut Vec<ValidBatch>,
) -> Result<()> {
    validate_all(
        buf,
        max_message_bytes,
        Source::Client {
            require_keys: false,
        },
        out,
    )
}

/// [`validate_batches`] for a compacted topic when `require_keys`: a record
/// without a key is refused (`INVALID_RECORD`), as Kafka's `LogValidator`
/// refuses it, since compaction could never remove or replace it.
pub fn validate_batches_for_topic(
    buf: &[u8],
    max_message_bytes: i64,
    require_keys: bool,
    out: &mut Vec<ValidBatch>,
) -> Result<()> {
    validate_all(buf, max_message_bytes, Source::Client { require_keys }, out)
}

/// [`validate_batches`] under the follower's rules ([`Source::Leader`]).
pub fn validate_leader_batches(buf: &[u8], out: &mut Vec<ValidBatch>) -> Result<()> {
    validate_all(buf, i64::MAX, Source::Leader, out)
}

fn validate_all(
    buf: &[u8],
    max_message_bytes: i64,
    source: Source,
    out: &mut Vec<ValidBatch>,
) -> Result<()> {
    if buf.is_empty() {
        return Err(Error::InvalidRecord("no record batches in request".into()));
    }
    let mut pos = 0usize;
    while pos < buf.len() {
        let b = validate_batch_from(&buf[pos..], max_message_bytes, pos, source)?;
        pos += b.size();
        out.push(b);
    }
    Ok(())
}

/// Validates the batch at the start of `b`; `position` is only recorded.
pub fn validate_batch(b: &[u8], max_message_bytes: i64, position: usize) -> Result<ValidBatch> {
    validate_batch_from(
        b,
        max_message_bytes,
        position,
        Source::Client {
            require_keys: false,
        },
    )
}

fn validate_batch_from(
    b: &[u8],
    max_message_bytes: i64,
    position: usize,
    source: Source,
) -> Result<ValidBatch> {
    let at = |what: String| format!("batch at byte {position}: {what}");
    if b.len() < LOG_OVERHEAD {
        return Err(Error::CorruptMessage(at(format!(
            "truncated: {} trailing bytes",
            b.len()
        ))));
    }
    let batch_length = be_i32(b, LENGTH_OFFSET);
    if b.len() > MAGIC_OFFSET {
        let magic = b[MAGIC_OFFSET] as i8;
        if magic != MAGIC_V2 {
            // v0/v1 message sets share the magic position; anything else is garbage.
            return Err(if (0..MAGIC_V2).contains(&magic) {
                Error::UnsupportedForMessageFormat(at(format!(
                    "magic {magic} not supported, only v2 record batches"
                )))
            } else {
                Error::CorruptMessage(at(format!("invalid magic byte {magic}")))
            });
        }
    }
    if batch_length < (HEADER_SIZE - LOG_OVERHEAD) as i32 {
        return Err(Error::CorruptMessage(at(format!(
            "batchLength {batch_length} below header size"
        ))));
    }
    let size = LOG_OVERHEAD + batch_length as usize;
    if size > b.len() {
        return Err(Error::CorruptMessage(at(format!(
            "truncated: batch of {size} bytes but only {} present",
            b.len()
        ))));
    }
    if size as i64 > max_message_bytes {
        return Err(Error::MessageTooLarge(at(format!(
            "batch of {size} bytes exceeds max.message.bytes {max_message_bytes}"
        ))));
    }
    let batch = &b[..size];
    let header = match BatchHeader::parse(batch) {
        Some(h) => h,
        None => return Err(Error::CorruptMessage(at("short header".into()))),
    };
    let crc = compute_crc(batch);
    if crc != header.crc {
        return Err(Error::CorruptMessage(at(format!(
            "CRC32C mismatch: stored {:#010x}, computed {crc:#010x}",
            header.crc
        ))));
    }
    // A leader's log may hold a batch with no records: the header the
    // cleaner keeps of an active producer's last batch.
    let min_count = if source == Source::Leader { 0 } else { 1 };
    if header.records_count < min_count || header.last_offset_delta < 0 {
        return Err(Error::InvalidRecord(at(format!(
            "recordsCount {} must be positive",
            header.records_count
        ))));
    }
    // A compacted batch keeps its offset range with fewer records in it.
    let count_ok = match source {
        Source::Client { .. } => header.last_offset_delta as i64 + 1 == header.records_count as i64,
        Source::Leader => header.records_count as i64 <= header.last_offset_delta as i64 + 1,
    };
    if !count_ok {
        return Err(Error::InvalidRecord(at(format!(
            "recordsCount {} does not match lastOffsetDelta {}",
            header.records_count, header.last_offset_delta
        ))));
    }
    let codec = match Codec::from_id(header.compression()) {
        Some(c) => c,
        None => {
            return Err(Error::UnsupportedCompressionType(at(format!(
                "unknown compression codec id {}",
                header.compression()
            ))))
        }
    };
    if source == Source::Leader {
        if header.is_transactional() && !header.has_producer_id() {
            return Err(Error::InvalidRecord(at(
                "transactional batch without producer id".into(),
            )));
        }
        return Ok(ValidBatch {
            position,
            header,
            max_timestamp: header.max_timestamp,
        });
    }
    if header.is_control() {
        // Control batches (transaction markers) are written by the broker, never by clients.
        return Err(Error::InvalidRecord(at(
            "clients may not write control batches".into(),
        )));
    }
    if header.is_transactional() && !header.has_producer_id() {
        return Err(Error::InvalidRecord(at(
            "transactional batch without producer id".into(),
        )));
    }
    if header.has_producer_id() && header.base_sequence < 0 {
        return Err(Error::InvalidRecord(at(format!(
            "invalid sequence number {} for producer {}",
            header.base_sequence, header.producer_id
        ))));
    }
    // Compressed records are decompressed and walked like plain ones (Kafka's
    // LogValidator does the same): a batch is stored only if every record parses.
    let require_keys = matches!(source, Source::Client { require_keys: true });
    let mut expected = 0i32;
    let mut max_delta = i64::MIN;
    with_records(batch, codec, |records| {
        walk_records(records, header.records_count, |r| {
            if r.offset_delta != expected {
                return Err(Error::InvalidRecord(format!(
                    "record offsetDelta {} where {expected} was expected",
                    r.offset_delta
                )));
            }
            if require_keys && !r.has_key {
                return Err(Error::InvalidRecord(format!(
                    "record {expected}: a compacted topic cannot accept a record without a key"
                )));
            }
            expected += 1;
            max_delta = max_delta.max(r.timestamp_delta);
            Ok(())
        })
    })
    .map_err(|e| match e {
        Error::CorruptMessage(m) => Error::CorruptMessage(at(m)),
        Error::InvalidRecord(m) => Error::InvalidRecord(at(m)),
        other => other,
    })?;
    let max_timestamp = header.base_timestamp.saturating_add(max_delta);
    Ok(ValidBatch {
        position,
        header,
        max_timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::super::builder::BatchBuilder;
    use super::*;

    const MAX: i64 = 1 << 20;

    fn validate(b: &[u8]) -> Result<Vec<ValidBatch>> {
        let mut v = Vec::new();
        validate_batches(b, MAX, &mut v)?;
        Ok(v)
    }

    #[test]
    fn accepts_several_batches() {
        let mut buf = BatchBuilder::new().records(3).build();
        buf.extend(BatchBuilder::new().records(1).build());
        let v = validate(&buf).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].position, v[0].size());
        assert_eq!(v[0].max_timestamp, 1002);
    }

    #[test]
    fn bad_crc() {
        let mut b = BatchBuilder::new().records(2).build();
        let last = b.len() - 1;
        b[last] ^= 0xff;
        assert!(matches!(validate(&b), Err(Error::CorruptMessage(_))));
    }

    #[test]
    fn wrong_magic() {
        let mut b = BatchBuilder::new().records(1).build();
        b[MAGIC_OFFSET] = 1;
        assert!(matches!(
            validate(&b),
            Err(Error::UnsupportedForMessageFormat(_))
        ));
        b[MAGIC_OFFSET] = 7;
        assert!(matches!(validate(&b), Err(Error::CorruptMessage(_))));
    }

    #[test]
    fn truncated() {
        let b = BatchBuilder::new().records(2).build();
        assert!(matches!(
            validate(&b[..b.len() - 3]),
            Err(Error::CorruptMessage(_))
        ));
        assert!(matches!(validate(&b[..5]), Err(Error::CorruptMessage(_))));
        let mut two = b.clone();
        two.extend_from_slice(&b[..20]);
        assert!(matches!(validate(&two), Err(Error::CorruptMessage(_))));
        assert!(matches!(validate(&[]), Err(Error::InvalidRecord(_))));
    }

    #[test]
    fn bogus_length() {
        let mut b = BatchBuilder::new().records(1).build();
        b[LENGTH_OFFSET..LENGTH_OFFSET + 4].copy_from_slice(&(-5i32).to_be_bytes());
        assert!(matches!(validate(&b), Err(Error::CorruptMessage(_))));
        b[LENGTH_OFFSET..LENGTH_OFFSET + 4].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(matches!(validate(&b), Err(Error::CorruptMessage(_))));
    }

    #[test]
    fn count_mismatch() {
        let mut b = BatchBuilder::new().records(3).build();
        b[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4].copy_from_slice(&4i32.to_be_bytes());
        update_crc(&mut b);
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
        // Header self-consistent but the records say otherwise.
        b[LAST_OFFSET_DELTA_OFFSET..LAST_OFFSET_DELTA_OFFSET + 4]
            .copy_from_slice(&3i32.to_be_bytes());
        update_crc(&mut b);
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
        b[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4].copy_from_slice(&0i32.to_be_bytes());
        update_crc(&mut b);
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
    }

    #[test]
    fn too_large() {
        let b = BatchBuilder::new().sized_records(2, 100).build();
        let mut v = Vec::new();
        let err = validate_batches(&b, (b.len() - 1) as i64, &mut v).unwrap_err();
        assert!(matches!(err, Error::MessageTooLarge(_)));
        assert!(validate_batches(&b, b.len() as i64, &mut v).is_ok());
    }

    #[test]
    fn compression_ids() {
        let b = BatchBuilder::new().records(1).attributes(5).build();
        assert!(matches!(
            validate(&b),
            Err(Error::UnsupportedCompressionType(_))
        ));
        // Records that are not really zstd-compressed are corrupt.
        let b = BatchBuilder::new().records(1).attributes(4).build();
        assert!(matches!(validate(&b), Err(Error::CorruptMessage(_))));
        for codec in 1..=4 {
            let b = BatchBuilder::new().records(3).compression(codec).build();
            let v = validate(&b).unwrap();
            assert_eq!(v[0].max_timestamp, 1002, "codec {codec}");
        }
        // A compressed body whose records do not match the header's count.
        let mut b = BatchBuilder::new().records(3).compression(3).build();
        b[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4].copy_from_slice(&4i32.to_be_bytes());
        b[LAST_OFFSET_DELTA_OFFSET..LAST_OFFSET_DELTA_OFFSET + 4]
            .copy_from_slice(&3i32.to_be_bytes());
        update_crc(&mut b);
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
    }

    #[test]
    fn control_and_producer_rules() {
        let b = BatchBuilder::new()
            .records(1)
            .attributes(CONTROL_MASK)
            .build();
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
        let b = BatchBuilder::new()
            .records(1)
            .attributes(TRANSACTIONAL_MASK)
            .build();
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
        let b = BatchBuilder::new().records(1).producer(5, 0, -1).build();
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
    }

    #[test]
    fn leader_batches_keep_control_markers_and_compacted_counts() {
        let leader = |b: &[u8]| {
            let mut v = Vec::new();
            validate_leader_batches(b, &mut v).map(|()| v)
        };
        // A transaction marker: control, transactional, no sequence.
        let marker = BatchBuilder::new()
            .records(1)
            .attributes(CONTROL_MASK | TRANSACTIONAL_MASK)
            .producer(7, 0, -1)
            .build();
        assert!(matches!(validate(&marker), Err(Error::InvalidRecord(_))));
        assert_eq!(leader(&marker).unwrap().len(), 1);
        // A compacted batch: three offsets, one record left.
        let mut b = BatchBuilder::new().records(3).build();
        b[RECORDS_COUNT_OFFSET..RECORDS_COUNT_OFFSET + 4].copy_from_slice(&1i32.to_be_bytes());
        update_crc(&mut b);
        assert!(matches!(validate(&b), Err(Error::InvalidRecord(_))));
        assert_eq!(leader(&b).unwrap()[0].max_timestamp, 1002);
        // Size limits are the leader's business; corruption is still refused.
        let big = BatchBuilder::new().sized_records(2, 100).build();
        let mut v = Vec::new();
        assert!(validate_batches(&big, 10, &mut v).is_err());
        assert!(leader(&big).is_ok());
        let mut bad = big.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(leader(&bad), Err(Error::CorruptMessage(_))));
        assert!(matches!(
            leader(&big[..big.len() - 1]),
            Err(Error::CorruptMessage(_))
        ));
        assert!(matches!(leader(&[]), Err(Error::InvalidRecord(_))));
    }

    #[test]
    fn offset_delta_out_of_order() {
        // Swap the two records' bodies: offsetDeltas become 1,0.
        let a = BatchBuilder::new().records(2).build();
        let recs = &a[HEADER_SIZE..];
        let half = recs.len() / 2;
        let mut swapped = a[..HEADER_SIZE].to_vec();
        swapped.extend_from_slice(&recs[half..]);
        swapped.extend_from_slice(&recs[..half]);
        update_crc(&mut swapped);
        assert!(matches!(validate(&swapped), Err(Error::InvalidRecord(_))));
    }
}
