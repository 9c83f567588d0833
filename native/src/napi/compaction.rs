//! Compaction from JS: a pass runs on a pool worker thread
//! (`compactByHandle`, never on the JS thread); `compactSync` is its twin
//! for tools and benchmarks. The log lock is held only to plan and to
//! swap the cleaned segments in (see `segment::log::compaction`).

use super::log::{log_of, PartitionLog, SharedLog};
use super::Result;
use crate::segment::log::compaction::{self, CompactionConfig, CompactionStats};
use napi_derive::napi;

#[napi(object)]
#[derive(Clone, Copy)]
pub struct CompactOptions {
    /// First offset not cleaned yet (the cleaner checkpoint); 0 when unknown.
    pub first_dirty_offset: i64,
    /// `min.cleanable.dirty.ratio`.
    pub min_cleanable_ratio: f64,
    /// `min.compaction.lag.ms`.
    pub min_compaction_lag_ms: i64,
    /// `max.compaction.lag.ms`.
    pub max_compaction_lag_ms: i64,
    /// `delete.retention.ms`.
    pub delete_retention_ms: i64,
    /// Clean even when the dirty ratio is below the minimum.
    pub force: bool,
    pub now_ms: i64,
    /// `log.cleaner.dedupe.buffer.size`: key map memory per pass; 0 unbounded.
    pub dedupe_buffer_bytes: i64,
}

#[napi(object)]
pub struct CompactResult {
    /// False when nothing was due.
    pub cleaned: bool,
    pub dirty_ratio: f64,
    pub segments_cleaned: u32,
    pub segments_removed: u32,
    pub bytes_read: i64,
    pub bytes_written: i64,
    pub records_read: i64,
    pub records_removed: i64,
    pub keys: i64,
    /// Persist as the cleaner checkpoint; the next pass starts here.
    pub first_dirty_offset: i64,
    /// When kept tombstones pass `delete.retention.ms` (ms since the epoch; null: none kept).
    pub tombstones_due_ms: Option<i64>,
    /// Kafka error name when the pass failed (the JS facade throws it as `code`).
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

fn to_config(o: &CompactOptions) -> CompactionConfig {
    CompactionConfig {
        first_dirty_offset: o.first_dirty_offset,
        min_cleanable_ratio: o.min_cleanable_ratio,
        min_compaction_lag_ms: o.min_compaction_lag_ms,
        max_compaction_lag_ms: o.max_compaction_lag_ms,
        delete_retention_ms: o.delete_retention_ms,
        force: o.force,
        now_ms: o.now_ms,
        max_map_bytes: o.dedupe_buffer_bytes.max(0) as u64,
    }
}

fn to_result(r: crate::error::Result<CompactionStats>, first_dirty: i64) -> CompactResult {
    match r {
        Ok(s) => CompactResult {
            cleaned: s.cleaned,
            dirty_ratio: s.dirty_ratio,
            segments_cleaned: s.segments_cleaned,
            segments_removed: s.segments_removed,
            bytes_read: s.bytes_read as i64,
            bytes_written: s.bytes_written as i64,
            records_read: s.records_read as i64,
            records_removed: s.records_removed as i64,
            keys: s.keys as i64,
            first_dirty_offset: s.first_dirty_offset,
            tombstones_due_ms: (s.tombstones_due_ms != i64::MAX).then_some(s.tombstones_due_ms),
            error_code: None,
            error_message: None,
        },
        Err(e) => CompactResult {
            cleaned: false,
            dirty_ratio: 0.0,
            segments_cleaned: 0,
            segments_removed: 0,
            bytes_read: 0,
            bytes_written: 0,
            records_read: 0,
            records_removed: 0,
            keys: 0,
            first_dirty_offset: first_dirty,
            tombstones_due_ms: None,
            error_code: Some(e.name().to_string()),
            error_message: Some(e.message().to_string()),
        },
    }
}

/// One pass over `log` on the calling thread (a pool worker, or tools).
fn run(log: &SharedLog, options: &CompactOptions) -> CompactResult {
    to_result(
        compaction::compact(log, &to_config(options)),
        options.first_dirty_offset,
    )
}

/// One compaction pass of the log registered under `handle`, on the calling
/// (worker) thread. Log errors come back as `errorCode`/`errorMessage`.
#[napi(js_name = "compactByHandle")]
pub fn compact_by_handle(handle: u32, options: CompactOptions) -> Result<CompactResult> {
    Ok(run(&log_of(handle)?, &options))
}

#[napi]
impl PartitionLog {
    /// One compaction pass on the calling thread (tools, benchmarks; the
    /// broker runs it on a pool worker through `compactByHandle`). Never
    /// throws for log errors: they come back as `errorCode`/`errorMessage`.
    #[napi]
    pub fn compact_sync(&self, options: CompactOptions) -> Result<CompactResult> {
        Ok(run(&self.inner, &options))
    }
}
