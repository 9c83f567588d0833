//! `.txnindex`: the aborted transactions whose ABORT marker lies in one
//! segment (Kafka's `TransactionIndex`), so that `read_committed` fetches can
//! tell consumers which transactional records to drop.
//!
//! On disk: 34-byte big-endian entries `version i16 (0) | producerId i64 |
//! firstOffset i64 | lastOffset i64 | lastStableOffset i64`, in marker order,
//! with no header; the file exists only once a segment has an entry. Mirrored
//! in memory; the file is opened only to append or rewrite (no descriptor is
//! held). Recovery rebuilds it from the segment's markers, so an entry lost
//! to a crash between the marker and the index write comes back.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const TXN_INDEX_SUFFIX: &str = "txnindex";
pub const ENTRY_SIZE: usize = 34;
const VERSION: i16 = 0;

/// One aborted transaction: its producer, first offset, the offset of its
/// ABORT marker, and the last stable offset once it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbortedTxn {
    pub producer_id: i64,
    pub first_offset: i64,
    pub last_offset: i64,
    pub last_stable_offset: i64,
}

impl AbortedTxn {
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&self.producer_id.to_be_bytes());
        out.extend_from_slice(&self.first_offset.to_be_bytes());
        out.extend_from_slice(&self.last_offset.to_be_bytes());
        out.extend_from_slice(&self.last_stable_offset.to_be_bytes());
    }

    /// Decodes one entry; None for an unknown version.
    pub fn decode(b: &[u8]) -> Option<AbortedTxn> {
        let i64_at = |at: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[at..at + 8]);
            i64::from_be_bytes(a)
        };
        if b.len() < ENTRY_SIZE || i16::from_be_bytes([b[0], b[1]]) != VERSION {
            return None;
        }
        Some(AbortedTxn {
            producer_id: i64_at(2),
            first_offset: i64_at(10),
            last_offset: i64_at(18),
            last_stable_offset: i64_at(26),
        })
    }
}

pub struct TxnIndex {
    path: PathBuf,
    entries: Vec<AbortedTxn>,
}

impl TxnIndex {
    /// The index at `path` as the file holds it (empty when absent; a torn
    /// last entry is ignored, recovery rewrites the file).
    pub fn open(path: &Path) -> io::Result<TxnIndex> {
        let entries = match std::fs::read(path) {
            Ok(bytes) => bytes
                .chunks_exact(ENTRY_SIZE)
                .map_while(AbortedTxn::decode)
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(TxnIndex {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// A new, empty index (removing a stale file of that name).
    pub fn create(path: &Path) -> io::Result<TxnIndex> {
        remove_if_exists(path)?;
        Ok(TxnIndex {
            path: path.to_path_buf(),
            entries: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn entries(&self) -> &[AbortedTxn] {
        &self.entries
    }

    pub fn append(&mut self, entry: AbortedTxn) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(ENTRY_SIZE);
        entry.encode(&mut bytes);
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        f.write_all(&bytes)?;
        self.entries.push(entry);
        Ok(())
    }

    /// Replaces the file and memory with `entries` (recovery, truncation,
    /// compaction); no file when there are none.
    pub fn reset(&mut self, entries: Vec<AbortedTxn>) -> io::Result<()> {
        if entries.is_empty() {
            remove_if_exists(&self.path)?;
        } else {
            let mut bytes = Vec::with_capacity(entries.len() * ENTRY_SIZE);
            for e in &entries {
                e.encode(&mut bytes);
            }
            std::fs::write(&self.path, bytes)?;
        }
        self.entries = entries;
        Ok(())
    }

    /// Drops entries whose marker is at or after `offset` (log truncation).
    pub fn truncate_to_offset(&mut self, offset: i64) -> io::Result<()> {
        if self.entries.iter().all(|e| e.last_offset < offset) {
            return Ok(());
        }
        let kept = self
            .entries
            .iter()
            .copied()
            .filter(|e| e.last_offset < offset)
            .collect();
        self.reset(kept)
    }

    /// Entries of transactions that overlap `[fetch_offset, upper_bound)`
    /// (Kafka's `collectAbortedTxns`): those whose marker is at or after
    /// `fetch_offset` and whose first offset is below `upper_bound`.
    pub fn collect(&self, fetch_offset: i64, upper_bound: i64, out: &mut Vec<AbortedTxn>) {
        out.extend(
            self.entries
                .iter()
                .filter(|e| e.last_offset >= fetch_offset && e.first_offset < upper_bound),
        );
    }
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn txn(pid: i64, first: i64, last: i64, lso: i64) -> AbortedTxn {
        AbortedTxn {
            producer_id: pid,
            first_offset: first,
            last_offset: last,
            last_stable_offset: lso,
        }
    }

    #[test]
    fn entry_bytes_are_kafkas() {
        let mut b = Vec::new();
        txn(7, 10, 20, 21).encode(&mut b);
        assert_eq!(b.len(), ENTRY_SIZE);
        assert_eq!(&b[..2], &[0, 0]);
        assert_eq!(&b[2..10], &7i64.to_be_bytes());
        assert_eq!(&b[10..18], &10i64.to_be_bytes());
        assert_eq!(&b[18..26], &20i64.to_be_bytes());
        assert_eq!(&b[26..34], &21i64.to_be_bytes());
        assert_eq!(AbortedTxn::decode(&b), Some(txn(7, 10, 20, 21)));
    }

    #[test]
    fn append_reopen_collect_truncate() {
        let dir = TempDir::new("txnindex");
        let path = dir.path().join("00000000000000000000.txnindex");
        let mut idx = TxnIndex::create(&path).unwrap();
        assert!(!path.exists());
        idx.append(txn(1, 0, 5, 6)).unwrap();
        idx.append(txn(2, 3, 9, 10)).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            2 * ENTRY_SIZE as u64
        );
        let idx2 = TxnIndex::open(&path).unwrap();
        assert_eq!(idx2.entries(), idx.entries());
        let mut out = Vec::new();
        idx2.collect(6, 100, &mut out);
        assert_eq!(out, vec![txn(2, 3, 9, 10)]);
        out.clear();
        idx2.collect(0, 3, &mut out);
        assert_eq!(out, vec![txn(1, 0, 5, 6)]);
        idx.truncate_to_offset(9).unwrap();
        assert_eq!(TxnIndex::open(&path).unwrap().entries(), &[txn(1, 0, 5, 6)]);
        idx.truncate_to_offset(0).unwrap();
        assert!(!path.exists());
    }
}
