//! Offset index: last offset of a batch -> file position where it starts.

use super::{Entry, IndexFile};
use crate::batch::{be_u32, BatchHeader};
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetEntry {
    pub relative_offset: u32,
    pub position: u32,
}

impl Entry for OffsetEntry {
    const SIZE: usize = 8;
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
}

/// The `.index` file of one segment.
pub struct OffsetIndex {
    base_offset: i64,
    file: IndexFile<OffsetEntry>,
}

impl OffsetIndex {
    pub fn open(path: &Path, base_offset: i64) -> io::Result<Self> {
        Ok(OffsetIndex {
            base_offset,
            file: IndexFile::open(path)?,
        })
    }

    /// Kafka-style sanity check: whole entries, strictly increasing offsets
    /// and positions, all positions inside a log of `log_size` bytes.
    pub fn is_sane(&self, log_size: u64) -> bool {
        if self.file.is_torn() {
            return false;
        }
        let e = self.file.entries();
        e.windows(2)
            .all(|w| w[0].relative_offset < w[1].relative_offset && w[0].position < w[1].position)
            && e.last().is_none_or(|l| (l.position as u64) < log_size)
    }

    /// Entry for a batch, if it fits the u32 relative offset/position.
    pub fn entry_for(&self, header: &BatchHeader, position: u64) -> Option<OffsetEntry> {
        let rel = header.last_offset() - self.base_offset;
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
        let rel = offset - self.base_offset;
        if rel < 0 {
            return 0;
        }
        let rel = rel.min(u32::MAX as i64) as u32;
        let e = self.file.entries();
        let n = e.partition_point(|x| x.relative_offset <= rel);
        if n == 0 {
            0
        } else {
            e[n - 1].position as u64
        }
    }

    pub fn entries(&self) -> &[OffsetEntry] {
        self.file.entries()
    }

    pub fn len(&self) -> usize {
        self.file.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn append(&mut self, new: &[OffsetEntry]) -> io::Result<()> {
        self.file.append(new)
    }

    pub fn truncate_entries(&mut self, n: usize) -> io::Result<()> {
        self.file.truncate_entries(n)
    }

    pub fn reset(&mut self, entries: Vec<OffsetEntry>) -> io::Result<()> {
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
    fn lookup_finds_floor_entry() {
        let dir = crate::test_util::TempDir::new("oidx");
        let mut idx = OffsetIndex::open(&dir.path().join("a.index"), 100).unwrap();
        assert_eq!(idx.lookup(150), 0);
        idx.append(&[
            OffsetEntry {
                relative_offset: 9,
                position: 4000,
            },
            OffsetEntry {
                relative_offset: 19,
                position: 8000,
            },
        ])
        .unwrap();
        assert_eq!(idx.lookup(50), 0);
        assert_eq!(idx.lookup(108), 0);
        assert_eq!(idx.lookup(109), 4000);
        assert_eq!(idx.lookup(118), 4000);
        assert_eq!(idx.lookup(119), 8000);
        assert_eq!(idx.lookup(10_000), 8000);
        assert!(idx.is_sane(8001));
        assert!(!idx.is_sane(8000));
        let again = OffsetIndex::open(&dir.path().join("a.index"), 100).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again.lookup(119), 8000);
    }
}
