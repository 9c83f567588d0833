//! Segments: one `.log` file of batches plus its `.index` and `.timeindex`,
//! and a `.txnindex` once an ABORT marker lands in it.
//!
//! On disk: `<20-digit base offset>.log` holds RecordBatch v2 bytes exactly as
//! served on the wire; the indexes are described in `crate::index`. Bytes of
//! the log file beyond `size` are never read (they belong to a failed append
//! that is being cut back, or to a crash and are cut off by recovery). Data
//! below `size` is immutable, so readers may `pread` it without the log lock
//! through the shared `Arc<File>`.

pub mod background_sync;
pub mod log;
pub mod scan;

use crate::batch::NO_TIMESTAMP;
use crate::index::txn_index::{TxnIndex, TXN_INDEX_SUFFIX};
use crate::index::{OffsetEntry, OffsetIndex, TimeEntry, TimeIndex};
use scan::{BatchScanner, ScanStep, LOOKUP_CHUNK};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const LOG_SUFFIX: &str = "log";
pub const INDEX_SUFFIX: &str = "index";
pub const TIME_INDEX_SUFFIX: &str = "timeindex";

/// `00000000000000000042.log` style file name.
pub fn file_name(base_offset: i64, suffix: &str) -> String {
    format!("{base_offset:020}.{suffix}")
}

/// Parses a segment file name into (base offset, suffix).
pub fn parse_file_name(name: &str) -> Option<(i64, &str)> {
    let (stem, suffix) = name.split_once('.')?;
    if stem.len() != 20 || !stem.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((stem.parse().ok()?, suffix))
}

/// What the segment needs to know about each batch of an append.
#[derive(Debug, Clone, Copy)]
pub struct AppendedBatch {
    /// Position of the batch within the appended bytes.
    pub position: usize,
    pub size: usize,
    pub last_offset: i64,
    pub max_timestamp: i64,
}

pub struct Segment {
    pub base_offset: i64,
    pub log: Arc<File>,
    pub log_path: PathBuf,
    /// Committed bytes of the log file.
    pub size: u64,
    pub offset_index: OffsetIndex,
    pub time_index: TimeIndex,
    /// Aborted transactions whose ABORT marker is in this segment.
    pub txn_index: TxnIndex,
    /// One past the last offset stored here (`base_offset` when empty).
    pub next_offset: i64,
    /// Largest batch max timestamp, `NO_TIMESTAMP` when none.
    pub max_timestamp: i64,
    /// Last offset of the first batch that reached `max_timestamp`.
    pub offset_of_max_timestamp: i64,
    pub bytes_since_last_index: u64,
    /// When the first batch was appended (wall clock, or after a reopen the
    /// first batch's max timestamp as Kafka does); drives `segment.ms`.
    pub rolling_ms: Option<i64>,
}

impl Segment {
    fn paths(dir: &Path, base: i64) -> (PathBuf, PathBuf, PathBuf) {
        (
            dir.join(file_name(base, LOG_SUFFIX)),
            dir.join(file_name(base, INDEX_SUFFIX)),
            dir.join(file_name(base, TIME_INDEX_SUFFIX)),
        )
    }

    fn txn_index_path(dir: &Path, base: i64) -> PathBuf {
        dir.join(file_name(base, TXN_INDEX_SUFFIX))
    }

    /// Creates a fresh, empty segment (truncating stale files of that name).
    pub fn create(dir: &Path, base_offset: i64) -> io::Result<Segment> {
        let (log_path, idx, tidx) = Self::paths(dir, base_offset);
        let txn_index = TxnIndex::create(&Self::txn_index_path(dir, base_offset))?;
        for p in [&idx, &tidx] {
            if p.exists() {
                std::fs::remove_file(p)?;
            }
        }
        let log = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&log_path)?;
        Ok(Segment {
            base_offset,
            log: Arc::new(log),
            log_path,
            size: 0,
            offset_index: OffsetIndex::open(&idx, base_offset)?,
            time_index: TimeIndex::open(&tidx, base_offset)?,
            txn_index,
            next_offset: base_offset,
            max_timestamp: NO_TIMESTAMP,
            offset_of_max_timestamp: -1,
            bytes_since_last_index: 0,
            rolling_ms: None,
        })
    }

    /// Opens an existing segment; `size` is the file length until recovery
    /// has scanned it and set the real figures.
    pub fn open(dir: &Path, base_offset: i64) -> io::Result<Segment> {
        let (log_path, idx, tidx) = Self::paths(dir, base_offset);
        let log = OpenOptions::new().read(true).write(true).open(&log_path)?;
        let size = log.metadata()?.len();
        Ok(Segment {
            base_offset,
            log: Arc::new(log),
            log_path,
            size,
            offset_index: OffsetIndex::open(&idx, base_offset)?,
            time_index: TimeIndex::open(&tidx, base_offset)?,
            txn_index: TxnIndex::open(&Self::txn_index_path(dir, base_offset))?,
            next_offset: base_offset,
            max_timestamp: NO_TIMESTAMP,
            offset_of_max_timestamp: -1,
            bytes_since_last_index: 0,
            rolling_ms: None,
        })
    }

    /// Removes the segment's files (after the caller dropped its use).
    pub fn delete_files(dir: &Path, base_offset: i64) -> io::Result<()> {
        let (a, b, c) = Self::paths(dir, base_offset);
        for p in [a, b, c, Self::txn_index_path(dir, base_offset)] {
            match std::fs::remove_file(&p) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// Appends `data` (already validated and offset-assigned batches) with a
    /// single positional write, then the index entries its batches earn.
    /// On any error the files are cut back and the segment is unchanged.
    pub fn append(
        &mut self,
        data: &[u8],
        batches: &[AppendedBatch],
        index_interval: u64,
        now_ms: i64,
    ) -> io::Result<()> {
        let start = self.size;
        if start + data.len() as u64 > u32::MAX as u64 {
            return Err(io::Error::other("segment would exceed 4 GiB of positions"));
        }
        let mut bytes_since = self.bytes_since_last_index;
        let mut max_ts = self.max_timestamp;
        let mut max_off = self.offset_of_max_timestamp;
        let mut offset_entries: Vec<OffsetEntry> = Vec::new();
        let mut time_entries: Vec<TimeEntry> = Vec::new();
        for b in batches {
            if b.max_timestamp > max_ts {
                max_ts = b.max_timestamp;
                max_off = b.last_offset;
            }
            if bytes_since > index_interval {
                let rel = (b.last_offset - self.base_offset) as u32;
                offset_entries.push(OffsetEntry {
                    relative_offset: rel,
                    position: (start + b.position as u64) as u32,
                });
                if let Some(t) =
                    self.time_index
                        .entry_if_newer(time_entries.last(), max_ts, max_off)
                {
                    time_entries.push(t);
                }
                bytes_since = 0;
            }
            bytes_since += b.size as u64;
        }
        if let Err(e) = self.log.write_all_at(data, start) {
            let _ = self.log.set_len(start);
            return Err(e);
        }
        let old_index_len = self.offset_index.len();
        if let Err(e) = self.offset_index.append(&offset_entries) {
            let _ = self.log.set_len(start);
            return Err(e);
        }
        if let Err(e) = self.time_index.append(&time_entries) {
            let _ = self.offset_index.truncate_entries(old_index_len);
            let _ = self.log.set_len(start);
            return Err(e);
        }
        self.size = start + data.len() as u64;
        if let Some(last) = batches.last() {
            self.next_offset = last.last_offset + 1;
        }
        self.max_timestamp = max_ts;
        self.offset_of_max_timestamp = max_off;
        self.bytes_since_last_index = bytes_since;
        self.rolling_ms.get_or_insert(now_ms);
        Ok(())
    }

    /// Cuts the segment at `position`, where the batch starting at `offset`
    /// begins, so that it ends with the batch before: the `.log` file, and
    /// both indexes' entries naming `offset` or later. The figures an append
    /// needs (next offset, max timestamp, bytes since the last index entry)
    /// are re-derived from the last remaining offset-index entry on, so the
    /// scan is short. Errors leave the files possibly cut but never longer.
    pub fn truncate_to(&mut self, position: u64, offset: i64) -> io::Result<()> {
        if position >= self.size {
            return Ok(());
        }
        self.offset_index.truncate_to_offset(offset)?;
        self.time_index.truncate_to_offset(offset)?;
        self.txn_index.truncate_to_offset(offset)?;
        self.log.set_len(position)?;
        self.size = position;
        // The last time entry holds the largest timestamp up to the batch the
        // last offset entry names (they are written together), so scanning
        // from that batch on finds the rest.
        let (mut max_ts, mut max_off) = match self.time_index.last() {
            Some(t) => (t.timestamp, self.time_index.offset_of(&t)),
            None => (NO_TIMESTAMP, -1),
        };
        let start = self.offset_index.last().map_or(0, |e| e.position as u64);
        let mut next = self.base_offset;
        let mut scanner = BatchScanner::new(&self.log, start, position, LOOKUP_CHUNK);
        loop {
            match scanner.next_batch()? {
                ScanStep::Batch { header, .. } => {
                    if header.max_timestamp > max_ts {
                        max_ts = header.max_timestamp;
                        max_off = header.last_offset();
                    }
                    next = header.last_offset() + 1;
                }
                ScanStep::End => break,
                ScanStep::Stop { position, reason } => {
                    return Err(io::Error::other(format!(
                        "{} unreadable at byte {position}: {reason}",
                        self.log_path.display()
                    )))
                }
            }
        }
        self.next_offset = next;
        self.max_timestamp = max_ts;
        self.offset_of_max_timestamp = max_off;
        self.bytes_since_last_index = position - start;
        if self.is_empty() {
            self.rolling_ms = None;
        }
        Ok(())
    }

    /// Time-index entry for the segment's overall max timestamp, added when
    /// it stops being active so time lookups in older segments are exact.
    pub fn final_time_entry(&self) -> Option<TimeEntry> {
        if self.offset_of_max_timestamp < 0 {
            return None;
        }
        self.time_index
            .entry_if_newer(None, self.max_timestamp, self.offset_of_max_timestamp)
    }

    /// Makes the segment read-only in spirit: final time-index entry, index
    /// file handles released (one descriptor per closed segment). Returns
    /// handles on the log and index files for the caller to fsync elsewhere
    /// (see background_sync.rs).
    pub fn seal_deferred(&mut self) -> io::Result<Vec<std::fs::File>> {
        if let Some(t) = self.final_time_entry() {
            self.time_index.append(&[t])?;
        }
        let mut files = vec![self.log.try_clone()?];
        files.extend(self.offset_index.sync_handle()?);
        files.extend(self.time_index.sync_handle()?);
        self.release_index_handles();
        Ok(files)
    }

    /// Closes both index files' handles (after a sync); they reopen on a write.
    pub fn release_index_handles(&mut self) {
        self.offset_index.release();
        self.time_index.release();
    }

    /// fsyncs the log and both indexes.
    pub fn sync(&self) -> io::Result<()> {
        self.log.sync_data()?;
        self.offset_index.sync()?;
        self.time_index.sync()
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(file_name(42, "log"), "00000000000000000042.log");
        assert_eq!(
            parse_file_name("00000000000000000042.log"),
            Some((42, "log"))
        );
        assert_eq!(
            parse_file_name("00000000000000000042.index.tmp"),
            Some((42, "index.tmp"))
        );
        assert_eq!(parse_file_name("42.log"), None);
        assert_eq!(parse_file_name("leader-epoch-checkpoint"), None);
    }
}
