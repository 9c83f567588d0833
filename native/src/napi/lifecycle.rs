//! The log lifecycle from JS: retention, DeleteRecords, live config changes,
//! a follower's truncation and leader-epoch lookups. A second `#[napi] impl`
//! of `PartitionLog`, kept apart from `log.rs` so the append and fetch glue
//! stays small.

use super::log::{core_config, LogConfig, PartitionLog};
use super::Result;
use crate::segment::log as core;
use napi_derive::napi;

#[napi(object)]
pub struct RetentionPolicy {
    /// `retention.ms`: delete closed segments whose largest timestamp is older; < 0 never.
    pub retention_ms: i64,
    /// `retention.bytes`: keep at most this many bytes (whole segments); < 0 unbounded.
    pub retention_bytes: i64,
    /// `cleanup.policy` includes `delete`.
    pub delete_enabled: bool,
}

#[napi(object)]
pub struct RetentionResult {
    pub deleted_segments: u32,
    pub deleted_bytes: i64,
    pub by_time: u32,
    pub by_size: u32,
    pub by_start_offset: u32,
    pub log_start_offset: i64,
}

#[napi(object)]
pub struct EpochEndOffset {
    pub leader_epoch: i32,
    pub end_offset: i64,
}

#[napi]
impl PartitionLog {
    /// Deletes closed segments expired by time or size, or wholly below the
    /// log start offset. Cheap when nothing is due (looks at the oldest only).
    #[napi]
    pub fn enforce_retention(
        &self,
        now_ms: i64,
        policy: RetentionPolicy,
    ) -> Result<RetentionResult> {
        let p = core::RetentionPolicy {
            retention_ms: policy.retention_ms,
            retention_bytes: policy.retention_bytes,
            delete_enabled: policy.delete_enabled,
        };
        let r = self.with(|l| l.enforce_retention(now_ms, &p))?;
        Ok(RetentionResult {
            deleted_segments: r.deleted_segments,
            deleted_bytes: r.deleted_bytes as i64,
            by_time: r.by_time,
            by_size: r.by_size,
            by_start_offset: r.by_start_offset,
            log_start_offset: r.log_start_offset,
        })
    }

    /// DeleteRecords: log start offset := `offset` (-1: high watermark);
    /// returns the new log start offset. Throws OFFSET_OUT_OF_RANGE above the
    /// high watermark.
    #[napi]
    pub fn delete_records_before(&self, offset: i64) -> Result<i64> {
        self.with(|l| l.delete_records_before(offset))
    }

    /// Raises the log start offset (a checkpointed value after a restart).
    #[napi]
    pub fn advance_log_start_offset(&self, offset: i64) -> Result<()> {
        self.with(|l| {
            l.advance_log_start_offset(offset);
            Ok(())
        })
    }

    /// New settings from the next append on (`recoveryPoint` is ignored).
    #[napi]
    pub fn update_config(&self, config: LogConfig) -> Result<()> {
        let cfg = core_config(&config);
        self.with(|l| l.update_config(cfg))
    }

    /// Removes every record at and after `offset` (an offset inside a batch
    /// truncates at the batch's start); nothing when `offset >= logEndOffset`.
    /// High watermark and recovery point are capped at the new log end.
    #[napi]
    pub fn truncate_to(&self, offset: i64) -> Result<()> {
        self.with(|l| l.truncate_to(offset))
    }

    /// Deletes everything and starts the log again, empty, at `offset` (log
    /// start = log end = high watermark = `offset`); epochs and producer
    /// state are forgotten.
    #[napi]
    pub fn truncate_fully_and_start_at(&self, offset: i64) -> Result<()> {
        self.with(|l| l.truncate_fully_and_start_at(offset))
    }

    /// The epoch of the latest leader-epoch cache entry; null when no batch carried one.
    #[napi]
    pub fn latest_epoch(&self) -> Result<Option<i32>> {
        self.with(|l| Ok(l.latest_epoch()))
    }

    /// OffsetForLeaderEpoch: the largest epoch <= `epoch` and its end offset
    /// (below every known epoch: `epoch` and the first epoch's start offset);
    /// null for a negative epoch or when no batch carried an epoch.
    #[napi]
    pub fn epoch_end_offset(&self, epoch: i32) -> Result<Option<EpochEndOffset>> {
        let r = self.with(|l| Ok(l.epoch_end_offset(epoch)))?;
        Ok(r.map(|(leader_epoch, end_offset)| EpochEndOffset {
            leader_epoch,
            end_offset,
        }))
    }
}
