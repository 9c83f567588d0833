//! Changing a partition's settings while it is open (AlterConfigs): the new
//! values apply from the next append or roll; nothing already written changes.

use super::{Log, LogConfig};
use crate::error::Result;

impl Log {
    /// Replaces the settings; `recovery_point` of `config` is ignored (it is
    /// the log's own state once open).
    pub fn update_config(&mut self, config: LogConfig) -> Result<()> {
        let next = LogConfig {
            recovery_point: self.config.recovery_point,
            ..config
        };
        next.validate()?;
        self.config = next;
        Ok(())
    }

    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    /// OffsetForLeaderEpoch from `leader-epoch-checkpoint` (Kafka's
    /// `LeaderEpochFileCache.endOffsetFor`): the largest epoch <= `epoch` and
    /// where it ended, the start offset of the first epoch above it or, for
    /// the latest epoch, the log end offset. Below every known epoch: `epoch`
    /// itself and the first epoch's start offset (what came before is gone).
    /// `None` (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET) for a negative epoch
    /// or an empty cache. Above the latest epoch the answer is the latest and
    /// the log end, where Kafka answers UNDEFINED: a Kafka leader writes its
    /// new epoch into the cache when elected, this log only on the epoch's
    /// first append, so a newer epoch is the current one with nothing
    /// appended yet, which ends at the log end.
    pub fn epoch_end_offset(&self, epoch: i32) -> Option<(i32, i64)> {
        let entries = self.epochs.entries();
        if epoch < 0 || entries.is_empty() {
            return None;
        }
        let idx = entries.partition_point(|(e, _)| *e <= epoch);
        if idx == 0 {
            return Some((epoch, entries[0].1));
        }
        let found = entries[idx - 1].0;
        let end = entries
            .get(idx)
            .map_or(self.log_end_offset, |(_, start)| *start);
        Some((found, end))
    }
}

#[cfg(test)]
mod tests {
    use crate::batch::builder::BatchBuilder;
    use crate::segment::log::{AppendOptions, Log, LogConfig};
    use crate::test_util::TempDir;

    #[test]
    fn update_config_applies_to_next_append_and_epochs_answer_end_offsets() {
        let dir = TempDir::new("live-config");
        let cfg = LogConfig {
            segment_bytes: 1 << 20,
            segment_ms: 0,
            index_interval_bytes: 4096,
            flush_interval_messages: 0,
            max_message_bytes: 1 << 20,
            compacted: false,
            recovery_point: 0,
        };
        let mut log = Log::open(dir.path(), cfg).unwrap();
        let o = |epoch| AppendOptions {
            leader_epoch: epoch,
            now_ms: 0,
            log_append_time: false,
            compression: None,
        };
        log.append(&mut BatchBuilder::new().records(2).build(), &o(0))
            .unwrap();
        assert!(log
            .update_config(LogConfig {
                segment_bytes: 0,
                ..cfg
            })
            .is_err());
        log.update_config(LogConfig {
            segment_bytes: 100,
            ..cfg
        })
        .unwrap();
        log.append(&mut BatchBuilder::new().records(2).build(), &o(3))
            .unwrap();
        assert_eq!(log.segment_count(), 2);
        assert_eq!(log.epoch_end_offset(0), Some((0, 2)));
        assert_eq!(log.epoch_end_offset(2), Some((0, 2)));
        assert_eq!(log.epoch_end_offset(3), Some((3, 4)));
        assert_eq!(log.epoch_end_offset(9), Some((3, 4)));
        assert_eq!(log.epoch_end_offset(-1), None);
        // Below the first known epoch (its data deleted): that epoch, ending
        // where the first known one starts.
        let dir2 = TempDir::new("live-config-epochs");
        let mut log2 = Log::open(dir2.path(), cfg).unwrap();
        assert_eq!(log2.epoch_end_offset(0), None);
        log2.append(&mut BatchBuilder::new().records(2).build(), &o(4))
            .unwrap();
        assert_eq!(log2.epoch_end_offset(1), Some((1, 0)));
        assert_eq!(log2.epoch_end_offset(4), Some((4, 2)));
    }
}
