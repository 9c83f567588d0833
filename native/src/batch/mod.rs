//! RecordBatch v2 (magic 2): header layout, parsing, and in-place rewrites.
//!
//! On-disk and on-wire layout (big-endian), 61-byte header then records:
//! ```text
//! baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 | crc u32 |
//! attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
//! producerId i64 | producerEpoch i16 | baseSequence i32 | recordsCount i32 | records...
//! ```
//! `batchLength` counts the bytes after itself; the CRC32C covers `attributes`
//! to the end of the batch, so `baseOffset` and `partitionLeaderEpoch` can be
//! rewritten without recomputing it.

pub mod control;
pub mod convert;
pub mod records;
pub mod validate;
pub mod varint;

#[cfg(test)]
pub mod builder;

use crate::crc32c::crc32c;

/// Bytes before `partitionLeaderEpoch`: baseOffset + batchLength (Kafka's LOG_OVERHEAD).
pub const LOG_OVERHEAD: usize = 12;
/// Full RecordBatch v2 header size.
pub const HEADER_SIZE: usize = 61;

pub const BASE_OFFSET_OFFSET: usize = 0;
pub const LENGTH_OFFSET: usize = 8;
pub const PARTITION_LEADER_EPOCH_OFFSET: usize = 12;
pub const MAGIC_OFFSET: usize = 16;
pub const CRC_OFFSET: usize = 17;
pub const ATTRIBUTES_OFFSET: usize = 21;
pub const LAST_OFFSET_DELTA_OFFSET: usize = 23;
pub const BASE_TIMESTAMP_OFFSET: usize = 27;
pub const MAX_TIMESTAMP_OFFSET: usize = 35;
pub const PRODUCER_ID_OFFSET: usize = 43;
pub const PRODUCER_EPOCH_OFFSET: usize = 51;
pub const BASE_SEQUENCE_OFFSET: usize = 53;
pub const RECORDS_COUNT_OFFSET: usize = 57;

pub const MAGIC_V2: i8 = 2;
pub const COMPRESSION_MASK: i16 = 0x07;
pub const TIMESTAMP_TYPE_MASK: i16 = 0x08;
pub const TRANSACTIONAL_MASK: i16 = 0x10;
pub const CONTROL_MASK: i16 = 0x20;
/// Kafka's `hasDeleteHorizonMs` (KIP-534): the base timestamp field holds the
/// time after which the cleaner may remove the batch (a transaction marker).
pub const DELETE_HORIZON_MASK: i16 = 0x40;
/// No producer id / epoch / sequence (non-idempotent producer).
pub const NO_PRODUCER_ID: i64 = -1;
pub const NO_TIMESTAMP: i64 = -1;

#[inline]
pub(crate) fn be_i16(b: &[u8], at: usize) -> i16 {
    i16::from_be_bytes([b[at], b[at + 1]])
}
#[inline]
pub(crate) fn be_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
#[inline]
pub(crate) fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
#[inline]
pub(crate) fn be_i64(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_be_bytes(a)
}

/// The parsed fixed-size header of one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub records_count: i32,
}

impl BatchHeader {
    /// Parses a header from the first [`HEADER_SIZE`] bytes of `b`; `None` if
    /// `b` is shorter. Performs no validation.
    pub fn parse(b: &[u8]) -> Option<BatchHeader> {
        if b.len() < HEADER_SIZE {
            return None;
        }
        Some(BatchHeader {
            base_offset: be_i64(b, BASE_OFFSET_OFFSET),
            batch_length: be_i32(b, LENGTH_OFFSET),
            partition_leader_epoch: be_i32(b, PARTITION_LEADER_EPOCH_OFFSET),
            magic: b[MAGIC_OFFSET] as i8,
            crc: be_u32(b, CRC_OFFSET),
            attributes: be_i16(b, ATTRIBUTES_OFFSET),
            last_offset_delta: be_i32(b, LAST_OFFSET_DELTA_OFFSET),
            base_timestamp: be_i64(b, BASE_TIMESTAMP_OFFSET),
            max_timestamp: be_i64(b, MAX_TIMESTAMP_OFFSET),
            producer_id: be_i64(b, PRODUCER_ID_OFFSET),
            producer_epoch: be_i16(b, PRODUCER_EPOCH_OFFSET),
            base_sequence: be_i32(b, BASE_SEQUENCE_OFFSET),
            records_count: be_i32(b, RECORDS_COUNT_OFFSET),
        })
    }

    /// Whole batch size in bytes, including the 12-byte offset+length prefix.
    #[inline]
    pub fn size(&self) -> u64 {
        LOG_OVERHEAD as u64 + self.batch_length.max(0) as u64
    }

    #[inline]
    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }

    /// Compression codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).
    #[inline]
    pub fn compression(&self) -> u8 {
        (self.attributes & COMPRESSION_MASK) as u8
    }

    #[inline]
    pub fn is_log_append_time(&self) -> bool {
        self.attributes & TIMESTAMP_TYPE_MASK != 0
    }

    #[inline]
    pub fn is_transactional(&self) -> bool {
        self.attributes & TRANSACTIONAL_MASK != 0
    }

    #[inline]
    pub fn is_control(&self) -> bool {
        self.attributes & CONTROL_MASK != 0
    }

    #[inline]
    pub fn has_producer_id(&self) -> bool {
        self.producer_id > NO_PRODUCER_ID
    }

    /// Sequence number of the last record, wrapping at `i32::MAX` to 0 like Kafka.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence < 0 {
            return -1;
        }
        let last = self.base_sequence as i64 + self.last_offset_delta as i64;
        if last > i32::MAX as i64 {
            (last - i32::MAX as i64 - 1) as i32
        } else {
            last as i32
        }
    }
}

/// CRC32C of a whole batch as stored in its header (from `attributes` on).
#[inline]
pub fn compute_crc(batch: &[u8]) -> u32 {
    crc32c(&batch[ATTRIBUTES_OFFSET..])
}

#[inline]
fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}

pub fn set_base_offset(batch: &mut [u8], v: i64) {
    put(batch, BASE_OFFSET_OFFSET, &v.to_be_bytes());
}
pub fn set_partition_leader_epoch(batch: &mut [u8], v: i32) {
    put(batch, PARTITION_LEADER_EPOCH_OFFSET, &v.to_be_bytes());
}
pub fn set_attributes(batch: &mut [u8], v: i16) {
    put(batch, ATTRIBUTES_OFFSET, &v.to_be_bytes());
}
pub fn set_max_timestamp(batch: &mut [u8], v: i64) {
    put(batch, MAX_TIMESTAMP_OFFSET, &v.to_be_bytes());
}
/// Recomputes and stores the CRC (after changing covered fields).
pub fn update_crc(batch: &mut [u8]) {
    let crc = compute_crc(batch);
    put(batch, CRC_OFFSET, &crc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::builder::BatchBuilder;
    use super::*;

    #[test]
    fn parse_built_batch() {
        let b = BatchBuilder::new()
            .base_timestamp(1000)
            .producer(7, 3, 42)
            .record(Some(b"k"), Some(b"v1"), 0)
            .record(None, Some(b"v2"), 5)
            .build();
        let h = BatchHeader::parse(&b).unwrap();
        assert_eq!(h.size() as usize, b.len());
        assert_eq!(h.magic, 2);
        assert_eq!(h.records_count, 2);
        assert_eq!(h.last_offset_delta, 1);
        assert_eq!(h.base_timestamp, 1000);
        assert_eq!(h.max_timestamp, 1005);
        assert_eq!(h.producer_id, 7);
        assert_eq!(h.producer_epoch, 3);
        assert_eq!(h.base_sequence, 42);
        assert_eq!(h.last_sequence(), 43);
        assert_eq!(h.crc, compute_crc(&b));
        assert_eq!(h.compression(), 0);
        assert!(!h.is_log_append_time());
    }

    #[test]
    fn last_sequence_wraps() {
        let mut h = BatchHeader::parse(&BatchBuilder::new().records(3).build()).unwrap();
        h.base_sequence = i32::MAX - 1;
        assert_eq!(h.last_sequence(), 0);
        h.base_sequence = i32::MAX;
        assert_eq!(h.last_sequence(), 1);
    }

    #[test]
    fn rewrites_outside_crc_keep_crc_valid() {
        let mut b = BatchBuilder::new().records(2).build();
        set_base_offset(&mut b, 1234);
        set_partition_leader_epoch(&mut b, 9);
        let h = BatchHeader::parse(&b).unwrap();
        assert_eq!(h.base_offset, 1234);
        assert_eq!(h.partition_leader_epoch, 9);
        assert_eq!(h.crc, compute_crc(&b));
        set_max_timestamp(&mut b, 99);
        assert_ne!(BatchHeader::parse(&b).unwrap().crc, compute_crc(&b));
        update_crc(&mut b);
        assert_eq!(BatchHeader::parse(&b).unwrap().crc, compute_crc(&b));
    }
}
