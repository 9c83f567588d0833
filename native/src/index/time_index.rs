//! Time index (`.timeindex`): largest timestamp so far -> last offset of the
//! batch holding it. 12 bytes an entry: `timestamp i64 BE | relativeOffset u32 BE`.

use super::{IndexEntry, SparseIndex};
use crate::batch::{be_i64, be_u32};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeEntry {
    pub timestamp: i64,
    pub relative_offset: u32,
}

impl IndexEntry for TimeEntry {
    const SIZE: usize = 12;
    type Key = i64;
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.relative_offset.to_be_bytes());
    }
    fn decode(b: &[u8]) -> Self {
        TimeEntry {
            timestamp: be_i64(b, 0),
            relative_offset: be_u32(b, 8),
        }
    }
    fn key(&self) -> i64 {
        self.timestamp
    }
    fn relative_offset(&self) -> u32 {
        self.relative_offset
    }
    /// Timestamps and offsets never decrease.
    fn may_follow(&self, prev: &Self) -> bool {
        prev.timestamp <= self.timestamp && prev.relative_offset <= self.relative_offset
    }
}

/// The `.timeindex` file of one segment.
pub type TimeIndex = SparseIndex<TimeEntry>;

impl SparseIndex<TimeEntry> {
    /// Whole entries with non-decreasing timestamps and offsets, all offsets
    /// below `next_offset` (the segment's end).
    pub fn is_sane(&self, next_offset: i64) -> bool {
        self.is_ordered()
            && self
                .last()
                .is_none_or(|l| self.offset_of(&l) < next_offset.max(self.base_offset() + 1))
    }

    /// An entry for (timestamp, offset) if it would grow the index.
    pub fn entry_if_newer(
        &self,
        last_in_batch: Option<&TimeEntry>,
        timestamp: i64,
        offset: i64,
    ) -> Option<TimeEntry> {
        let last = last_in_batch.or_else(|| self.entries().last());
        let rel = offset - self.base_offset();
        if !(0..=u32::MAX as i64).contains(&rel) {
            return None;
        }
        match last {
            Some(l) if l.timestamp >= timestamp => None,
            _ => Some(TimeEntry {
                timestamp,
                relative_offset: rel as u32,
            }),
        }
    }

    /// The offset to start searching for the first record with a timestamp
    /// at or above `timestamp`: the last entry whose timestamp is strictly
    /// below the target (everything up to its offset is older), or the base.
    pub fn lookup(&self, timestamp: i64) -> i64 {
        self.last_below(timestamp)
            .map_or(self.base_offset(), |e| self.offset_of(e))
    }
}
