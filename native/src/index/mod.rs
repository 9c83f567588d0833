//! Sparse per-segment indexes, Kafka-compatible on disk.
//!
//! `.index`: 8-byte entries `relativeOffset u32 BE | position u32 BE`, where
//! the entry names a batch by its *last* offset and the file position where
//! the batch starts (as Kafka writes them since 3.x).
//! `.timeindex`: 12-byte entries `timestamp i64 BE | relativeOffset u32 BE`:
//! the largest timestamp seen so far in the segment and the last offset of the
//! batch holding it. Both files are exactly `entries * size` long (no
//! preallocation) and are mirrored in memory for lookups.

pub mod offset_index;
pub mod time_index;

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub use offset_index::{OffsetEntry, OffsetIndex};
pub use time_index::{TimeEntry, TimeIndex};

/// A fixed-size index entry.
pub trait Entry: Copy {
    const SIZE: usize;
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(b: &[u8]) -> Self;
}

/// An append-only file of fixed-size entries mirrored in memory. The file
/// handle of a sealed segment's index is released (lookups use the memory
/// copy), so a partition holds one descriptor per closed segment, not three;
/// it is reopened if the index is ever written again.
pub struct IndexFile<E: Entry> {
    path: PathBuf,
    file: Option<File>,
    entries: Vec<E>,
    /// True when the file on disk did not parse as whole entries.
    torn: bool,
}

impl<E: Entry> IndexFile<E> {
    /// Opens (creating if missing) and loads all entries.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let len = file.metadata()?.len() as usize;
        let mut bytes = vec![0u8; len];
        file.read_exact_at(&mut bytes, 0)?;
        let entries = bytes.chunks_exact(E::SIZE).map(E::decode).collect();
        Ok(IndexFile {
            path: path.to_path_buf(),
            file: Some(file),
            entries,
            torn: !len.is_multiple_of(E::SIZE),
        })
    }

    pub fn entries(&self) -> &[E] {
        &self.entries
    }

    pub fn is_torn(&self) -> bool {
        self.torn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open handle, reopening a released one.
    fn handle(&mut self) -> io::Result<&File> {
        if self.file.is_none() {
            let f = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&self.path)?;
            self.file = Some(f);
        }
        Ok(self.file.as_ref().expect("opened above"))
    }

    /// Closes the file handle (after a sync); entries stay in memory.
    pub fn release(&mut self) {
        self.file = None;
    }

    /// Appends entries with one write; on failure the file is cut back and
    /// memory is unchanged.
    pub fn append(&mut self, new: &[E]) -> io::Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(new.len() * E::SIZE);
        for e in new {
            e.encode(&mut buf);
        }
        let at = (self.entries.len() * E::SIZE) as u64;
        let file = self.handle()?;
        if let Err(e) = file.write_all_at(&buf, at) {
            let _ = file.set_len(at);
            return Err(e);
        }
        self.entries.extend_from_slice(new);
        Ok(())
    }

    /// Drops the last entries so that `n` remain.
    pub fn truncate_entries(&mut self, n: usize) -> io::Result<()> {
        if n < self.entries.len() {
            self.handle()?.set_len((n * E::SIZE) as u64)?;
            self.entries.truncate(n);
        }
        Ok(())
    }

    /// Replaces the whole index (after a rebuild).
    pub fn reset(&mut self, entries: Vec<E>) -> io::Result<()> {
        let mut buf = Vec::with_capacity(entries.len() * E::SIZE);
        for e in &entries {
            e.encode(&mut buf);
        }
        let file = self.handle()?;
        file.set_len(0)?;
        file.write_all_at(&buf, 0)?;
        self.entries = entries;
        self.torn = false;
        Ok(())
    }

    /// fsyncs the file; a released handle was synced before it was released.
    pub fn sync(&self) -> io::Result<()> {
        match &self.file {
            Some(f) => f.sync_data(),
            None => Ok(()),
        }
    }

    /// A second handle on the open file, to fsync it elsewhere after `release`.
    pub fn sync_handle(&self) -> io::Result<Option<File>> {
        self.file.as_ref().map(File::try_clone).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_file_detected_and_reset() {
        let dir = crate::test_util::TempDir::new("index");
        let path = dir.path().join("x.index");
        std::fs::write(&path, [0u8; 13]).unwrap();
        let mut idx: IndexFile<OffsetEntry> = IndexFile::open(&path).unwrap();
        assert!(idx.is_torn());
        assert_eq!(idx.entries().len(), 1);
        idx.reset(vec![]).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        idx.append(&[OffsetEntry {
            relative_offset: 1,
            position: 2,
        }])
        .unwrap();
        idx.append(&[OffsetEntry {
            relative_offset: 3,
            position: 4,
        }])
        .unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]
        );
        idx.truncate_entries(1).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 8);
        // A released handle is reopened on the next write.
        idx.release();
        assert_eq!(idx.entries().len(), 1);
        idx.append(&[OffsetEntry {
            relative_offset: 5,
            position: 6,
        }])
        .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 16);
    }
}
