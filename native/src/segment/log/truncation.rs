//! Truncation: cutting the tail of the log, as a follower does when its log
//! diverged from its leader's (rules learned from Kafka's
//! `UnifiedLog.truncateTo` / `truncateFullyAndStartAt`, `LogSegment.truncateTo`,
//! `LeaderEpochFileCache.truncateFromEnd`).
//!
//! Truncation happens above the high watermark in normal operation (what a
//! follower cuts was never committed), so no consumer reads the bytes it
//! removes; the high watermark is capped at the new log end anyway. Files are
//! cut in place and removed segments are deleted at once (not by the
//! background deleter), so that a segment rolled later at the same base
//! offset never meets a late deletion. Like Kafka, truncation does not fsync:
//! the recovery point is capped at the new log end, so after a crash recovery
//! checks everything above it, and a tail that comes back is cut again by the
//! follower's next epoch check.

use super::{retention, storage, sync_dir, Log};
use crate::batch::control::parse_marker;
use crate::error::{Error, Result};
use crate::producer_snapshot;
use crate::producer_state::ProducerStateManager;
use crate::segment::background_sync::SyncQueue;
use crate::segment::scan::{read_exact, BatchScanner, ScanStep, SCAN_CHUNK};
use crate::segment::Segment;

impl Log {
    /// The leader epoch of the last entry of the leader-epoch cache (the
    /// epoch of the latest data), `None` when no batch carried an epoch.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.latest_epoch()
    }

    /// Removes every record at and after `offset`; a no-op when `offset` is at
    /// or past the log end. Kafka truncates at batch boundaries (epoch end
    /// offsets are batch starts); an `offset` inside a batch truncates at that
    /// batch's start, so the whole batch goes and the leader sends it again.
    /// (An `offset` in a gap compaction left cuts there; the log end is then
    /// one past the last batch kept.) Segments wholly above are deleted, the
    /// one holding `offset` is cut (log and both indexes), leader epochs
    /// starting at or after the new log end are dropped, producer state is
    /// rebuilt from what remains, and the high watermark, log start offset and
    /// recovery point are capped at the new log end. Below the first
    /// segment's base offset this is `truncate_fully_and_start_at(offset)`.
    pub fn truncate_to(&mut self, offset: i64) -> Result<()> {
        if offset < 0 {
            return Err(Error::OffsetOutOfRange(format!(
                "cannot truncate {} to negative offset {offset}",
                self.dir.display()
            )));
        }
        if offset >= self.log_end_offset {
            return Ok(());
        }
        if self.segments[0].base_offset > offset {
            return self.truncate_fully_and_start_at(offset);
        }
        let recovery_point = self.settle_background_syncs()?;
        self.truncations += 1;
        let keep = self.segments.partition_point(|s| s.base_offset <= offset);
        let cut = Self::find_batch(&self.segments[keep - 1], offset)?
            .map(|(position, h, _)| (position, h.base_offset));
        let mut first_error = None;
        for seg in self.segments.drain(keep..).rev() {
            let base = seg.base_offset;
            drop(seg);
            if let Err(e) = Segment::delete_files(&self.dir, base) {
                first_error.get_or_insert(storage("deleting truncated segment", &self.dir, e));
            }
        }
        if let Some((position, base)) = cut {
            let dir = self.dir.clone();
            if let Err(e) = self.active_mut().truncate_to(position, base) {
                first_error.get_or_insert(storage("truncating segment", &dir, e));
            }
        }
        // Even after an error the offsets follow what the segments now hold.
        let end = self.active().next_offset;
        self.log_end_offset = end;
        self.high_watermark = self.high_watermark.min(end);
        self.log_start_offset = self.log_start_offset.min(end);
        self.recovery_point = recovery_point.min(end);
        if let Err(e) = self.epochs.truncate_from_end(end) {
            first_error.get_or_insert(storage("writing leader-epoch-checkpoint", &self.dir, e));
        }
        if let Err(e) = producer_snapshot::delete_where(&self.dir, |o| o > end) {
            first_error.get_or_insert(storage("deleting producer snapshots", &self.dir, e));
        }
        if let Err(e) = self.rebuild_producers_below(end) {
            first_error.get_or_insert(e);
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Empties the log and starts it again at `offset`, which becomes the log
    /// start and end offset, high watermark and recovery point: a follower
    /// whose leader's log starts past this log's end (or a truncation below
    /// the first segment). Every segment is deleted, the leader-epoch cache
    /// cleared, producer state forgotten.
    pub fn truncate_fully_and_start_at(&mut self, offset: i64) -> Result<()> {
        if offset < 0 {
            return Err(Error::OffsetOutOfRange(format!(
                "cannot start {} at negative offset {offset}",
                self.dir.display()
            )));
        }
        self.settle_background_syncs()?;
        self.truncations += 1;
        // Retention may still be deleting a segment of that name.
        retention::wait_for_deletions();
        let fresh = Segment::create(&self.dir, offset)
            .map_err(|e| storage("creating segment", &self.dir, e))?;
        let old = std::mem::replace(&mut self.segments, vec![fresh]);
        let mut first_error = None;
        for seg in old {
            let base = seg.base_offset;
            drop(seg);
            if base == offset {
                continue; // `create` emptied it: it is the new segment
            }
            if let Err(e) = Segment::delete_files(&self.dir, base) {
                first_error.get_or_insert(storage("deleting segment", &self.dir, e));
            }
        }
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.high_watermark = offset;
        self.recovery_point = offset;
        self.unflushed_messages = 0;
        self.producers.clear();
        if let Err(e) = producer_snapshot::delete_where(&self.dir, |_| true) {
            first_error.get_or_insert(storage("deleting producer snapshots", &self.dir, e));
        }
        if let Err(e) = self.epochs.clear() {
            first_error.get_or_insert(storage("writing leader-epoch-checkpoint", &self.dir, e));
        }
        if let Err(e) = sync_dir(&self.dir) {
            first_error.get_or_insert(storage("syncing directory", &self.dir, e));
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// fsyncs rolled segments still queued for the background thread, so no
    /// sync is pending on a file about to be cut or deleted, and starts a new
    /// queue (the old one's "synced to" may lie above the new log end).
    /// Returns the recovery point so far.
    fn settle_background_syncs(&mut self) -> Result<i64> {
        let dir = self.dir.clone();
        self.sync_queue
            .drain()
            .map_err(|e| storage("syncing rolled segments", &dir, e))?;
        let recovery_point = self.recovery_point();
        self.sync_queue = SyncQueue::new();
        Ok(recovery_point)
    }

    /// Producer state as it was when the log ended at `end`: unchanged when
    /// no producer's batches reach it, else rebuilt by replaying the batch
    /// headers of the remaining log, as a full recovery does. (Not from a
    /// producer snapshot: those keep one batch per producer, the log up to
    /// five, so a retry of any of them is still spotted after the cut.)
    fn rebuild_producers_below(&mut self, end: i64) -> Result<()> {
        if !self.producers.needs_rebuild_below(end) {
            return Ok(());
        }
        let mut rebuilt = ProducerStateManager::new();
        for seg in &self.segments {
            let mut sc = BatchScanner::new(&seg.log, 0, seg.size, SCAN_CHUNK);
            loop {
                match sc
                    .next_batch()
                    .map_err(|e| Error::storage("reading segment", e))?
                {
                    ScanStep::Batch { header, position } => {
                        let marker = if header.is_control() {
                            let b = read_exact(&seg.log, position, header.size() as usize)
                                .map_err(|e| Error::storage("reading segment", e))?;
                            parse_marker(&b, &header)
                        } else {
                            None
                        };
                        rebuilt.replay(&header, marker.map(|m| m.coordinator_epoch));
                    }
                    ScanStep::End => break,
                    ScanStep::Stop { position, reason } => {
                        return Err(Error::KafkaStorageError(format!(
                            "{} unreadable at byte {position}: {reason}",
                            seg.log_path.display()
                        )))
                    }
                }
            }
        }
        self.producers.truncate_with(end, rebuilt);
        Ok(())
    }
}
