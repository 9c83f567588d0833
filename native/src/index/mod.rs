//! Sparse per-segment indexes, Kafka-compatible on disk: one generic
//! [`SparseIndex`] over an entry kind ([`IndexEntry`]), instantiated twice.
//!
//! `.index` ([`OffsetIndex`]): 8-byte entries `relativeOffset u32 BE |
//! position u32 BE`, where the entry names a batch by its *last* offset and
//! the file position where the batch starts (as Kafka writes them since 3.x).
//! `.timeindex` ([`TimeIndex`]): 12-byte entries `timestamp i64 BE |
//! relativeOffset u32 BE`: the largest timestamp seen so far in the segment
//! and the last offset of the batch holding it. Both files are exactly
//! `entries * SIZE` long (no preallocation) and are mirrored in memory for
//! lookups. Offsets are relative to the segment's base offset.

pub mod offset_index;
pub mod time_index;
pub mod txn_index;

use std::fmt::Debug;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub use offset_index::{OffsetEntry, OffsetIndex};
pub use time_index::{TimeEntry, TimeIndex};

/// One kind of sparse index entry: its fixed-size big-endian encoding, the
/// key lookups search by, and the order a sane index keeps.
pub trait IndexEntry: Copy + PartialEq + Debug {
    /// Bytes per entry on disk.
    const SIZE: usize;
    /// What the index is sorted by: a relative offset, or a timestamp.
    type Key: Ord + Copy;
    /// Appends exactly `SIZE` bytes to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads an entry from the first `SIZE` bytes of `b`.
    fn decode(b: &[u8]) -> Self;
    fn key(&self) -> Self::Key;
    /// The offset this entry names, relative to the segment's base offset.
    fn relative_offset(&self) -> u32;
    /// Whether this entry may come right after `prev` in a sane index.
    fn may_follow(&self, prev: &Self) -> bool;
}

/// The index of one segment: an append-only file of fixed-size entries,
/// mirrored in memory. The file handle of a sealed segment's index is
/// released (lookups use the memory copy), so a partition holds one
/// descriptor per closed segment, not three; it is reopened if the index is
/// ever written again.
pub struct SparseIndex<E: IndexEntry> {
    base_offset: i64,
    path: PathBuf,
    file: Option<File>,
    entries: Vec<E>,
    /// True when the file on disk did not parse as whole entries.
    torn: bool,
}

fn open_rw(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

fn encode_all<E: IndexEntry>(entries: &[E]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(entries.len() * E::SIZE);
    for e in entries {
        e.encode(&mut buf);
    }
    buf
}

impl<E: IndexEntry> SparseIndex<E> {
    /// Opens (creating if missing) the index of the segment at `base_offset`
    /// and loads all its entries; a trailing partial entry marks it torn.
    pub fn open(path: &Path, base_offset: i64) -> io::Result<Self> {
        let file = open_rw(path)?;
        let len = file.metadata()?.len() as usize;
        let mut bytes = vec![0u8; len];
        file.read_exact_at(&mut bytes, 0)?;
        let entries = bytes.chunks_exact(E::SIZE).map(E::decode).collect();
        Ok(SparseIndex {
            base_offset,
            path: path.to_path_buf(),
            file: Some(file),
            entries,
            torn: !len.is_multiple_of(E::SIZE),
        })
    }

    pub fn base_offset(&self) -> i64 {
        self.base_offset
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn entries(&self) -> &[E] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn last(&self) -> Option<E> {
        self.entries.last().copied()
    }

    pub fn is_torn(&self) -> bool {
        self.torn
    }

    /// The absolute offset an entry names.
    pub fn offset_of(&self, entry: &E) -> i64 {
        self.base_offset + entry.relative_offset() as i64
    }

    /// Whole entries, each allowed to follow the one before (the part of
    /// Kafka's sanity check that does not depend on the log).
    pub fn is_ordered(&self) -> bool {
        !self.torn && self.entries.windows(2).all(|w| w[1].may_follow(&w[0]))
    }

    /// The last entry whose key is <= `key`.
    pub fn floor(&self, key: E::Key) -> Option<&E> {
        let n = self.entries.partition_point(|e| e.key() <= key);
        n.checked_sub(1).map(|i| &self.entries[i])
    }

    /// The last entry whose key is < `key`.
    pub fn last_below(&self, key: E::Key) -> Option<&E> {
        let n = self.entries.partition_point(|e| e.key() < key);
        n.checked_sub(1).map(|i| &self.entries[i])
    }

    /// The open handle, reopening a released one.
    fn handle(&mut self) -> io::Result<&File> {
        if self.file.is_none() {
            self.file = Some(open_rw(&self.path)?);
        }
        Ok(self.file.as_ref().expect("opened above"))
    }

    /// Closes the file handle (after a sync); lookups keep working from memory.
    pub fn release(&mut self) {
        self.file = None;
    }

    /// Appends entries with one write; on failure the file is cut back and
    /// memory is unchanged.
    pub fn append(&mut self, new: &[E]) -> io::Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let buf = encode_all(new);
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

    /// Drops the entries naming `offset` or a later one (a segment truncated
    /// at `offset`, Kafka's index `truncateTo`); entries only ever name
    /// non-decreasing offsets, so these are the last ones.
    pub fn truncate_to_offset(&mut self, offset: i64) -> io::Result<()> {
        let base = self.base_offset;
        let n = self
            .entries
            .partition_point(|e| base + (e.relative_offset() as i64) < offset);
        self.truncate_entries(n)
    }

    /// Replaces the whole index (after a rebuild).
    pub fn reset(&mut self, entries: Vec<E>) -> io::Result<()> {
        let buf = encode_all(&entries);
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
mod tests;
