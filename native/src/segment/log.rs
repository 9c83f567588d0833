//! The partition log: an ordered list of segments, the last one active.
//!
//! Owns offset assignment, segment rolling, the flush policy, idempotent
//! producer state and the leader-epoch checkpoint of one partition directory.
//! Threading: `Log` is plain data with `&mut self` writers; the napi layer
//! keeps it behind a mutex. Committed bytes are immutable, so a [`Located`]
//! range may be read after the lock is released.

use super::background_sync::{PendingSync, SyncQueue};
use super::scan::{read_exact, BatchScanner, ScanStep, LOOKUP_CHUNK};
use super::{AppendedBatch, Segment};
use crate::batch::control::build_marker;
use crate::batch::convert::convert_batch;
use crate::batch::records::walk_records;
use crate::batch::validate::{validate_batches_for_topic, with_records, ValidBatch};
use crate::batch::{
    set_attributes, set_base_offset, set_max_timestamp, set_partition_leader_epoch, update_crc,
    BatchHeader, TIMESTAMP_TYPE_MASK,
};
use crate::compression::{Codec, Compression};
use crate::error::{Error, Result};
use crate::index::txn_index::AbortedTxn;
use crate::leader_epoch::LeaderEpochCache;
use crate::page_cache;
use crate::producer_snapshot;
use crate::producer_state::{
    check_batch, end_txn, ProducerEntry, ProducerStateManager, SeqCheck, TxnMarker,
};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Offsets and counts at or above this are "never" (JS numbers stop being exact).
const JS_MAX_SAFE: i64 = 1 << 53;

/// Per-partition settings (Kafka topic config names in comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogConfig {
    /// `segment.bytes`: roll before an append that would exceed it.
    pub segment_bytes: i64,
    /// `segment.ms`: roll when the active segment's first append is older; <= 0 disables.
    pub segment_ms: i64,
    /// `index.interval.bytes` (4096).
    pub index_interval_bytes: i64,
    /// `flush.messages`: fsync after this many records; <= 0 or >= 2^53 never.
    pub flush_interval_messages: i64,
    /// `max.message.bytes`: largest batch including its 12-byte prefix.
    pub max_message_bytes: i64,
    /// `cleanup.policy` includes `compact`: produced records must have keys.
    pub compacted: bool,
    /// Offset from which `open` CRC-checks the log.
    pub recovery_point: i64,
}

impl LogConfig {
    fn validate(&self) -> Result<()> {
        let bad = |k: &str, v: i64, allowed: &str| {
            Err(Error::InvalidConfig(format!(
                "{k} = {v}: must be {allowed}"
            )))
        };
        if self.segment_bytes <= 0 {
            return bad("segmentBytes", self.segment_bytes, "> 0");
        }
        if self.index_interval_bytes < 0 {
            return bad("indexIntervalBytes", self.index_interval_bytes, ">= 0");
        }
        if self.max_message_bytes < 0 {
            return bad("maxMessageBytes", self.max_message_bytes, ">= 0");
        }
        Ok(())
    }

    /// Positions in the index are u32 and Kafka caps segments at 2 GiB.
    fn segment_bytes(&self) -> u64 {
        self.segment_bytes.min(i32::MAX as i64) as u64
    }

    fn flush_every(&self) -> Option<i64> {
        (self.flush_interval_messages > 0 && self.flush_interval_messages < JS_MAX_SAFE)
            .then_some(self.flush_interval_messages)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct AppendOptions {
    pub leader_epoch: i32,
    pub now_ms: i64,
    pub log_append_time: bool,
    /// The topic's `compression.type`: `None` keeps the producer's codec;
    /// otherwise batches in another codec are re-compressed before storing.
    pub compression: Option<Compression>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendInfo {
    pub base_offset: i64,
    pub last_offset: i64,
    /// `now_ms` under log-append time, else -1.
    pub log_append_time: i64,
    pub log_start_offset: i64,
    pub record_count: i64,
    pub duplicate: bool,
}

/// A byte range of one segment file, aligned to whole batches.
#[derive(Debug, Clone)]
pub struct FileSlice {
    pub file: Arc<File>,
    pub position: u64,
    pub length: u64,
}

impl FileSlice {
    /// Reads the range into a fresh buffer.
    pub fn read(&self) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.length as usize];
        self.file
            .read_exact_at(&mut out, self.position)
            .map_err(|e| Error::storage("reading segment", e))?;
        Ok(out)
    }
}

/// Bytes from where a fetch at some offset starts reading, found from the
/// in-memory offset index alone (no file read), to be pulled into the page
/// cache by a worker before the fetch reads them.
#[derive(Debug, Clone)]
pub struct ColdRange {
    pub file: Arc<File>,
    pub position: u64,
    pub length: u64,
}

impl ColdRange {
    /// Reads the range (in 1 MiB steps, into a scratch buffer) so that it is
    /// in the page cache afterwards; blocks on the disk, so it runs on a worker.
    pub fn warm(&self) -> Result<()> {
        let mut buf = vec![0u8; (1 << 20).min(self.length as usize)];
        let mut at = self.position;
        let end = self.position + self.length;
        while at < end {
            let n = ((end - at) as usize).min(buf.len());
            match self.file.read_at(&mut buf[..n], at) {
                Ok(0) => break, // the segment ends before the range does: nothing more to warm
                Ok(read) => at += read as u64,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::storage("warming segment", e)),
            }
        }
        Ok(())
    }
}

/// Result of a fetch lookup: what to send and the offsets to report with it.
#[derive(Debug, Clone)]
pub struct Located {
    /// `None` when there is nothing to send.
    pub slice: Option<FileSlice>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    /// One past the last offset of the batches in `slice` (the fetch offset
    /// when there are none): the bound for the aborted transactions a
    /// `read_committed` answer lists.
    pub next_offset: i64,
}

pub struct Log {
    dir: PathBuf,
    config: LogConfig,
    /// Sorted by base offset; never empty; the last is active.
    segments: Vec<Segment>,
    log_start_offset: i64,
    log_end_offset: i64,
    /// Equal to the log end offset on a single node; kept apart for replication.
    high_watermark: i64,
    recovery_point: i64,
    /// Rolled segments waiting for their fsync on the background thread.
    sync_queue: Arc<SyncQueue>,
    unflushed_messages: i64,
    producers: ProducerStateManager,
    epochs: LeaderEpochCache,
    /// Truncations so far (a compaction pass planned before one is not installed).
    truncations: u64,
    /// See [`Log::open_stats`].
    open_stats: (Option<i64>, usize),
    // Scratch space reused by every append (no per-call allocation).
    valid: Vec<ValidBatch>,
    appended: Vec<AppendedBatch>,
    pending: Vec<(i64, ProducerEntry)>,
}

/// The batches re-encoded in `target` if any of them uses another codec.
fn recompress(
    records: &[u8],
    valid: &[ValidBatch],
    target: Option<Compression>,
) -> Result<Option<Vec<u8>>> {
    let Some(target) = target else {
        return Ok(None);
    };
    if valid
        .iter()
        .all(|b| b.header.compression() == target.codec as u8)
    {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(records.len());
    for b in valid {
        let batch = &records[b.position..b.position + b.size()];
        if b.header.compression() == target.codec as u8 {
            out.extend_from_slice(batch);
        } else {
            convert_batch(batch, &b.header, target, &mut out)?;
        }
    }
    Ok(Some(out))
}

/// What the producer checks of an append decided.
enum ProducerCheck {
    /// Write it; the log end offset afterwards.
    Append { next: i64 },
    /// An idempotent retry of the last batch: nothing to write.
    Duplicate(AppendInfo),
}

/// Phase 3, offsets: rewrites each batch's base offset and leader epoch in
/// place (fields the CRC does not cover), and under log-append time its
/// timestamp type and max timestamp (then the CRC is recomputed); notes
/// what the segment needs to know of each batch in `appended`.
fn assign_offsets(
    records: &mut [u8],
    valid: &[ValidBatch],
    base_offset: i64,
    opts: &AppendOptions,
    appended: &mut Vec<AppendedBatch>,
) {
    let mut offset = base_offset;
    for b in valid {
        let h = &b.header;
        let batch = &mut records[b.position..b.position + b.size()];
        set_base_offset(batch, offset);
        set_partition_leader_epoch(batch, opts.leader_epoch);
        let (attributes, max_timestamp) = if opts.log_append_time {
            (h.attributes | TIMESTAMP_TYPE_MASK, opts.now_ms)
        } else {
            (h.attributes & !TIMESTAMP_TYPE_MASK, b.max_timestamp)
        };
        if attributes != h.attributes || max_timestamp != h.max_timestamp {
            set_attributes(batch, attributes);
            set_max_timestamp(batch, max_timestamp);
            update_crc(batch);
        }
        let last = offset + h.last_offset_delta as i64;
        appended.push(AppendedBatch {
            position: b.position,
            size: b.size(),
            last_offset: last,
            max_timestamp,
        });
        offset = last + 1;
    }
}

fn storage(what: &str, dir: &Path, e: std::io::Error) -> Error {
    Error::storage(format!("{what} in {}", dir.display()), e)
}

impl Log {
    /// Opens (creating if needed) and recovers the partition directory.
    pub fn open(dir: &Path, config: LogConfig) -> Result<Log> {
        config.validate()?;
        let rec = recovery::recover(
            dir,
            config.recovery_point,
            config.index_interval_bytes as u64,
        )?;
        rec.epochs
            .persist_if_changed()
            .map_err(|e| storage("writing leader-epoch-checkpoint", dir, e))?;
        let log_start_offset = rec.segments.first().map_or(0, |s| s.base_offset);
        Ok(Log {
            dir: dir.to_path_buf(),
            config,
            segments: rec.segments,
            log_start_offset,
            log_end_offset: rec.log_end_offset,
            high_watermark: rec.log_end_offset,
            recovery_point: rec.log_end_offset,
            sync_queue: SyncQueue::new(),
            unflushed_messages: 0,
            producers: rec.producers,
            epochs: rec.epochs,
            truncations: 0,
            open_stats: (rec.snapshot, rec.unscanned_segments),
            valid: Vec::new(),
            appended: Vec::new(),
            pending: Vec::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }
    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }
    /// Everything below is fsynced (rolled segments count once the
    /// background thread has synced them).
    pub fn recovery_point(&self) -> i64 {
        self.recovery_point.max(self.sync_queue.synced_to())
    }
    pub fn size_in_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size).sum()
    }
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    pub fn producers(&self) -> &ProducerStateManager {
        &self.producers
    }
    pub fn leader_epochs(&self) -> &[(i32, i64)] {
        self.epochs.entries()
    }

    fn active(&self) -> &Segment {
        &self.segments[self.segments.len() - 1]
    }

    fn active_mut(&mut self) -> &mut Segment {
        let n = self.segments.len();
        &mut self.segments[n - 1]
    }

    /// Appends one or more batches from a Produce request, whole or not at
    /// all. Offsets (and the leader epoch, and under log-append time the
    /// timestamp) are written into `records` in place before it is stored.
    pub fn append(&mut self, records: &mut [u8], opts: &AppendOptions) -> Result<AppendInfo> {
        let mut valid = std::mem::take(&mut self.valid);
        let mut appended = std::mem::take(&mut self.appended);
        let mut pending = std::mem::take(&mut self.pending);
        valid.clear();
        appended.clear();
        pending.clear();
        let r = self.append_inner(records, opts, &mut valid, &mut appended, &mut pending);
        self.valid = valid;
        self.appended = appended;
        self.pending = pending;
        r
    }

    /// The phases of an append, in order; nothing is written before the
    /// checks of every batch passed, and a failed write leaves the log as it
    /// was (the scratch vectors are the caller's, reused across appends).
    fn append_inner(
        &mut self,
        records: &mut [u8],
        opts: &AppendOptions,
        valid: &mut Vec<ValidBatch>,
        appended: &mut Vec<AppendedBatch>,
        pending: &mut Vec<(i64, ProducerEntry)>,
    ) -> Result<AppendInfo> {
        let mut converted = Vec::new();
        let records =
            self.validate_and_convert(records, opts.compression, valid, &mut converted)?;
        let next = match self.check_producers(valid, opts, pending)? {
            ProducerCheck::Append { next } => next,
            ProducerCheck::Duplicate(info) => return Ok(info),
        };
        let base_offset = self.log_end_offset;
        let rolled = self.maybe_roll(records.len() as u64, base_offset, next - 1, opts.now_ms)?;
        assign_offsets(records, valid, base_offset, opts, appended);
        let epoch = [(opts.leader_epoch, base_offset)];
        let new_epochs: &[(i32, i64)] = if self.epochs.is_new_epoch(opts.leader_epoch) {
            &epoch
        } else {
            &[]
        };
        self.write(records, appended, new_epochs, opts.now_ms, rolled)?;
        self.commit(pending, new_epochs, next, opts)
    }

    /// Phase 1, validate and convert: every batch's header, CRC and framing;
    /// then, when the topic's `compression.type` differs from a batch's
    /// codec, the batches re-encoded (into `converted`) and checked again.
    /// Returns the bytes to store: `records` itself, or `converted`.
    fn validate_and_convert<'a>(
        &self,
        records: &'a mut [u8],
        compression: Option<Compression>,
        valid: &mut Vec<ValidBatch>,
        converted: &'a mut Vec<u8>,
    ) -> Result<&'a mut [u8]> {
        let keys = self.config.compacted;
        validate_batches_for_topic(records, self.config.max_message_bytes, keys, valid)?;
        match recompress(records, valid, compression)? {
            None => Ok(records),
            Some(v) => {
                *converted = v;
                valid.clear();
                validate_batches_for_topic(converted, self.config.max_message_bytes, keys, valid)?;
                Ok(converted)
            }
        }
    }

    /// Phase 2, producer checks: the offsets each batch will take and, for
    /// idempotent producers, its epoch and sequence against what the log
    /// (and earlier batches of this append, in `pending`) has seen. A single
    /// batch that repeats the last one is a duplicate, answered with the
    /// original offsets; inside a multi-batch append it is refused.
    fn check_producers(
        &self,
        valid: &[ValidBatch],
        opts: &AppendOptions,
        pending: &mut Vec<(i64, ProducerEntry)>,
    ) -> Result<ProducerCheck> {
        let mut next = self.log_end_offset;
        for b in valid {
            let h = &b.header;
            let first = next;
            let last = first + h.last_offset_delta as i64;
            if h.has_producer_id() {
                let ts = if opts.log_append_time {
                    opts.now_ms
                } else {
                    b.max_timestamp
                };
                let current = pending
                    .iter()
                    .rev()
                    .find(|(p, _)| *p == h.producer_id)
                    .map(|(_, e)| e)
                    .or_else(|| self.producers.get(h.producer_id));
                match check_batch(current, h, first, last, ts)? {
                    SeqCheck::Append(e) => pending.push((h.producer_id, e)),
                    SeqCheck::Duplicate(d) if valid.len() == 1 => {
                        return Ok(ProducerCheck::Duplicate(AppendInfo {
                            base_offset: d.first_offset,
                            last_offset: d.last_offset,
                            log_append_time: if opts.log_append_time {
                                d.timestamp
                            } else {
                                -1
                            },
                            log_start_offset: self.log_start_offset,
                            record_count: d.last_offset - d.first_offset + 1,
                            duplicate: true,
                        }));
                    }
                    SeqCheck::Duplicate(_) => {
                        return Err(Error::OutOfOrderSequenceNumber(format!(
                            "producer {} resent sequence {} inside a multi-batch append",
                            h.producer_id, h.base_sequence
                        )));
                    }
                }
            }
            next = last + 1;
        }
        if next >= JS_MAX_SAFE {
            return Err(Error::KafkaStorageError("offsets exhausted (2^53)".into()));
        }
        Ok(ProducerCheck::Append { next })
    }

    /// Phase 4, write: new leader epochs (epoch, start offset) into the
    /// checkpoint, then the bytes and their index entries into the active
    /// segment. On failure the checkpoint is written back, the segment this
    /// append rolled to is dropped, and the log is as before.
    fn write(
        &mut self,
        records: &[u8],
        appended: &[AppendedBatch],
        new_epochs: &[(i32, i64)],
        now_ms: i64,
        rolled: bool,
    ) -> Result<()> {
        if !new_epochs.is_empty() {
            let mut entries = self.epochs.entries().to_vec();
            entries.extend_from_slice(new_epochs);
            if let Err(e) = self.epochs.write_entries(&entries) {
                self.undo_roll(rolled);
                return Err(storage("writing leader-epoch-checkpoint", &self.dir, e));
            }
        }
        let interval = self.config.index_interval_bytes as u64;
        if let Err(e) = self
            .active_mut()
            .append(records, appended, interval, now_ms)
        {
            if !new_epochs.is_empty() {
                let _ = self.epochs.write_entries(self.epochs.entries());
            }
            let path = self.active().log_path.display().to_string();
            self.undo_roll(rolled);
            return Err(Error::storage(format!("appending to {path}"), e));
        }
        Ok(())
    }

    /// Phase 5, commit: producer state, leader epochs and the log end offset
    /// move only now that the bytes are written; then the flush policy.
    fn commit(
        &mut self,
        pending: &[(i64, ProducerEntry)],
        new_epochs: &[(i32, i64)],
        next: i64,
        opts: &AppendOptions,
    ) -> Result<AppendInfo> {
        let base_offset = self.log_end_offset;
        let record_count = next - base_offset;
        self.commit_written(pending, new_epochs, next, record_count)?;
        Ok(AppendInfo {
            base_offset,
            last_offset: next - 1,
            log_append_time: if opts.log_append_time {
                opts.now_ms
            } else {
                -1
            },
            log_start_offset: self.log_start_offset,
            record_count,
            duplicate: false,
        })
    }

    /// What every append commits once its bytes are written (leader or
    /// follower): producer state, new leader epochs, the log end offset (and,
    /// on a single node, the high watermark), then the flush policy.
    fn commit_written(
        &mut self,
        pending: &[(i64, ProducerEntry)],
        new_epochs: &[(i32, i64)],
        next: i64,
        record_count: i64,
    ) -> Result<()> {
        for (pid, entry) in pending {
            self.producers.update(*pid, *entry);
        }
        for &(epoch, start) in new_epochs {
            self.epochs.observe(epoch, start);
        }
        self.log_end_offset = next;
        self.high_watermark = next;
        self.unflushed_messages += record_count;
        // A failed fsync here is reported although the bytes were written: the
        // disk can no longer be trusted (Kafka takes the log dir offline).
        if self
            .config
            .flush_every()
            .is_some_and(|n| self.unflushed_messages >= n)
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Rolls to a new segment at `base` if the append of `bytes` whose first
    /// offset is `base` and last `last_offset` needs one; true if it rolled.
    /// An empty segment takes any append whose offsets fit its index.
    fn maybe_roll(&mut self, bytes: u64, base: i64, last_offset: i64, now_ms: i64) -> Result<bool> {
        let seg = self.active();
        let overflow = last_offset - seg.base_offset > u32::MAX as i64;
        if seg.is_empty() && !overflow {
            return Ok(false);
        }
        let full = seg.size + bytes > self.config.segment_bytes();
        let old = self.config.segment_ms > 0
            && seg
                .rolling_ms
                .is_some_and(|t| now_ms.saturating_sub(t) >= self.config.segment_ms);
        if full || old || overflow {
            return self.roll_at(base);
        }
        Ok(false)
    }

    /// After a failed append, drops the empty segment this append rolled to,
    /// so the log has the same segments as before (the sealed segment keeps
    /// its final time-index entry and fsync, which are harmless).
    fn undo_roll(&mut self, rolled: bool) {
        if !rolled || self.segments.len() < 2 || !self.active().is_empty() {
            return;
        }
        if let Some(seg) = self.segments.pop() {
            let base = seg.base_offset;
            drop(seg);
            let _ = Segment::delete_files(&self.dir, base);
        }
    }

    /// Seals the active segment and starts a new one at the log end; the
    /// sealed segment (and the directory) are fsynced by the background
    /// thread, which then moves the recovery point to the new base.
    pub fn roll(&mut self) -> Result<()> {
        self.roll_at(self.log_end_offset).map(|_| ())
    }

    /// `roll` with the new segment based at `base` (>= the log end offset; a
    /// follower copying a compacted log starts it at the batch it appends,
    /// past a gap). False if the active segment already starts there.
    fn roll_at(&mut self, base: i64) -> Result<bool> {
        if self.active().base_offset == base {
            return Ok(false);
        }
        let dir = self.dir.clone();
        let files = self
            .active_mut()
            .seal_deferred()
            .map_err(|e| storage("sealing segment", &dir, e))?;
        let seg = Segment::create(&dir, base).map_err(|e| storage("creating segment", &dir, e))?;
        self.segments.push(seg);
        // The producer state at the new segment's base (Kafka's snapshot on
        // roll); not fsynced: a torn file fails its CRC and is not used.
        producer_snapshot::write(&dir, base, &self.producers.to_snapshot(), false)
            .map_err(|e| storage("writing producer snapshot", &dir, e))?;
        let dir_handle = File::open(&dir).map_err(|e| storage("opening directory", &dir, e))?;
        self.sync_queue
            .push(PendingSync {
                end: base,
                files,
                dir: Some(dir_handle),
            })
            .map_err(|e| storage("syncing rolled segment", &dir, e))?;
        self.unflushed_messages = 0;
        Ok(true)
    }

    /// fsyncs rolled segments still waiting for the background thread, then
    /// the active segment and its indexes; everything is then below the
    /// recovery point.
    pub fn flush(&mut self) -> Result<()> {
        let dir = self.dir.clone();
        self.sync_queue
            .drain()
            .map_err(|e| storage("syncing rolled segments", &dir, e))?;
        if self.recovery_point() >= self.log_end_offset {
            return Ok(());
        }
        self.active()
            .sync()
            .map_err(|e| storage("flushing", &dir, e))?;
        self.recovery_point = self.log_end_offset;
        self.unflushed_messages = 0;
        Ok(())
    }

    /// The first batch in segment `seg` whose last offset is >= `offset`.
    fn find_batch(
        seg: &Segment,
        offset: i64,
    ) -> Result<Option<(u64, BatchHeader, BatchScanner<'_>)>> {
        let start = seg.offset_index.lookup(offset);
        let mut sc = BatchScanner::new(&seg.log, start, seg.size, LOOKUP_CHUNK);
        loop {
            match sc
                .next_batch()
                .map_err(|e| Error::storage("reading segment", e))?
            {
                ScanStep::Batch { position, header } if header.last_offset() >= offset => {
                    return Ok(Some((position, header, sc)));
                }
                ScanStep::Batch { .. } => {}
                ScanStep::End => return Ok(None),
                ScanStep::Stop { position, reason } => {
                    return Err(Error::KafkaStorageError(format!(
                        "{} unreadable at byte {position}: {reason}",
                        seg.log_path.display()
                    )))
                }
            }
        }
    }

    /// Fetch lookup: the whole batches from the one holding `fetch_offset`,
    /// within one segment, at most `max_bytes` (but at least one batch when
    /// `min_one_batch`, KIP-74), only batches starting below `max_offset`.
    /// For a fetch at `fetch_offset` of up to `max_bytes`: the bytes it would
    /// start reading at when the first of them is not in the page cache
    /// (then the fetch's lookup and read would wait for the disk), else None.
    /// Uses the in-memory index and one non-blocking probe; reads nothing.
    pub fn cold_range(&self, fetch_offset: i64, max_bytes: i64) -> Option<ColdRange> {
        if fetch_offset < self.log_start_offset || fetch_offset >= self.log_end_offset {
            return None;
        }
        let i = self
            .segments
            .partition_point(|s| s.base_offset <= fetch_offset)
            .saturating_sub(1);
        let seg = &self.segments[i];
        let position = seg.offset_index.lookup(fetch_offset);
        if position >= seg.size || page_cache::is_cached(&seg.log, position) {
            return None;
        }
        // From the index entry to the fetch's end, plus the index interval it may have to scan first.
        let want = max_bytes.max(0) as u64 + self.config.index_interval_bytes.max(0) as u64;
        Some(ColdRange {
            file: seg.log.clone(),
            position,
            length: want.min(seg.size - position),
        })
    }

    pub fn locate(
        &self,
        fetch_offset: i64,
        max_bytes: i64,
        max_offset: i64,
        min_one_batch: bool,
    ) -> Result<Located> {
        self.locate_with(fetch_offset, max_bytes, max_offset, min_one_batch, false)
    }

    /// `locate`; with `skip_empty` (a consumer's fetch, not a follower's),
    /// a segment's tail of batches without records (an active producer's
    /// last batches, emptied by the cleaner) is passed over for the next
    /// segment's batches, so that a fetch there returns records.
    pub fn locate_with(
        &self,
        fetch_offset: i64,
        max_bytes: i64,
        max_offset: i64,
        min_one_batch: bool,
        skip_empty: bool,
    ) -> Result<Located> {
        let mut loc = Located {
            slice: None,
            high_watermark: self.high_watermark,
            log_start_offset: self.log_start_offset,
            log_end_offset: self.log_end_offset,
            next_offset: fetch_offset,
        };
        if fetch_offset < self.log_start_offset || fetch_offset > self.log_end_offset {
            return Err(Error::OffsetOutOfRange(format!(
                "offset {fetch_offset} is outside [{}, {}] of {}",
                self.log_start_offset,
                self.log_end_offset,
                self.dir.display()
            )));
        }
        if fetch_offset == self.log_end_offset {
            return Ok(loc);
        }
        let max_bytes = max_bytes.max(0) as u64;
        let first = self
            .segments
            .partition_point(|s| s.base_offset <= fetch_offset)
            .saturating_sub(1);
        let last = self.segments.len() - 1;
        for (i, seg) in self.segments[first..].iter().enumerate() {
            let Some((position, mut h, mut sc)) = Self::find_batch(seg, fetch_offset)? else {
                continue; // Exhausted: the next segment starts above fetch_offset.
            };
            let mut length = 0u64;
            let mut records = 0i64;
            let mut exhausted = false;
            loop {
                if h.base_offset >= max_offset {
                    break;
                }
                if length + h.size() > max_bytes {
                    if length == 0 && min_one_batch {
                        length = h.size();
                        records += h.records_count as i64;
                        loc.next_offset = h.last_offset() + 1;
                    }
                    break;
                }
                length += h.size();
                records += h.records_count as i64;
                loc.next_offset = h.last_offset() + 1;
                match sc
                    .next_batch()
                    .map_err(|e| Error::storage("reading segment", e))?
                {
                    ScanStep::Batch { header, .. } => h = header,
                    _ => {
                        exhausted = true;
                        break;
                    }
                }
            }
            if skip_empty && exhausted && records == 0 && length > 0 && first + i < last {
                // The segment's rest is batches the cleaner kept without
                // records: a consumer has nothing to read in them, and some
                // (kafkajs) would fetch them again and again. Read on in the
                // next segment.
                continue;
            }
            if length > 0 {
                loc.slice = Some(FileSlice {
                    file: seg.log.clone(),
                    position,
                    length,
                });
            }
            return Ok(loc);
        }
        Ok(loc)
    }

    /// The first record of the batch at `position` whose timestamp satisfies
    /// `pred`, as (timestamp, offset).
    fn first_record(
        seg: &Segment,
        position: u64,
        h: &BatchHeader,
        pred: impl Fn(i64) -> bool,
    ) -> Result<Option<(i64, i64)>> {
        if h.records_count == 0 {
            // A header the cleaner kept for its producer: no record to find.
            return Ok(None);
        }
        if h.is_log_append_time() {
            // Log-append time: every record carries the batch time.
            return Ok(pred(h.max_timestamp).then_some((h.max_timestamp, h.base_offset)));
        }
        let bytes = read_exact(&seg.log, position, h.size() as usize)
            .map_err(|e| Error::storage("reading segment", e))?;
        let codec = Codec::from_id(h.compression()).unwrap_or(Codec::None);
        let mut found = None;
        with_records(&bytes, codec, |records| {
            walk_records(records, h.records_count, |r| {
                let t = h.base_timestamp.saturating_add(r.timestamp_delta);
                if found.is_none() && pred(t) {
                    found = Some((t, h.base_offset + r.offset_delta as i64));
                }
                Ok(())
            })
        })?;
        Ok(found)
    }

    /// ListOffsets by time: the earliest record (in offset order) whose
    /// timestamp is >= `timestamp`.
    pub fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<(i64, i64)>> {
        for seg in &self.segments {
            if seg.is_empty() || seg.max_timestamp < timestamp {
                continue;
            }
            let start = seg.time_index.lookup(timestamp);
            let Some((mut position, mut h, mut sc)) = Self::find_batch(seg, start)? else {
                continue;
            };
            loop {
                if h.max_timestamp >= timestamp {
                    if let Some(found) = Self::first_record(seg, position, &h, |t| t >= timestamp)?
                    {
                        return Ok(Some(found));
                    }
                }
                match sc
                    .next_batch()
                    .map_err(|e| Error::storage("reading segment", e))?
                {
                    ScanStep::Batch {
                        position: p,
                        header,
                    } => {
                        position = p;
                        h = header;
                    }
                    _ => break,
                }
            }
        }
        Ok(None)
    }

    /// ListOffsets -3 (KIP-734): the first record carrying the largest timestamp.
    pub fn max_timestamp(&self) -> Result<Option<(i64, i64)>> {
        let mut best: Option<&Segment> = None;
        for seg in &self.segments {
            if seg.offset_of_max_timestamp >= 0
                && best.is_none_or(|b| seg.max_timestamp > b.max_timestamp)
            {
                best = Some(seg);
            }
        }
        let Some(seg) = best else { return Ok(None) };
        let ts = seg.max_timestamp;
        let Some((position, h, _)) = Self::find_batch(seg, seg.offset_of_max_timestamp)? else {
            return Ok(None);
        };
        Ok(Self::first_record(seg, position, &h, |t| t == ts)?.or(Some((ts, h.base_offset))))
    }

    /// Writes the control batch that ends producer `marker.producer_id`'s
    /// transaction (Kafka's `appendAsLeader` of an end-transaction marker):
    /// checks the producer and coordinator epochs, appends the marker at the
    /// log end, closes the producer's open transaction, and for an ABORT of
    /// an open transaction adds its entry to the active segment's
    /// `.txnindex`. A marker with no open transaction (a coordinator's retry)
    /// is written all the same, as Kafka does.
    pub fn append_marker(
        &mut self,
        marker: &TxnMarker,
        opts: &AppendOptions,
    ) -> Result<AppendInfo> {
        let pid = marker.producer_id;
        let offset = self.log_end_offset;
        let (entry, first) = end_txn(self.producers.get(pid), marker, offset, opts.now_ms, true)?;
        if offset + 1 >= JS_MAX_SAFE {
            return Err(Error::KafkaStorageError("offsets exhausted (2^53)".into()));
        }
        let last_stable_offset = self.producers.last_stable_offset_after(pid, offset);
        let batch = build_marker(marker, offset, opts.leader_epoch, opts.now_ms);
        let rolled = self.maybe_roll(batch.len() as u64, offset, offset, opts.now_ms)?;
        let appended = [AppendedBatch {
            position: 0,
            size: batch.len(),
            last_offset: offset,
            max_timestamp: opts.now_ms,
        }];
        let epoch = [(opts.leader_epoch, offset)];
        let new_epochs: &[(i32, i64)] = if self.epochs.is_new_epoch(opts.leader_epoch) {
            &epoch
        } else {
            &[]
        };
        self.write(&batch, &appended, new_epochs, opts.now_ms, rolled)?;
        let info = self.commit(&[(pid, entry)], new_epochs, offset + 1, opts)?;
        if let (false, Some(first_offset)) = (marker.commit, first) {
            self.index_aborted(AbortedTxn {
                producer_id: pid,
                first_offset,
                last_offset: offset,
                last_stable_offset,
            })?;
        }
        Ok(AppendInfo {
            log_append_time: -1,
            ..info
        })
    }

    /// Adds an aborted transaction to the active segment's `.txnindex`.
    fn index_aborted(&mut self, txn: AbortedTxn) -> Result<()> {
        let seg = self.active_mut();
        seg.txn_index.append(txn).map_err(|e| {
            Error::storage(
                format!("appending to {}", seg.txn_index.path().display()),
                e,
            )
        })
    }

    /// The first offset of the earliest open transaction (the last stable
    /// offset is this or the high watermark, whichever is lower); None when
    /// no transaction is open.
    pub fn first_unstable_offset(&self) -> Option<i64> {
        self.producers.first_unstable_offset()
    }

    /// Aborted transactions that overlap `[fetch_offset, upper_bound)`, from
    /// the `.txnindex` of the segment holding `fetch_offset` and every later
    /// one (Kafka's `collectAbortedTxns`), as a `read_committed` fetch lists them.
    pub fn aborted_txns(&self, fetch_offset: i64, upper_bound: i64) -> Vec<AbortedTxn> {
        let first = self
            .segments
            .partition_point(|s| s.base_offset <= fetch_offset)
            .saturating_sub(1);
        let mut out = Vec::new();
        // A transaction that overlaps the range may end in any later segment.
        for seg in &self.segments[first..] {
            seg.txn_index.collect(fetch_offset, upper_bound, &mut out);
        }
        out
    }

    /// Flushes, writes the producer snapshot at the log end (so the next
    /// open scans nothing) and releases all file descriptors.
    pub fn close(mut self) -> Result<()> {
        self.flush()?;
        let dir = self.dir.clone();
        producer_snapshot::write(
            &dir,
            self.log_end_offset,
            &self.producers.to_snapshot(),
            true,
        )
        .map_err(|e| storage("writing producer snapshot", &dir, e))
    }

    /// Removes producers with no open transaction whose last write is
    /// `expiration_ms` (`producer.id.expiration.ms`) or more before `now_ms`;
    /// returns how many went.
    pub fn remove_expired_producers(&mut self, now_ms: i64, expiration_ms: i64) -> usize {
        self.producers.remove_expired(now_ms, expiration_ms)
    }

    /// The producer snapshot the last open loaded and how many segments it
    /// opened from their indexes alone.
    pub fn open_stats(&self) -> (Option<i64>, usize) {
        self.open_stats
    }

    /// Closes and removes the partition directory (topic deletion).
    pub fn delete_all(self) -> Result<()> {
        let dir = self.dir.clone();
        drop(self);
        retention::wait_for_deletions();
        std::fs::remove_dir_all(&dir).map_err(|e| storage("deleting", &dir, e))
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

pub mod compaction;
mod follower;
mod live_config;
mod recovery;
mod retention;
mod truncation;
pub use retention::{RetentionOutcome, RetentionPolicy};

#[cfg(test)]
mod compression_tests;
#[cfg(test)]
mod replication_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod txn_tests;
