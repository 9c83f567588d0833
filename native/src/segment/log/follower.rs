//! Appending as a follower: storing the batches fetched from the partition's
//! leader exactly as the leader stored them (rules learned from Kafka's
//! `UnifiedLog.appendAsFollower`).
//!
//! Nothing is rewritten: offsets, partition leader epochs, timestamps and
//! codecs stay as they are, so the follower's `.log` bytes are the leader's.
//! The batches are checked for framing and CRC (corrupt bytes from the leader
//! are refused with CORRUPT_MESSAGE, nothing written) and must continue the
//! log: the first starts at or after the log end offset and each next one
//! after the previous one's last offset. Gaps are allowed, as in Kafka,
//! because compaction leaves them in the leader's log. Transaction markers
//! (control batches) are taken. The leader-epoch cache gets an entry for
//! each newer epoch the batches carry, and producer state follows the
//! batches without sequence checks (the leader checked them), so that this
//! replica, once leader, still recognises a producer's retry. Segment rolls,
//! index entries and the flush policy are those of a leader append.

use super::{AppendInfo, Log, JS_MAX_SAFE};
use crate::batch::control::parse_marker;
use crate::batch::validate::{validate_leader_batches, ValidBatch};
use crate::error::{Error, Result};
use crate::index::txn_index::AbortedTxn;
use crate::producer_state::{replayed, ProducerEntry};
use crate::segment::AppendedBatch;

impl Log {
    /// Appends batches copied from the leader, whole or not at all, keeping
    /// their offsets. `now_ms` drives `segment.ms` only. Returns the first
    /// batch's base offset, the last offset and the number of records.
    pub fn append_as_follower(&mut self, records: &[u8], now_ms: i64) -> Result<AppendInfo> {
        let mut valid = std::mem::take(&mut self.valid);
        let mut appended = std::mem::take(&mut self.appended);
        let mut pending = std::mem::take(&mut self.pending);
        valid.clear();
        appended.clear();
        pending.clear();
        let r =
            self.append_as_follower_inner(records, now_ms, &mut valid, &mut appended, &mut pending);
        self.valid = valid;
        self.appended = appended;
        self.pending = pending;
        r
    }

    fn append_as_follower_inner(
        &mut self,
        records: &[u8],
        now_ms: i64,
        valid: &mut Vec<ValidBatch>,
        appended: &mut Vec<AppendedBatch>,
        pending: &mut Vec<(i64, ProducerEntry)>,
    ) -> Result<AppendInfo> {
        validate_leader_batches(records, valid)?;
        let mut new_epochs = Vec::new();
        let mut aborted = Vec::new();
        let (next, record_count) = self.follow(
            records,
            valid,
            appended,
            pending,
            &mut new_epochs,
            &mut aborted,
        )?;
        let base_offset = valid[0].header.base_offset;
        let rolled = self.maybe_roll(records.len() as u64, base_offset, next - 1, now_ms)?;
        self.write(records, appended, &new_epochs, now_ms, rolled)?;
        self.commit_written(pending, &new_epochs, next, record_count)?;
        for txn in aborted {
            self.index_aborted(txn)?;
        }
        Ok(AppendInfo {
            base_offset,
            last_offset: next - 1,
            log_append_time: -1,
            log_start_offset: self.log_start_offset,
            record_count,
            duplicate: false,
        })
    }

    /// Checks that the batches continue the log and notes what each changes:
    /// its segment figures, producer state (in `pending`), new leader epochs.
    /// Returns the log end offset after them and their number of records.
    fn follow(
        &self,
        bytes: &[u8],
        valid: &[ValidBatch],
        appended: &mut Vec<AppendedBatch>,
        pending: &mut Vec<(i64, ProducerEntry)>,
        new_epochs: &mut Vec<(i32, i64)>,
        aborted: &mut Vec<AbortedTxn>,
    ) -> Result<(i64, i64)> {
        let mut next = self.log_end_offset;
        let mut latest = self.epochs.latest_epoch();
        let mut records = 0i64;
        for (i, b) in valid.iter().enumerate() {
            let h = &b.header;
            if h.base_offset < next {
                return Err(Error::UnexpectedAppendOffset(if i == 0 {
                    format!(
                        "batch at offset {} starts below the log end offset {} of {}",
                        h.base_offset,
                        next,
                        self.dir.display()
                    )
                } else {
                    format!(
                        "offsets out of order in an append to {}: batch at {} follows offset {}",
                        self.dir.display(),
                        h.base_offset,
                        next - 1
                    )
                }));
            }
            if h.last_offset() >= JS_MAX_SAFE {
                return Err(Error::KafkaStorageError("offsets exhausted (2^53)".into()));
            }
            let current = pending
                .iter()
                .rev()
                .find(|(p, _)| *p == h.producer_id)
                .map(|(_, e)| e)
                .or_else(|| self.producers.get(h.producer_id));
            let open = current.map_or(-1, |e| e.current_txn_first_offset);
            let marker = if h.is_control() {
                parse_marker(&bytes[b.position..b.position + b.size()], h)
            } else {
                None
            };
            if h.is_control() && open >= 0 && marker.is_some_and(|m| !m.commit) {
                let last_stable_offset = self.producers.last_stable_offset_after_with(
                    h.producer_id,
                    h.base_offset,
                    pending,
                );
                aborted.push(AbortedTxn {
                    producer_id: h.producer_id,
                    first_offset: open,
                    last_offset: h.base_offset,
                    last_stable_offset,
                });
            }
            if let Some(e) = replayed(current, h, marker.map(|m| m.coordinator_epoch)) {
                pending.push((h.producer_id, e));
            }
            let epoch = h.partition_leader_epoch;
            if epoch >= 0 && latest.is_none_or(|l| epoch > l) {
                new_epochs.push((epoch, h.base_offset));
                latest = Some(epoch);
            }
            appended.push(AppendedBatch {
                position: b.position,
                size: b.size(),
                last_offset: h.last_offset(),
                max_timestamp: h.max_timestamp,
            });
            records += h.records_count as i64;
            next = h.last_offset() + 1;
        }
        Ok((next, records))
    }
}
