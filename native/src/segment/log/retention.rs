//! Retention: removing whole closed segments from the front of the log, and
//! moving the log start offset (retention, DeleteRecords).
//!
//! Only segments before the active one are ever deleted; the log start offset
//! never decreases and never passes the high watermark. Segments leave the
//! log at once (under the lock, O(1) each); their files are unlinked by one
//! background thread, log first, indexes after, so thousands of expired
//! segments never hold the caller (the JS thread) for the ~ms an unlink can
//! take. A crash before the unlink leaves files below the checkpointed log
//! start offset, which the next retention pass deletes again; orphan indexes
//! are removed by recovery. Readers that already hold a segment's `Arc<File>`
//! keep reading it: unlinked files stay readable until closed.

use super::{sync_dir, Log};
use crate::error::{Error, Result};
use crate::segment::Segment;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

enum Job {
    Delete { dir: PathBuf, bases: Vec<i64> },
    Barrier(Sender<()>),
}

/// The one background deleter thread, started on first use.
fn deleter() -> &'static Mutex<Sender<Job>> {
    static DELETER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    DELETER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("gregor-segment-deleter".into())
            .spawn(move || {
                for job in rx {
                    match job {
                        Job::Delete { dir, bases } => {
                            for base in bases {
                                // Failures leave files below the log start offset; the
                                // next retention pass or recovery takes care of them.
                                let _ = Segment::delete_files(&dir, base);
                            }
                            let _ = sync_dir(&dir);
                        }
                        Job::Barrier(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .expect("spawning the segment deleter thread");
        Mutex::new(tx)
    })
}

/// Queues the files of removed segments for deletion; deletes inline if the thread is gone.
fn delete_later(dir: PathBuf, bases: Vec<i64>) {
    let tx = deleter()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(std::sync::mpsc::SendError(Job::Delete { dir, bases })) =
        tx.send(Job::Delete { dir, bases })
    {
        for base in bases {
            let _ = Segment::delete_files(&dir, base);
        }
    }
}

/// Waits until every deletion queued so far is done (before a directory is removed or reused).
pub fn wait_for_deletions() {
    let (done_tx, done_rx) = channel();
    let sent = deleter()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(Job::Barrier(done_tx))
        .is_ok();
    if sent {
        let _ = done_rx.recv();
    }
}

/// Why retention removed segments, for logging and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub deleted_segments: u32,
    pub deleted_bytes: u64,
    pub by_time: u32,
    pub by_size: u32,
    pub by_start_offset: u32,
    pub log_start_offset: i64,
}

/// Per-check settings (Kafka topic config names in comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// `retention.ms`: delete closed segments whose largest timestamp is older; < 0 never.
    pub retention_ms: i64,
    /// `retention.bytes`: keep the log at most this large (whole segments); < 0 unbounded.
    pub retention_bytes: i64,
    /// `cleanup.policy` contains `delete`; false (compact only) deletes only below the log start offset.
    pub delete_enabled: bool,
}

impl Log {
    /// Deletes closed segments from the front of the log that are expired by
    /// time, exceed the size budget, or lie wholly below the log start offset.
    /// Cheap when nothing is due: it looks at the oldest segments only.
    pub fn enforce_retention(
        &mut self,
        now_ms: i64,
        policy: &RetentionPolicy,
    ) -> Result<RetentionOutcome> {
        let mut out = RetentionOutcome::default();
        let closed = self.segments.len() - 1;
        // Summing sizes walks every segment: only when a size limit is set.
        let mut size = if policy.delete_enabled && policy.retention_bytes >= 0 {
            self.size_in_bytes()
        } else {
            0
        };
        let mut n = 0usize;
        while n < closed {
            let seg = &self.segments[n];
            let next_base = self.segments[n + 1].base_offset;
            if next_base <= self.log_start_offset {
                out.by_start_offset += 1;
            } else if policy.delete_enabled
                && (seg.is_empty()
                    || (policy.retention_ms >= 0
                        && largest_timestamp(seg) < now_ms.saturating_sub(policy.retention_ms)))
            {
                // An empty closed segment (emptied by the cleaner) holds nothing to keep.
                out.by_time += 1;
            } else if policy.delete_enabled
                && policy.retention_bytes >= 0
                && size.saturating_sub(seg.size) >= policy.retention_bytes as u64
                && size > policy.retention_bytes as u64
            {
                out.by_size += 1;
            } else {
                break;
            }
            size = size.saturating_sub(seg.size);
            out.deleted_bytes += seg.size;
            n += 1;
        }
        if n > 0 {
            self.delete_front_segments(n)?;
        }
        out.deleted_segments = n as u32;
        out.log_start_offset = self.log_start_offset;
        Ok(out)
    }

    /// DeleteRecords: moves the log start offset up to `offset` (-1: the high
    /// watermark) and deletes segments wholly below it. Returns the new log
    /// start offset (the "low watermark").
    pub fn delete_records_before(&mut self, offset: i64) -> Result<i64> {
        let target = if offset == -1 {
            self.high_watermark
        } else {
            offset
        };
        if target < 0 || target > self.high_watermark {
            return Err(Error::OffsetOutOfRange(format!(
                "cannot delete records before {offset}: the high watermark of {} is {}",
                self.dir.display(),
                self.high_watermark
            )));
        }
        self.advance_log_start_offset(target);
        let n = self.segments[..self.segments.len() - 1]
            .iter()
            .zip(&self.segments[1..])
            .take_while(|(_, next)| next.base_offset <= self.log_start_offset)
            .count();
        if n > 0 {
            self.delete_front_segments(n)?;
        }
        Ok(self.log_start_offset)
    }

    /// Raises the log start offset (never lowers it, never past the high watermark).
    pub fn advance_log_start_offset(&mut self, offset: i64) {
        let target = offset.min(self.high_watermark);
        if target > self.log_start_offset {
            self.log_start_offset = target;
        }
    }

    /// Removes the first `n` segments (all closed); their files go in the background.
    fn delete_front_segments(&mut self, n: usize) -> Result<()> {
        debug_assert!(n < self.segments.len());
        let bases: Vec<i64> = self.segments.drain(..n).map(|s| s.base_offset).collect();
        let first = self.segments[0].base_offset;
        if first > self.log_start_offset {
            self.log_start_offset = first;
        }
        delete_later(self.dir.clone(), bases);
        // Kafka deletes the producer snapshots below the log start offset.
        let _ = crate::producer_snapshot::delete_where(&self.dir, |o| o < first);
        Ok(())
    }
}

/// Kafka's `LogSegment.largestTimestamp`: the largest record timestamp, or the
/// file's modification time when the segment holds no timestamps.
fn largest_timestamp(seg: &Segment) -> i64 {
    if seg.max_timestamp >= 0 {
        return seg.max_timestamp;
    }
    seg.log
        .metadata()
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(i64::MAX, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::builder::BatchBuilder;
    use crate::segment::log::{AppendOptions, LogConfig};
    use crate::test_util::TempDir;

    fn config() -> LogConfig {
        LogConfig {
            segment_bytes: 300,
            segment_ms: 0,
            index_interval_bytes: 4096,
            flush_interval_messages: 0,
            max_message_bytes: 1 << 20,
            compacted: false,
            recovery_point: 0,
        }
    }

    /// A log of `n` segments of one 2-record batch each; batch i has timestamp 1000 * i.
    fn filled(dir: &TempDir, n: i64) -> Log {
        let mut log = Log::open(dir.path(), config()).unwrap();
        for i in 0..n {
            let mut b = BatchBuilder::new()
                .base_timestamp(1000 * i)
                .sized_records(2, 100)
                .build();
            let o = AppendOptions {
                leader_epoch: 0,
                now_ms: 1000 * i,
                log_append_time: false,
                compression: None,
            };
            log.append(&mut b, &o).unwrap();
        }
        assert_eq!(log.segment_count(), n as usize);
        log
    }

    fn files(dir: &TempDir) -> usize {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_str()
                    .unwrap()
                    .ends_with(".log")
            })
            .count()
    }

    const DELETE: RetentionPolicy = RetentionPolicy {
        retention_ms: -1,
        retention_bytes: -1,
        delete_enabled: true,
    };

    #[test]
    fn by_time_deletes_only_expired_closed_segments() {
        let dir = TempDir::new("ret-time");
        let mut log = filled(&dir, 5);
        // Segments hold timestamps 0..4000 (ms); at now=5000 with 2500 ms, 0,1000,2000 expire.
        let p = RetentionPolicy {
            retention_ms: 2500,
            ..DELETE
        };
        let out = log.enforce_retention(5000, &p).unwrap();
        assert_eq!((out.deleted_segments, out.by_time), (3, 3));
        assert_eq!(log.log_start_offset(), 6);
        assert_eq!(log.segment_count(), 2);
        wait_for_deletions();
        assert_eq!(files(&dir), 2);
        // Far in the future: every closed segment goes, the active one stays.
        let out = log.enforce_retention(1 << 40, &p).unwrap();
        assert_eq!(out.deleted_segments, 1);
        assert_eq!(log.segment_count(), 1);
        assert_eq!(log.log_start_offset(), 8);
        assert!(log.locate(6, 1 << 20, i64::MAX, true).is_err());
        assert!(log
            .locate(8, 1 << 20, i64::MAX, true)
            .unwrap()
            .slice
            .is_some());
        // Compact-only topics keep everything.
        let mut log2 = filled(&TempDir::new("ret-compact"), 3);
        let compact = RetentionPolicy {
            delete_enabled: false,
            ..p
        };
        assert_eq!(
            log2.enforce_retention(1 << 40, &compact)
                .unwrap()
                .deleted_segments,
            0
        );
    }

    #[test]
    fn by_size_keeps_at_most_the_budget() {
        let dir = TempDir::new("ret-size");
        let mut log = filled(&dir, 6);
        let seg = log.segments()[0].size as i64;
        let p = RetentionPolicy {
            retention_bytes: seg * 3,
            ..DELETE
        };
        let out = log.enforce_retention(0, &p).unwrap();
        assert_eq!((out.deleted_segments, out.by_size), (3, 3));
        assert_eq!(log.size_in_bytes() as i64, seg * 3);
        assert_eq!(log.log_start_offset(), 6);
        // Nothing more to do.
        assert_eq!(log.enforce_retention(0, &p).unwrap().deleted_segments, 0);
    }

    #[test]
    fn delete_records_moves_start_and_survives_reopen_via_caller() {
        let dir = TempDir::new("ret-records");
        let mut log = filled(&dir, 4);
        assert_eq!(log.delete_records_before(3).unwrap(), 3);
        // Segment 0 (offsets 0-1) is gone; segment 2 (offsets 2-3) stays, reads start at 3.
        assert_eq!(log.segment_count(), 3);
        assert!(log.locate(2, 1 << 20, i64::MAX, true).is_err());
        assert!(log.locate(3, 1 << 20, i64::MAX, true).is_ok());
        // Never backwards; -1 means the high watermark; beyond it is refused.
        assert_eq!(log.delete_records_before(1).unwrap(), 3);
        assert!(matches!(
            log.delete_records_before(100),
            Err(Error::OffsetOutOfRange(_))
        ));
        assert_eq!(log.delete_records_before(-1).unwrap(), 8);
        assert_eq!(log.segment_count(), 1);
        drop(log);
        wait_for_deletions();
        let log = Log::open(dir.path(), config()).unwrap();
        assert_eq!(log.log_start_offset(), 6);
    }
}
