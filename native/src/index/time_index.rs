//! Time index: largest timestamp so far -> last offset of the batch holding it.

use super::{Entry, IndexFile};
use crate::batch::{be_i64, be_u32};
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeEntry {
    pub timestamp: i64,
    pub relative_offset: u32,
}

impl Entry for TimeEntry {
    const SIZE: usize = 12;
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
}

/// The `.timeindex` file of one segment.
pub struct TimeIndex {
    base_offset: i64,
    file: IndexFile<TimeEntry>,
}

impl TimeIndex {
    pub fn open(path: &Path, base_offset: i64) -> io::Result<Self> {
        Ok(TimeIndex {
            base_offset,
            file: IndexFile::open(path)?,
        })
    }

    /// Whole entries with non-decreasing timestamps and offsets, all offsets
    /// below `next_offset` (the segment's end).
    pub fn is_sane(&self, next_offset: i64) -> bool {
        if self.file.is_torn() {
            return false;
        }
        let e = self.file.entries();
        e.windows(2).all(|w| {
            w[0].timestamp <= w[1].timestamp && w[0].relative_offset <= w[1].relative_offset
        }) && e.last().is_none_or(|l| {
            self.base_offset + (l.relative_offset as i64) < next_offset.max(self.base_offset + 1)
        })
    }

    /// An entry for (timestamp, offset) if it would grow the index.
    pub fn entry_if_newer(
        &self,
        last_in_batch: Option<&TimeEntry>,
        timestamp: i64,
        offset: i64,
    ) -> Option<TimeEntry> {
        let last = last_in_batch.or_else(|| self.file.entries().last());
        let rel = offset - self.base_offset;
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
        let e = self.file.entries();
        let n = e.partition_point(|x| x.timestamp < timestamp);
        if n == 0 {
            self.base_offset
        } else {
            self.base_offset + e[n - 1].relative_offset as i64
        }
    }

    pub fn last(&self) -> Option<TimeEntry> {
        self.file.entries().last().copied()
    }

    pub fn entries(&self) -> &[TimeEntry] {
        self.file.entries()
    }

    pub fn len(&self) -> usize {
        self.file.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn append(&mut self, new: &[TimeEntry]) -> io::Result<()> {
        self.file.append(new)
    }

    pub fn truncate_entries(&mut self, n: usize) -> io::Result<()> {
        self.file.truncate_entries(n)
    }

    pub fn reset(&mut self, entries: Vec<TimeEntry>) -> io::Result<()> {
        self.file.reset(entries)
    }

    /// Closes the file handle; lookups keep working from memory.
    pub fn release(&mut self) {
        self.file.release();
    }

    pub fn sync(&self) -> io::Result<()> {
        self.file.sync()
    }

    pub fn sync_handle(&self) -> io::Result<Option<std::fs::File>> {
        self.file.sync_handle()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_growth() {
        let dir = crate::test_util::TempDir::new("tidx");
        let mut idx = TimeIndex::open(&dir.path().join("a.timeindex"), 10).unwrap();
        assert_eq!(idx.lookup(5), 10);
        let e1 = idx.entry_if_newer(None, 100, 14).unwrap();
        idx.append(&[e1]).unwrap();
        assert!(idx.entry_if_newer(None, 100, 20).is_none());
        let e2 = idx.entry_if_newer(None, 200, 20).unwrap();
        idx.append(&[e2]).unwrap();
        assert_eq!(idx.lookup(100), 10);
        assert_eq!(idx.lookup(101), 14);
        assert_eq!(idx.lookup(200), 14);
        assert_eq!(idx.lookup(201), 20);
        assert!(idx.is_sane(21));
        assert!(!idx.is_sane(20));
        assert_eq!(
            idx.last(),
            Some(TimeEntry {
                timestamp: 200,
                relative_offset: 10
            })
        );
    }
}
