#![deny(clippy::all)]
//! Gregor's native hot path: napi exports only; logic lives in the modules,
//! which `cargo test` checks without Node.

pub mod batch;
pub mod cleaner;
pub mod compaction_task;
pub mod compression;
pub mod crc32c;
pub mod error;
pub mod handles;
pub mod index;
pub mod leader_epoch;
pub mod lifecycle;
pub mod producer_state;
pub mod recovery;
pub mod segment;
pub mod sendfile;
#[cfg(test)]
pub mod test_util;
pub mod worker_api;

use compression::{Codec, Compression};
use napi::bindgen_prelude::{Buffer, BufferSlice};
use napi_derive::napi;
use segment::log as core;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// Errors thrown to JS carry the Kafka error name as `code`.
type Result<T> = napi::Result<T, &'static str>;

/// CRC32C (Castagnoli) of `data`, hardware-accelerated where the CPU allows.
#[napi(js_name = "crc32c")]
pub fn crc32c_js(data: BufferSlice) -> u32 {
    crc32c::crc32c(&data)
}

/// Validates one or more RecordBatch v2 exactly as an append would (header,
/// CRC32C, sizes, record framing) without writing anything; returns the
/// number of batches. Used by benchmarks and tools.
#[napi(js_name = "validateBatches")]
pub fn validate_batches_js(records: BufferSlice, max_message_bytes: i64) -> Result<u32> {
    let mut out = Vec::new();
    batch::validate::validate_batches(&records, max_message_bytes, &mut out)?;
    Ok(out.len() as u32)
}

fn target_compression(id: Option<i32>, level: Option<i32>) -> Result<Option<Compression>> {
    let id = match id {
        None | Some(-1) => return Ok(None),
        Some(id) => id,
    };
    let codec = u8::try_from(id)
        .ok()
        .and_then(Codec::from_id)
        .ok_or_else(|| {
            error::Error::InvalidConfig(format!("compression type id {id} is not 0..=4"))
        })?;
    let c = Compression { codec, level };
    c.validate()?;
    Ok(Some(c))
}

fn codec_of(id: u32) -> Result<Codec> {
    u8::try_from(id)
        .ok()
        .and_then(Codec::from_id)
        .ok_or_else(|| {
            error::Error::UnsupportedCompressionType(format!("unknown compression codec id {id}"))
                .into()
        })
}

/// Compresses `data` with codec `codec` (0 none .. 4 zstd) exactly as the
/// records of a RecordBatch are stored; `level` as `compression.<codec>.level`.
/// Used by benchmarks and tools; the output is handed to JS without a copy.
#[napi(js_name = "compress")]
pub fn compress_js(codec: u32, data: BufferSlice, level: Option<i32>) -> Result<Buffer> {
    let mut out = Vec::new();
    compression::compress(
        Compression {
            codec: codec_of(codec)?,
            level,
        },
        &data,
        &mut out,
    )?;
    Ok(out.into())
}

/// Writes out and evicts the file at `path` from the page cache
/// (fsync, then posix_fadvise DONTNEED): benchmarks and tests read it cold
/// without root or dropping the whole machine's cache. Filesystems that keep
/// everything in memory (tmpfs) ignore it.
#[napi(js_name = "evictFromPageCache")]
pub fn evict_from_page_cache(path: String) -> Result<()> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(&path)
        .map_err(|e| error::Error::storage(format!("opening {path}"), e))?;
    f.sync_all()
        .map_err(|e| error::Error::storage(format!("syncing {path}"), e))?;
    // SAFETY: advice on a descriptor that stays open for the call.
    unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    Ok(())
}

/// Decompresses what `compress` (or any Kafka client) wrote with `codec`.
#[napi(js_name = "decompress")]
pub fn decompress_js(codec: u32, data: BufferSlice) -> Result<Buffer> {
    let mut out = Vec::new();
    compression::decompress(
        codec_of(codec)?,
        &data,
        &mut out,
        compression::DEFAULT_DECOMPRESS_LIMIT,
    )?;
    Ok(out.into())
}

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
    /// Offset from which to CRC-check the log on open (0: everything).
    pub recovery_point: i64,
    /// Checkpointed log start offset (DeleteRecords may have moved it inside a segment).
    pub log_start_offset: Option<i64>,
}

fn core_config(config: &LogConfig) -> core::LogConfig {
    core::LogConfig {
        segment_bytes: config.segment_bytes,
        segment_ms: config.segment_ms,
        index_interval_bytes: config.index_interval_bytes,
        flush_interval_messages: config.flush_interval_messages,
        max_message_bytes: config.max_message_bytes,
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

/// One partition's durable log. Thread-safe: the state sits behind a mutex
/// and is registered under `handle`, through which pool worker threads reach
/// the same log (see worker_api.rs).
#[napi]
pub struct PartitionLog {
    inner: SharedLog,
    dir: String,
    handle: u32,
}

/// A log as shared between the main thread and the pool's worker threads;
/// `None` once closed or deleted.
pub type SharedLog = Arc<Mutex<Option<core::Log>>>;

impl Drop for PartitionLog {
    fn drop(&mut self) {
        worker_api::LOGS.remove(self.handle);
    }
}

impl PartitionLog {
    fn with<T>(&self, f: impl FnOnce(&mut core::Log) -> error::Result<T>) -> Result<T> {
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
        let handle = worker_api::LOGS.insert(inner.clone());
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
        Ok(r.map(|r| worker_api::COLD.insert(r)))
    }

    /// The fetch lookup of `read` without reading: the batches stay in the
    /// segment file, to be sent with `ResponseWriter.file` (sendfile) or
    /// read with `FetchSlice.read` (the copying path).
    #[napi]
    pub fn locate(
        &self,
        fetch_offset: i64,
        max_bytes: i64,
        max_offset: i64,
        min_one_batch: bool,
    ) -> Result<FetchSlice> {
        let loc = self.with(|l| l.locate(fetch_offset, max_bytes, max_offset, min_one_batch))?;
        Ok(FetchSlice {
            slice: loc.slice,
            high_watermark: loc.high_watermark,
            log_start_offset: loc.log_start_offset,
            log_end_offset: loc.log_end_offset,
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

    /// fsync the active segment and indexes; recoveryPoint = logEndOffset.
    #[napi]
    pub fn flush(&self) -> Result<()> {
        self.with(|l| l.flush())
    }

    /// Flush and close all file descriptors; later calls throw.
    #[napi]
    pub fn close(&self) -> Result<()> {
        worker_api::LOGS.remove(self.handle);
        Ok(self.take()?.close()?)
    }

    /// Close and remove the directory (topic deletion).
    #[napi]
    pub fn delete_all(&self) -> Result<()> {
        worker_api::LOGS.remove(self.handle);
        Ok(self.take()?.delete_all()?)
    }
}

/// Whole batches of one partition located in a segment file, with the
/// offsets to report beside them. Committed bytes never change, so the range
/// stays valid after the log's lock is released (the file stays open while
/// this object lives, even if retention deletes the segment).
#[napi]
pub struct FetchSlice {
    slice: Option<core::FileSlice>,
    high_watermark: i64,
    log_start_offset: i64,
    log_end_offset: i64,
}

#[napi]
impl FetchSlice {
    #[napi(getter)]
    pub fn byte_length(&self) -> f64 {
        self.slice.as_ref().map_or(0.0, |s| s.length as f64)
    }
    #[napi(getter)]
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }
    #[napi(getter)]
    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }
    #[napi(getter)]
    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }

    /// The copying path: the range read into a Buffer handed to JS without a
    /// further copy.
    #[napi]
    pub fn read(&self) -> Result<Buffer> {
        match &self.slice {
            Some(s) => Ok(s.read()?.into()),
            None => Ok(Vec::new().into()),
        }
    }

    /// `length` bytes of the range from `skip` bytes in (clamped to the
    /// range): a chunk for a reader too slow for the worker's sendfile.
    #[napi]
    pub fn read_range(&self, skip: f64, length: f64) -> Result<Buffer> {
        match &self.slice {
            Some(s) => {
                let skip = (skip.max(0.0) as u64).min(s.length);
                let len = (length.max(0.0) as u64).min(s.length - skip);
                let part = core::FileSlice {
                    file: s.file.clone(),
                    position: s.position + skip,
                    length: len,
                };
                Ok(part.read()?.into())
            }
            None => Ok(Vec::new().into()),
        }
    }
}

/// A response assembled from in-memory bytes and segment file ranges, then
/// written to a socket by native code off the event loop (see sendfile.rs for
/// the rules of sharing a socket with Node).
#[napi]
#[derive(Default)]
pub struct ResponseWriter {
    parts: Vec<sendfile::Part>,
}

#[napi]
impl ResponseWriter {
    #[napi(constructor)]
    pub fn new() -> Self {
        ResponseWriter::default()
    }

    /// Appends a copy of `data` (response headers: small).
    #[napi]
    pub fn bytes(&mut self, data: BufferSlice) {
        if let Some(sendfile::Part::Bytes(last)) = self.parts.last_mut() {
            last.extend_from_slice(&data);
        } else {
            self.parts.push(sendfile::Part::Bytes(data.to_vec()));
        }
    }

    /// Appends the file range of `slice` from `skip` bytes in (nothing if
    /// that leaves nothing).
    #[napi]
    pub fn file(&mut self, slice: &FetchSlice, skip: Option<f64>) {
        if let Some(s) = &slice.slice {
            let skip = (skip.unwrap_or(0.0).max(0.0) as u64).min(s.length);
            if skip < s.length {
                self.parts.push(sendfile::Part::File {
                    file: s.file.clone(),
                    position: s.position + skip,
                    length: s.length - skip,
                });
            }
        }
    }

    /// Writes what socket `fd` takes right now, on the calling thread, never
    /// waiting (non-blocking write/sendfile; poll timeout 0), with Node's own
    /// descriptor: no duplicate is needed for a synchronous call on the
    /// thread that owns it. Empties the writer. Never throws.
    #[napi]
    pub fn send_now(&mut self, fd: i32) -> SendOutcome {
        let parts = std::mem::take(&mut self.parts);
        send_outcome(sendfile::send_parts(fd, &parts, 0))
    }

    /// Hands everything written so far, with a duplicate of socket `fd`
    /// (taken here, on the thread that owns `fd`), to a pool worker: returns
    /// the handle that worker passes to `sendPrepared`. The caller must have
    /// nothing queued on the socket and write nothing until that send
    /// settles; it may close its own descriptor meanwhile. A handle that
    /// will never be sent must be given to `discardPrepared`.
    #[napi]
    pub fn prepare(&mut self, fd: i32) -> Result<u32> {
        let socket = sendfile::OwnedSocket::dup(fd)?;
        let parts = std::mem::take(&mut self.parts);
        Ok(worker_api::SENDS.insert(sendfile::PreparedSend { socket, parts }))
    }
}

#[napi(object)]
pub struct SendOutcome {
    pub bytes_written: f64,
    /// Set when the peer stopped taking bytes: the index of the part the
    /// send stopped in, and `stoppedOffset` bytes of it that were written.
    pub stopped_part: Option<u32>,
    pub stopped_offset: Option<f64>,
    /// The Kafka error name when the send failed (the connection must close).
    pub error_code: Option<String>,
    pub message: Option<String>,
}

fn send_outcome(r: error::Result<sendfile::Progress>) -> SendOutcome {
    match r {
        Ok(p) => SendOutcome {
            bytes_written: p.bytes_written as f64,
            stopped_part: p.stopped_at.map(|(i, _)| i as u32),
            stopped_offset: p.stopped_at.map(|(_, o)| o as f64),
            error_code: None,
            message: None,
        },
        Err(e) => SendOutcome {
            bytes_written: 0.0,
            stopped_part: None,
            stopped_offset: None,
            error_code: Some(e.name().to_string()),
            message: Some(e.message().to_string()),
        },
    }
}

fn core_options(opts: &AppendOptions) -> Result<core::AppendOptions> {
    Ok(core::AppendOptions {
        leader_epoch: opts.leader_epoch,
        now_ms: opts.now_ms,
        log_append_time: opts.log_append_time,
        compression: target_compression(opts.compression_type, opts.compression_level)?,
    })
}

/// One append of a group commit: its result, or the Kafka error name that refused it.
#[napi(object)]
pub struct AppendOutcome {
    pub result: Option<AppendResult>,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

fn append_result(r: core::AppendInfo) -> AppendResult {
    AppendResult {
        base_offset: r.base_offset,
        last_offset: r.last_offset,
        log_append_time: r.log_append_time,
        log_start_offset: r.log_start_offset,
        record_count: r.record_count,
        duplicate: r.duplicate,
    }
}

fn outcome(r: error::Result<core::AppendInfo>) -> AppendOutcome {
    match r {
        Ok(r) => AppendOutcome {
            result: Some(append_result(r)),
            error_code: None,
            message: None,
        },
        Err(e) => AppendOutcome {
            result: None,
            error_code: Some(e.name().to_string()),
            message: Some(e.message().to_string()),
        },
    }
}

/// Appends each buffer as its own all-or-nothing append under one lock
/// acquisition (group commit); one outcome per buffer.
fn append_all<'a>(
    log: &Mutex<Option<core::Log>>,
    dir: &str,
    records: impl Iterator<Item = &'a mut [u8]>,
    opts: &core::AppendOptions,
) -> Vec<AppendOutcome> {
    let mut guard = log.lock().unwrap_or_else(PoisonError::into_inner);
    records
        .map(|r| {
            outcome(match guard.as_mut() {
                Some(log) => log.append(r, opts),
                None => Err(error::Error::NotLeaderOrFollower(format!(
                    "partition log {dir} is closed"
                ))),
            })
        })
        .collect()
}
