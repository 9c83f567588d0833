//! `PartitionLog`: one partition's durable log as a JS class, and the plain
//! objects its methods take and return. The log itself is
//! `segment::log::Log`; this file converts and locks.

use super::append::{append_all, AppendOutcome};
use super::compression::target_compression;
use super::fetch::FetchSlice;
use super::handles::Handles;
use super::page_cache::COLD;
use super::Result;
use crate::error;
use crate::segment::log as core;
use napi::bindgen_prelude::{Buffer, BufferSlice};
use napi_derive::napi;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// Every open `PartitionLog`, by its `handle`.
pub(super) static LOGS: Handles<SharedLog> = Handles::new();

#[napi(object)]
pub struct LogConfig {
    /// Roll before an append that would make the active segment exceed this
    /// (an empty segment always takes the batch).
    pub segment_bytes: i64,
    /// Roll when the active segment's first append is older than this (wall
    /// clock ms); <= 0 disables.
    pub segment_ms: i64,
    /// Add index entries every this many bytes appended (Kafka: 4096).
    pub index_interval_bytes: i64,
    /// fsync after this many records since the last flush; <= 0 or >= 2^53 never.
    pub flush_interval_messages: i64,
    /// Largest single batch, including its 12-byte offset+length prefix.
    pub max_message_bytes: i64,
    /// `cleanup.policy` includes `compact`: produced records without a key are
    /// refused (INVALID_RECORD). Absent: false.
    pub compacted: Option<bool>,
    /// Offset from which to CRC-check the log on open (0: everything).
    pub recovery_point: i64,
    /// Checkpointed log start offset (DeleteRecords may have moved it inside a segment).
    pub log_start_offset: Option<i64>,
}

pub(super) fn core_config(config: &LogConfig) -> core::LogConfig {
    core::LogConfig {
        segment_bytes: config.segment_bytes,
        segment_ms: config.segment_ms,
        index_interval_bytes: config.index_interval_bytes,
        flush_interval_messages: config.flush_interval_messages,
        max_message_bytes: config.max_message_bytes,
        compacted: config.compacted.unwrap_or(false),
        recovery_point: config.recovery_point,
    }
}

#[napi(object)]
pub struct AppendOptions {
    pub leader_epoch: i32,
    pub now_ms: i64,
    pub log_append_time: bool,
    /// The topic's `compression.type` as a codec id (0 none .. 4 zstd);
    /// absent or -1: `producer` (keep what was sent).
    pub compression_type: Option<i32>,
    /// `compression.<codec>.level` of that codec; absent: the codec's default.
    pub compression_level: Option<i32>,
}

pub(super) fn core_options(opts: &AppendOptions) -> Result<core::AppendOptions> {
    Ok(core::AppendOptions {
        leader_epoch: opts.leader_epoch,
        now_ms: opts.now_ms,
        log_append_time: opts.log_append_time,
        compression: target_compression(opts.compression_type, opts.compression_level)?,
    })
}

#[napi(object)]
pub struct AppendResult {
    /// Offset of the first record appended (for a duplicate: the original).
    pub base_offset: i64,
    pub last_offset: i64,
    /// `nowMs` under log-append time, else -1.
    pub log_append_time: i64,
    pub log_start_offset: i64,
    pub record_count: i64,
    /// Idempotent retry detected: nothing written, original offsets returned.
    pub duplicate: bool,
}

pub(super) fn append_result(r: core::AppendInfo) -> AppendResult {
    AppendResult {
        base_offset: r.base_offset,
        last_offset: r.last_offset,
        log_append_time: r.log_append_time,
        log_start_offset: r.log_start_offset,
        record_count: r.record_count,
        duplicate: r.duplicate,
    }
}

#[napi(object)]
pub struct ReadResult {
    pub records: Buffer,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
}

#[napi(object)]
pub struct TimestampOffset {
    pub timestamp: i64,
    pub offset: i64,
}

/// A transaction marker to write (WriteTxnMarkers).
#[napi(object)]
pub struct TxnMarkerSpec {
    pub producer_id: i64,
    pub producer_epoch: i32,
    pub coordinator_epoch: i32,
    /// COMMIT (true) or ABORT (false).
    pub commit: bool,
}

/// An aborted transaction a `read_committed` fetch lists.
#[napi(object)]
pub struct AbortedTransaction {
    pub producer_id: i64,
    pub first_offset: i64,
}

/// One producer's state in a partition (DescribeProducers).
#[napi(object)]
pub struct ProducerStateInfo {
    pub producer_id: i64,
    pub producer_epoch: i32,
    /// -1 when no batch of the current epoch is cached.
    pub last_sequence: i32,
    pub last_timestamp: i64,
    pub coordinator_epoch: i32,
    /// First offset of the open transaction, -1 when none.
    pub current_txn_start_offset: i64,
}

/// One partition's durable log. Thread-safe: the state sits behind a mutex
/// and is registered under `handle`, through which pool worker threads reach
/// the same log (see `handles.rs`).
#[napi]
pub struct PartitionLog {
    pub(super) inner: SharedLog,
    dir: String,
    handle: u32,
}

/// A log as shared between the main thread and the pool's worker threads;
/// `None` once closed or deleted.
pub(super) type SharedLog = Arc<Mutex<Option<core::Log>>>;

/// The log registered under `handle` (by a worker thread).
pub(super) fn log_of(handle: u32) -> Result<SharedLog> {
    LOGS.get(handle).ok_or_else(|| {
        error::Error::NotLeaderOrFollower(format!("partition log handle {handle} is closed")).into()
    })
}

impl Drop for PartitionLog {
    fn drop(&mut self) {
        LOGS.remove(self.handle);
    }
}

impl PartitionLog {
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut core::Log) -> error::Result<T>) -> Result<T> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match guard.as_mut() {
            Some(log) => f(log).map_err(Into::into),
            None => Err(self.closed().into()),
        }
    }

    fn closed(&self) -> error::Error {
        error::Error::NotLeaderOrFollower(format!("partition log {} is closed", self.dir))
    }

    fn take(&self) -> Result<core::Log> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.take().ok_or_else(|| self.closed().into())
    }
}

#[napi]
impl PartitionLog {
    /// Creates or recovers the log in `dir`.
    #[napi(factory)]
    pub fn open(dir: String, config: LogConfig) -> Result<Self> {
        let mut log = core::Log::open(Path::new(&dir), core_config(&config))?;
        if let Some(start) = config.log_start_offset {
            log.advance_log_start_offset(start);
        }
        let inner: SharedLog = Arc::new(Mutex::new(Some(log)));
        let handle = LOGS.insert(inner.clone());
        Ok(PartitionLog { inner, dir, handle })
    }

    /// The number by which pool workers reach this log (`appendByHandle`, `compactByHandle`).
    #[napi(getter)]
    pub fn handle(&self) -> u32 {
        self.handle
    }

    #[napi(getter)]
    pub fn log_start_offset(&self) -> Result<i64> {
        self.with(|l| Ok(l.log_start_offset()))
    }

    /// Next offset to assign.
    #[napi(getter)]
    pub fn log_end_offset(&self) -> Result<i64> {
        self.with(|l| Ok(l.log_end_offset()))
    }

    #[napi(getter)]
    pub fn high_watermark(&self) -> Result<i64> {
        self.with(|l| Ok(l.high_watermark()))
    }

    /// Everything below is fsynced.
    #[napi(getter)]
    pub fn recovery_point(&self) -> Result<i64> {
        self.with(|l| Ok(l.recovery_point()))
    }

    #[napi(getter)]
    pub fn size_in_bytes(&self) -> Result<i64> {
        self.with(|l| Ok(l.size_in_bytes() as i64))
    }

    #[napi(getter)]
    pub fn segment_count(&self) -> Result<u32> {
        self.with(|l| Ok(l.segment_count() as u32))
    }

    /// Validates and appends whole RecordBatch v2s; `records` is rewritten in
    /// place (offsets, leader epoch, log-append time).
    #[napi]
    pub fn append(&self, mut records: BufferSlice, opts: AppendOptions) -> Result<AppendResult> {
        let o = core_options(&opts)?;
        let r = self.with(|l| l.append(&mut records, &o))?;
        Ok(append_result(r))
    }

    /// A follower's append of batches fetched from the leader, stored as they
    /// are (offsets, leader epochs, timestamps kept; nothing rewritten). The
    /// first batch must start at or after `logEndOffset` and each next one
    /// after the previous (else UNKNOWN_SERVER_ERROR); corrupt bytes are
    /// refused with CORRUPT_MESSAGE. `nowMs` drives `segment.ms` only.
    #[napi]
    pub fn append_as_follower(&self, records: BufferSlice, now_ms: i64) -> Result<AppendResult> {
        let r = self.with(|l| l.append_as_follower(&records, now_ms))?;
        Ok(append_result(r))
    }

    /// Group commit on the calling thread: appends each buffer as its own
    /// all-or-nothing append (one request's records each), in order, under
    /// one lock acquisition. One outcome per buffer. Pool workers do the same
    /// through `appendByHandle`.
    #[napi]
    pub fn append_many_sync(
        &self,
        mut records: Vec<BufferSlice>,
        opts: AppendOptions,
    ) -> Result<Vec<AppendOutcome>> {
        let o = core_options(&opts)?;
        Ok(append_all(
            &self.inner,
            &self.dir,
            records.iter_mut().map(|r| &mut r[..]),
            &o,
        ))
    }

    /// Whole batches from the one holding `fetchOffset`, up to `maxBytes`
    /// (one batch at least if `minOneBatch`), only batches starting below
    /// `maxOffset`, from a single segment.
    #[napi]
    pub fn read(
        &self,
        fetch_offset: i64,
        max_bytes: i64,
        max_offset: i64,
        min_one_batch: bool,
    ) -> Result<ReadResult> {
        let loc = self.with(|l| l.locate(fetch_offset, max_bytes, max_offset, min_one_batch))?;
        // Committed bytes are immutable: read them without holding the lock.
        let records = match &loc.slice {
            Some(s) => s.read()?,
            None => Vec::new(),
        };
        Ok(ReadResult {
            records: records.into(),
            high_watermark: loc.high_watermark,
            log_start_offset: loc.log_start_offset,
            log_end_offset: loc.log_end_offset,
        })
    }

    /// When a fetch at `fetchOffset` of up to `maxBytes` would start reading
    /// data that is not in the page cache: a handle for `warmRange` (on a
    /// worker) to pull it in first; null when it is cached (the usual case).
    #[napi]
    pub fn cold_range(&self, fetch_offset: i64, max_bytes: i64) -> Result<Option<u32>> {
        let r = self.with(|l| Ok(l.cold_range(fetch_offset, max_bytes)))?;
        Ok(r.map(|r| COLD.insert(r)))
    }

    /// The fetch lookup of `read` without reading: the batches stay in the
    /// segment file, to be sent with `ResponseWriter.file` (sendfile) or
    /// read with `FetchSlice.read` (the copying path).
    /// With `skipEmpty` (a consumer's fetch), a segment's tail of batches
    /// without records is passed over for the next segment's batches.
    #[napi]
    pub fn locate(
        &self,
        fetch_offset: i64,
        max_bytes: i64,
        max_offset: i64,
        min_one_batch: bool,
        skip_empty: Option<bool>,
    ) -> Result<FetchSlice> {
        let skip_empty = skip_empty.unwrap_or(false);
        let loc = self.with(|l| {
            l.locate_with(
                fetch_offset,
                max_bytes,
                max_offset,
                min_one_batch,
                skip_empty,
            )
        })?;
        Ok(FetchSlice::from(loc))
    }

    /// Writes the control batch ending the producer's transaction (COMMIT or
    /// ABORT) at the log end; INVALID_PRODUCER_EPOCH for an older producer
    /// epoch, TRANSACTION_COORDINATOR_FENCED for an older coordinator epoch.
    #[napi]
    pub fn append_txn_marker(
        &self,
        marker: TxnMarkerSpec,
        opts: AppendOptions,
    ) -> Result<AppendResult> {
        let o = core_options(&opts)?;
        let producer_epoch = i16::try_from(marker.producer_epoch).map_err(|_| {
            error::Error::InvalidRecord(format!(
                "producer epoch {} out of range",
                marker.producer_epoch
            ))
        })?;
        let m = crate::producer_state::TxnMarker {
            producer_id: marker.producer_id,
            producer_epoch,
            coordinator_epoch: marker.coordinator_epoch,
            commit: marker.commit,
        };
        let r = self.with(|l| l.append_marker(&m, &o))?;
        Ok(append_result(r))
    }

    /// First offset of the earliest open transaction; null when none is open.
    #[napi(getter)]
    pub fn first_unstable_offset(&self) -> Result<Option<i64>> {
        self.with(|l| Ok(l.first_unstable_offset()))
    }

    /// Aborted transactions overlapping `[fetchOffset, upperBound)`, from the
    /// `.txnindex` files of the segments from `fetchOffset` on.
    #[napi]
    pub fn aborted_transactions(
        &self,
        fetch_offset: i64,
        upper_bound: i64,
    ) -> Result<Vec<AbortedTransaction>> {
        let v = self.with(|l| Ok(l.aborted_txns(fetch_offset, upper_bound)))?;
        Ok(v.into_iter()
            .map(|t| AbortedTransaction {
                producer_id: t.producer_id,
                first_offset: t.first_offset,
            })
            .collect())
    }

    /// Every producer's state in this partition.
    #[napi]
    pub fn producer_states(&self) -> Result<Vec<ProducerStateInfo>> {
        self.with(|l| {
            let mut v: Vec<ProducerStateInfo> = l
                .producers()
                .iter()
                .map(|(&pid, e)| ProducerStateInfo {
                    producer_id: pid,
                    producer_epoch: e.epoch as i32,
                    last_sequence: e.last_seq().unwrap_or(-1),
                    last_timestamp: e.last_timestamp,
                    coordinator_epoch: e.coordinator_epoch,
                    current_txn_start_offset: e.current_txn_first_offset,
                })
                .collect();
            v.sort_by_key(|p| p.producer_id);
            Ok(v)
        })
    }

    /// Earliest record with timestamp >= `timestamp`; null if none.
    #[napi]
    pub fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<TimestampOffset>> {
        let r = self.with(|l| l.offset_for_timestamp(timestamp))?;
        Ok(r.map(|(timestamp, offset)| TimestampOffset { timestamp, offset }))
    }

    /// The record with the largest timestamp (ListOffsets -3); null if empty.
    #[napi]
    pub fn max_timestamp(&self) -> Result<Option<TimestampOffset>> {
        let r = self.with(|l| l.max_timestamp())?;
        Ok(r.map(|(timestamp, offset)| TimestampOffset { timestamp, offset }))
    }

    /// Removes the producers with no open transaction whose last write is
    /// `expirationMs` (`producer.id.expiration.ms`) or more before `nowMs`;
    /// returns how many went.
    #[napi]
    pub fn remove_expired_producers(&self, now_ms: i64, expiration_ms: i64) -> Result<u32> {
        self.with(|l| Ok(l.remove_expired_producers(now_ms, expiration_ms) as u32))
    }

    /// fsync the active segment and indexes; recoveryPoint = logEndOffset.
    #[napi]
    pub fn flush(&self) -> Result<()> {
        self.with(|l| l.flush())
    }

    /// Flush and close all file descriptors; later calls throw.
    #[napi]
    pub fn close(&self) -> Result<()> {
        LOGS.remove(self.handle);
        Ok(self.take()?.close()?)
    }

    /// Close and remove the directory (topic deletion).
    #[napi]
    pub fn delete_all(&self) -> Result<()> {
        LOGS.remove(self.handle);
        Ok(self.take()?.delete_all()?)
    }
}
