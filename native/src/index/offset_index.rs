//! Offset index (`.index`): last offset of a batch -> file position where the
//! batch starts. 8 bytes an entry: `relativeOffset u32 BE | position u32 BE`.

use super::{IndexEntry, SparseIndex};
use crate::batch::{be_u32, BatchHeader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetEntry {
    pub relative_offset: u32,
    pub position: u32,
}

impl IndexEntry for OffsetEntry {
    const SIZE: usize = 8;
    type Key = u32;
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.relative_offset.to_be_bytes());
        out.extend_from_slice(&self.position.to_be_bytes());
    }
    fn decode(b: &[u8]) -> Self {
        OffsetEntry {
            relative_offset: be_u32(b, 0),
            position: be_u32(b, 4),
        }
    }
    fn key(&self) -> u32 {
        self.relative_offset
    }
    fn relative_offset(&self) -> u32 {
        self.relative_offset
    }
    /// Offsets and positions both strictly increase.
    fn may_follow(&self, prev: &Self) -> bool {
        prev.relative_offset < self.relative_offset && prev.position < self.position
    }
}

/// The `.index` file of one segment.
pub type OffsetIndex = SparseIndex<OffsetEntry>;

impl SparseIndex<OffsetEntry> {
    /// Kafka-style sanity check: whole entries, strictly increasing offsets
    /// and positions, all positions inside a log of `log_size` bytes.
    pub fn is_sane(&self, log_size: u64) -> bool {
        self.is_ordered() && self.last().is_none_or(|l| (l.position as u64) < log_size)
    }

    /// Entry for a batch, if it fits the u32 relative offset/position.
    pub fn entry_for(&self, header: &BatchHeader, position: u64) -> Option<OffsetEntry> {
        let rel = header.last_offset() - self.base_offset();
        if (0..=u32::MAX as i64).contains(&rel) && position <= u32::MAX as u64 {
            Some(OffsetEntry {
                relative_offset: rel as u32,
                position: position as u32,
            })
        } else {
            None
        }
    }

    /// The file position to start scanning for `offset`: the position of the
    /// last indexed batch whose last offset is <= `offset`, else 0.
    pub fn lookup(&self, offset: i64) -> u64 {
        let rel = offset - self.base_offset();
        if rel < 0 {
            return 0;
        }
        let rel = rel.min(u32::MAX as i64) as u32;
        self.floor(rel).map_or(0, |e| e.position as u64)
    }
}
