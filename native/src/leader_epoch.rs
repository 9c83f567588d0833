//! `leader-epoch-checkpoint`: which leader epoch started at which offset.
//!
//! Kafka's text format: version line `0`, entry count, then one
//! `<epoch> <startOffset>` line per epoch. Replaced atomically (temp file,
//! fsync, rename). Rebuilt on open from the batches' partitionLeaderEpoch.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "leader-epoch-checkpoint";

#[derive(Debug)]
pub struct LeaderEpochCache {
    path: PathBuf,
    entries: Vec<(i32, i64)>,
}

impl LeaderEpochCache {
    pub fn new(dir: &Path) -> Self {
        LeaderEpochCache {
            path: dir.join(FILE_NAME),
            entries: Vec::new(),
        }
    }

    /// Reads the checkpoint file: `Some(entries)` when it is well formed
    /// (an absent file is an empty cache), `None` otherwise.
    pub fn read_checkpoint(dir: &Path) -> Option<Vec<(i32, i64)>> {
        let text = match fs::read_to_string(dir.join(FILE_NAME)) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(Vec::new()),
            Err(_) => return None,
        };
        let mut lines = text.lines();
        if lines.next()? != "0" {
            return None;
        }
        let n: usize = lines.next()?.parse().ok()?;
        let mut out: Vec<(i32, i64)> = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let (e, o) = lines.next()?.split_once(' ')?;
            let entry = (e.parse().ok()?, o.parse().ok()?);
            if out.last().is_some_and(|l| l.0 >= entry.0 || l.1 > entry.1) {
                return None;
            }
            out.push(entry);
        }
        Some(out)
    }

    /// Starts from `entries` (read from the checkpoint) instead of nothing.
    pub fn set_entries(&mut self, entries: Vec<(i32, i64)>) {
        self.entries = entries;
    }

    pub fn entries(&self) -> &[(i32, i64)] {
        &self.entries
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|e| e.0)
    }

    /// Whether a batch of `epoch` would start a new epoch entry.
    pub fn is_new_epoch(&self, epoch: i32) -> bool {
        epoch >= 0 && self.latest_epoch().is_none_or(|l| epoch > l)
    }

    /// Records `epoch` starting at `offset` if it is newer (rebuild path and
    /// commit after a successful append).
    pub fn observe(&mut self, epoch: i32, offset: i64) {
        if self.is_new_epoch(epoch) {
            self.entries.push((epoch, offset));
        }
    }

    /// Drops the epochs starting at or after `end_offset` (a log truncated
    /// there) and rewrites the checkpoint if any went (Kafka's
    /// `LeaderEpochFileCache.truncateFromEnd`).
    pub fn truncate_from_end(&mut self, end_offset: i64) -> io::Result<()> {
        let keep = self
            .entries
            .partition_point(|(_, start)| *start < end_offset);
        if keep == self.entries.len() {
            return Ok(());
        }
        // Memory follows the log even if the write fails (recovery rebuilds
        // the file from the batches).
        self.entries.truncate(keep);
        self.write_entries(&self.entries)
    }

    /// Forgets every epoch and writes the empty checkpoint (a log emptied to
    /// start again at some offset: Kafka's `clearAndFlush`).
    pub fn clear(&mut self) -> io::Result<()> {
        self.entries.clear();
        self.write_entries(&[])
    }

    pub fn render(entries: &[(i32, i64)]) -> String {
        let mut s = format!("0\n{}\n", entries.len());
        for (e, o) in entries {
            s.push_str(&format!("{e} {o}\n"));
        }
        s
    }

    /// Writes `entries` atomically.
    pub fn write_entries(&self, entries: &[(i32, i64)]) -> io::Result<()> {
        let tmp = self.path.with_extension("tmp");
        let mut f = fs::File::create(&tmp)?;
        f.write_all(Self::render(entries).as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &self.path)
    }

    /// Writes the current entries if the file differs (after a rebuild).
    pub fn persist_if_changed(&self) -> io::Result<()> {
        let want = Self::render(&self.entries);
        match fs::read_to_string(&self.path) {
            Ok(have) if have == want => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.entries.is_empty() => Ok(()),
            _ => self.write_entries(&self.entries),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_rebuild() {
        let dir = crate::test_util::TempDir::new("lec");
        let mut c = LeaderEpochCache::new(dir.path());
        c.persist_if_changed().unwrap();
        assert!(!dir.path().join(FILE_NAME).exists());
        c.observe(-1, 0);
        c.observe(0, 0);
        c.observe(0, 5);
        c.observe(3, 10);
        assert_eq!(c.entries(), &[(0, 0), (3, 10)]);
        c.persist_if_changed().unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
            "0\n2\n0 0\n3 10\n"
        );
        assert!(!c.is_new_epoch(3));
        assert!(c.is_new_epoch(4));
        c.observe(5, 20);
        c.truncate_from_end(21).unwrap();
        assert_eq!(c.entries(), &[(0, 0), (3, 10), (5, 20)]);
        c.truncate_from_end(10).unwrap();
        assert_eq!(c.entries(), &[(0, 0)]);
        assert_eq!(
            fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
            "0\n1\n0 0\n"
        );
        c.clear().unwrap();
        assert_eq!(c.latest_epoch(), None);
        assert_eq!(
            fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
            "0\n0\n"
        );
    }
}
