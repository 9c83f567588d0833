//! Idempotent-producer state of one partition (rules learned from Kafka's
//! `ProducerStateManager` / `ProducerAppendInfo`).
//!
//! Per producer id: the current epoch and the metadata of the last
//! [`MAX_CACHED_BATCHES`] batches appended in that epoch, enough to spot a
//! retried batch (answered with its original offsets, nothing written) and
//! gaps or reordering; and its open transaction: a transactional batch opens
//! one at its first offset (or continues it), a transaction marker (control
//! batch) ends it. The partition's first unstable offset, from which the last
//! stable offset follows, is the first offset of its earliest open
//! transaction. Held in memory; written to a snapshot file (Kafka's format,
//! see [`crate::producer_snapshot`]) when a segment rolls and when the log
//! closes; rebuilt on open from the latest usable snapshot plus the batch
//! headers after it (or from the whole log without one). Producers with no
//! open transaction whose last write is older than
//! `producer.id.expiration.ms` are removed by [`ProducerStateManager::remove_expired`].

use crate::batch::BatchHeader;
use crate::error::{Error, Result};
use crate::producer_snapshot::SnapshotEntry;
use std::collections::{BTreeMap, HashMap};

/// Kafka keeps five: a producer has at most five requests in flight.
pub const MAX_CACHED_BATCHES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchMetadata {
    pub first_seq: i32,
    pub last_seq: i32,
    pub first_offset: i64,
    pub last_offset: i64,
    /// The batch's max timestamp as stored (log-append time when used).
    pub timestamp: i64,
}

/// State of one producer id. `Copy` so a tentative update costs no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerEntry {
    pub epoch: i16,
    batches: [BatchMetadata; MAX_CACHED_BATCHES],
    len: u8,
    /// Coordinator epoch of the last transaction marker (-1: none yet).
    pub coordinator_epoch: i32,
    /// First offset of the producer's open transaction, -1 when none.
    pub current_txn_first_offset: i64,
    /// Max timestamp of the last batch or marker.
    pub last_timestamp: i64,
    /// Offset of the last transaction marker, -1 when none (a truncation
    /// that cuts it off must rebuild the state).
    pub last_marker_offset: i64,
}

impl ProducerEntry {
    pub fn new(epoch: i16) -> Self {
        ProducerEntry {
            epoch,
            batches: [BatchMetadata::default(); MAX_CACHED_BATCHES],
            len: 0,
            coordinator_epoch: -1,
            current_txn_first_offset: -1,
            last_timestamp: -1,
            last_marker_offset: -1,
        }
    }

    /// The last offset written by the producer's data batches (-1: none cached).
    pub fn last_data_offset(&self) -> i64 {
        self.batches().last().map_or(-1, |b| b.last_offset)
    }

    /// Cached batches, oldest first.
    pub fn batches(&self) -> &[BatchMetadata] {
        &self.batches[..self.len as usize]
    }

    pub fn last_seq(&self) -> Option<i32> {
        self.batches().last().map(|b| b.last_seq)
    }

    /// Records a batch appended with `epoch`; a new epoch forgets the old batches.
    pub fn add(&mut self, epoch: i16, meta: BatchMetadata) {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.len = 0;
        }
        if self.len as usize == MAX_CACHED_BATCHES {
            self.batches.copy_within(1.., 0);
            self.len -= 1;
        }
        self.batches[self.len as usize] = meta;
        self.len += 1;
        self.last_timestamp = meta.timestamp;
    }

    /// A newer epoch forgets the cached batches (Kafka's `maybeUpdateProducerEpoch`).
    fn bump_epoch(&mut self, epoch: i16) {
        if epoch != self.epoch {
            self.epoch = epoch;
            self.len = 0;
        }
    }

    fn find(&self, first_seq: i32, last_seq: i32) -> Option<BatchMetadata> {
        self.batches()
            .iter()
            .find(|b| b.first_seq == first_seq && b.last_seq == last_seq)
            .copied()
    }
}

/// Outcome of checking one batch against the producer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqCheck {
    /// Append it; this is the producer's state afterwards.
    Append(ProducerEntry),
    /// A retry of a batch already in the log.
    Duplicate(BatchMetadata),
}

#[inline]
fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    next_seq as i64 == last_seq as i64 + 1 || (next_seq == 0 && last_seq == i32::MAX)
}

/// Checks a batch of producer `h.producer_id` that would get offsets
/// `[first_offset, last_offset]`, given the producer's state `current`.
pub fn check_batch(
    current: Option<&ProducerEntry>,
    h: &BatchHeader,
    first_offset: i64,
    last_offset: i64,
    timestamp: i64,
) -> Result<SeqCheck> {
    let meta = BatchMetadata {
        first_seq: h.base_sequence,
        last_seq: h.last_sequence(),
        first_offset,
        last_offset,
        timestamp,
    };
    let pid = h.producer_id;
    let epoch = h.producer_epoch;
    let Some(cur) = current else {
        // Never seen (or all its batches are gone). Current Kafka accepts any
        // sequence here: the state may have been lost to retention or
        // DeleteRecords, and refusing would wedge a live producer (KIP-360).
        let mut e = ProducerEntry::new(epoch);
        e.add(epoch, meta);
        if h.is_transactional() {
            e.current_txn_first_offset = first_offset;
        }
        return Ok(SeqCheck::Append(e));
    };
    if !h.is_transactional() && cur.current_txn_first_offset >= 0 {
        return Err(Error::InvalidTxnState(format!(
            "producer {pid} has a transaction open since offset {} and wrote a non-transactional batch",
            cur.current_txn_first_offset
        )));
    }
    if epoch < cur.epoch {
        return Err(Error::InvalidProducerEpoch(format!(
            "producer {pid} epoch {epoch} is older than the current epoch {}",
            cur.epoch
        )));
    }
    if epoch > cur.epoch {
        if h.base_sequence != 0 {
            return Err(Error::OutOfOrderSequenceNumber(format!(
                "producer {pid} new epoch {epoch} must start at sequence 0, got {}",
                h.base_sequence
            )));
        }
    } else {
        if let Some(dup) = cur.find(meta.first_seq, meta.last_seq) {
            return Ok(SeqCheck::Duplicate(dup));
        }
        if let Some(last) = cur.last_seq() {
            if !in_sequence(last, h.base_sequence) {
                return Err(Error::OutOfOrderSequenceNumber(format!(
                    "producer {pid} epoch {epoch}: sequence {} does not follow {last}",
                    h.base_sequence
                )));
            }
        }
    }
    let mut e = *cur;
    e.add(epoch, meta);
    if h.is_transactional() && e.current_txn_first_offset < 0 {
        e.current_txn_first_offset = first_offset;
    }
    Ok(SeqCheck::Append(e))
}

/// A transaction marker (COMMIT or ABORT control batch) for one producer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxnMarker {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub coordinator_epoch: i32,
    pub commit: bool,
}

/// The state of a producer after a marker at `offset` (Kafka's
/// `appendEndTxnMarker`), and the first offset of the transaction it ends
/// (None when none was open: the marker is written all the same).
/// `validate` is false for markers already in the log or copied from the
/// leader: then the epochs are taken as they are.
pub fn end_txn(
    current: Option<&ProducerEntry>,
    marker: &TxnMarker,
    offset: i64,
    timestamp: i64,
    validate: bool,
) -> Result<(ProducerEntry, Option<i64>)> {
    let pid = marker.producer_id;
    let mut e = current
        .copied()
        .unwrap_or_else(|| ProducerEntry::new(marker.producer_epoch));
    if validate {
        if marker.producer_epoch < e.epoch {
            return Err(Error::InvalidProducerEpoch(format!(
                "transaction marker for producer {pid} at epoch {} is older than the current epoch {}",
                marker.producer_epoch, e.epoch
            )));
        }
        if marker.coordinator_epoch < e.coordinator_epoch {
            return Err(Error::TransactionCoordinatorFenced(format!(
                "transaction marker for producer {pid} from coordinator epoch {} is older than {}",
                marker.coordinator_epoch, e.coordinator_epoch
            )));
        }
    }
    if marker.producer_epoch > e.epoch {
        e.bump_epoch(marker.producer_epoch);
    }
    let first = (e.current_txn_first_offset >= 0).then_some(e.current_txn_first_offset);
    e.current_txn_first_offset = -1;
    e.coordinator_epoch = marker.coordinator_epoch;
    e.last_timestamp = timestamp;
    e.last_marker_offset = offset;
    Ok((e, first))
}

/// All producers of a partition.
#[derive(Debug, Default)]
pub struct ProducerStateManager {
    producers: HashMap<i64, ProducerEntry>,
    /// Open transactions: first offset -> producer id.
    ongoing: BTreeMap<i64, i64>,
}

impl ProducerStateManager {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, producer_id: i64) -> Option<&ProducerEntry> {
        self.producers.get(&producer_id)
    }

    pub fn update(&mut self, producer_id: i64, entry: ProducerEntry) {
        let before = self
            .producers
            .insert(producer_id, entry)
            .map_or(-1, |e| e.current_txn_first_offset);
        if before != entry.current_txn_first_offset {
            if before >= 0 {
                self.ongoing.remove(&before);
            }
            if entry.current_txn_first_offset >= 0 {
                self.ongoing
                    .insert(entry.current_txn_first_offset, producer_id);
            }
        }
    }

    /// Every producer and its state (DescribeProducers).
    pub fn iter(&self) -> impl Iterator<Item = (&i64, &ProducerEntry)> {
        self.producers.iter()
    }

    /// The first offset of the earliest open transaction: what the last
    /// stable offset may not pass.
    pub fn first_unstable_offset(&self) -> Option<i64> {
        self.ongoing.keys().next().copied()
    }

    /// The last stable offset once producer `producer_id`'s transaction ends
    /// with a marker at `marker_offset` (Kafka: the earliest other open
    /// transaction's first offset, else the offset after the marker); the
    /// value an aborted-transaction index entry records.
    pub fn last_stable_offset_after(&self, producer_id: i64, marker_offset: i64) -> i64 {
        self.last_stable_offset_after_with(producer_id, marker_offset, &[])
    }

    /// `last_stable_offset_after` with the not yet committed states `pending`
    /// (latest last) of an append in progress taking precedence.
    pub fn last_stable_offset_after_with(
        &self,
        producer_id: i64,
        marker_offset: i64,
        pending: &[(i64, ProducerEntry)],
    ) -> i64 {
        let pending_first = |pid: i64| {
            pending
                .iter()
                .rev()
                .find(|(p, _)| *p == pid)
                .map(|(_, e)| e.current_txn_first_offset)
        };
        let committed = self
            .ongoing
            .iter()
            .filter(|(_, &p)| p != producer_id && pending_first(p).is_none())
            .map(|(&o, _)| o)
            .next();
        let in_append = pending
            .iter()
            .filter(|(p, _)| *p != producer_id)
            .filter_map(|(p, _)| pending_first(*p).filter(|&o| o >= 0))
            .min();
        match (committed, in_append) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => marker_offset + 1,
        }
    }

    pub fn len(&self) -> usize {
        self.producers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }

    /// Rebuild path: apply a batch already in the log, without validation
    /// (`coordinator_epoch`: a marker's, when it was read).
    /// For a control batch, returns the first offset of the transaction it
    /// ended (None when none was open).
    pub fn replay(&mut self, h: &BatchHeader, coordinator_epoch: Option<i32>) -> Option<i64> {
        let before = self
            .get(h.producer_id)
            .map_or(-1, |e| e.current_txn_first_offset);
        let e = replayed(self.get(h.producer_id), h, coordinator_epoch)?;
        self.update(h.producer_id, e);
        (h.is_control() && before >= 0).then_some(before)
    }

    /// Whether truncating the log at `offset` may change this state: some
    /// producer's cached batches, last marker or open transaction reach
    /// `offset`, or a producer's entry holds no batch (a control batch reset
    /// it, at an offset not kept). Otherwise
    /// every entry is exactly what it was when the log ended at `offset`.
    pub fn needs_rebuild_below(&self, offset: i64) -> bool {
        self.producers.values().any(|e| {
            e.batches().last().is_none_or(|b| b.last_offset >= offset)
                || e.last_marker_offset >= offset
                || e.current_txn_first_offset >= offset
        })
    }

    /// After a truncation at `offset`: the state `rebuilt` from the remaining
    /// log, except that producers whose entries lie wholly below `offset` keep
    /// theirs (it may remember batches that retention has since removed).
    pub fn truncate_with(&mut self, offset: i64, mut rebuilt: ProducerStateManager) {
        for (pid, mut e) in self.producers.drain() {
            if e.batches().last().is_some_and(|b| b.last_offset < offset) {
                if e.last_marker_offset >= offset {
                    // Its last marker was cut off: the transaction state is
                    // what the remaining log says.
                    let r = rebuilt.get(pid).copied();
                    e.current_txn_first_offset = r.map_or(-1, |r| r.current_txn_first_offset);
                    e.last_marker_offset = r.map_or(-1, |r| r.last_marker_offset);
                    e.coordinator_epoch = r.map_or(-1, |r| r.coordinator_epoch);
                }
                rebuilt.update(pid, e);
            }
        }
        *self = rebuilt;
    }

    pub fn clear(&mut self) {
        self.producers.clear();
        self.ongoing.clear();
    }

    /// Removes producers without an open transaction whose last write (max
    /// timestamp of their last batch or marker) is `expiration_ms` or more
    /// before `now_ms` (Kafka's `removeExpiredProducers`); returns how many.
    pub fn remove_expired(&mut self, now_ms: i64, expiration_ms: i64) -> usize {
        let before = self.producers.len();
        self.producers.retain(|_, e| {
            e.current_txn_first_offset >= 0
                || now_ms.saturating_sub(e.last_timestamp) < expiration_ms
        });
        before - self.producers.len()
    }

    /// The state as a snapshot stores it: per producer its epoch, last batch,
    /// coordinator epoch and open transaction; sorted by producer id.
    pub fn to_snapshot(&self) -> Vec<SnapshotEntry> {
        let mut out: Vec<SnapshotEntry> = self
            .producers
            .iter()
            .map(|(&pid, e)| {
                let last = e.batches().last();
                SnapshotEntry {
                    producer_id: pid,
                    epoch: e.epoch,
                    last_sequence: last.map_or(-1, |b| b.last_seq),
                    last_offset: last.map_or(-1, |b| b.last_offset),
                    offset_delta: last.map_or(0, |b| (b.last_offset - b.first_offset) as i32),
                    timestamp: e.last_timestamp,
                    coordinator_epoch: e.coordinator_epoch,
                    current_txn_first_offset: e.current_txn_first_offset,
                }
            })
            .collect();
        out.sort_unstable_by_key(|e| e.producer_id);
        out
    }

    /// The state a snapshot taken at `offset` describes. Only the last batch
    /// of each producer is known (a retry of it is still spotted). A producer
    /// that saw a marker gets `offset - 1` as its last marker offset, so that
    /// a truncation below the snapshot rebuilds it from the log.
    pub fn from_snapshot(entries: &[SnapshotEntry], offset: i64) -> Self {
        let mut m = ProducerStateManager::new();
        for s in entries {
            let mut e = ProducerEntry::new(s.epoch);
            if s.last_offset >= 0 {
                let delta = s.offset_delta.max(0);
                let first_seq = if s.last_sequence >= delta {
                    s.last_sequence - delta
                } else {
                    // Sequences wrap at i32::MAX to 0 (Kafka's decrementSequence).
                    (s.last_sequence as i64 - delta as i64 + i32::MAX as i64 + 1) as i32
                };
                e.add(
                    s.epoch,
                    BatchMetadata {
                        first_seq,
                        last_seq: s.last_sequence,
                        first_offset: s.last_offset - delta as i64,
                        last_offset: s.last_offset,
                        timestamp: s.timestamp,
                    },
                );
            }
            e.last_timestamp = s.timestamp;
            e.coordinator_epoch = s.coordinator_epoch;
            e.current_txn_first_offset = s.current_txn_first_offset;
            if s.coordinator_epoch >= 0 {
                e.last_marker_offset = offset - 1;
            }
            m.update(s.producer_id, e);
        }
        m
    }
}

/// The state of producer `h.producer_id` after a batch already in the log (or
/// copied from the leader, which validated it): no checks, the batch is
/// taken as the truth. `None` for a batch without a producer id.
/// `coordinator_epoch` is that of a marker, when its record was read.
pub fn replayed(
    current: Option<&ProducerEntry>,
    h: &BatchHeader,
    coordinator_epoch: Option<i32>,
) -> Option<ProducerEntry> {
    if !h.has_producer_id() {
        return None;
    }
    let mut entry = current
        .copied()
        .unwrap_or_else(|| ProducerEntry::new(h.producer_epoch));
    if h.is_control() {
        if h.producer_epoch > entry.epoch {
            entry.bump_epoch(h.producer_epoch);
        }
        entry.current_txn_first_offset = -1;
        entry.last_timestamp = h.max_timestamp;
        entry.last_marker_offset = h.base_offset;
        if let Some(c) = coordinator_epoch {
            entry.coordinator_epoch = c;
        }
        return Some(entry);
    }
    if h.is_transactional() && entry.current_txn_first_offset < 0 {
        entry.current_txn_first_offset = h.base_offset;
    }
    entry.add(
        h.producer_epoch,
        BatchMetadata {
            first_seq: h.base_sequence,
            last_seq: h.last_sequence(),
            first_offset: h.base_offset,
            last_offset: h.last_offset(),
            timestamp: h.max_timestamp,
        },
    );
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::builder::BatchBuilder;

    fn header(pid: i64, epoch: i16, seq: i32, n: usize) -> BatchHeader {
        BatchHeader::parse(
            &BatchBuilder::new()
                .producer(pid, epoch, seq)
                .records(n)
                .build(),
        )
        .unwrap()
    }

    fn apply(m: &mut ProducerStateManager, h: &BatchHeader, first: i64) -> Result<SeqCheck> {
        let last = first + h.last_offset_delta as i64;
        let r = check_batch(m.get(h.producer_id), h, first, last, 0)?;
        if let SeqCheck::Append(e) = r {
            m.update(h.producer_id, e);
        }
        Ok(r)
    }

    #[test]
    fn sequences_and_duplicates() {
        let mut m = ProducerStateManager::new();
        assert!(matches!(
            apply(&mut m, &header(1, 0, 0, 3), 0),
            Ok(SeqCheck::Append(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(1, 0, 3, 2), 3),
            Ok(SeqCheck::Append(_))
        ));
        match apply(&mut m, &header(1, 0, 0, 3), 5).unwrap() {
            SeqCheck::Duplicate(d) => assert_eq!((d.first_offset, d.last_offset), (0, 2)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            apply(&mut m, &header(1, 0, 6, 1), 5),
            Err(Error::OutOfOrderSequenceNumber(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(1, 0, 4, 1), 5),
            Err(Error::OutOfOrderSequenceNumber(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(1, 0, 5, 1), 5),
            Ok(SeqCheck::Append(_))
        ));
    }

    #[test]
    fn epochs() {
        let mut m = ProducerStateManager::new();
        apply(&mut m, &header(9, 3, 0, 1), 0).unwrap();
        assert!(matches!(
            apply(&mut m, &header(9, 2, 1, 1), 1),
            Err(Error::InvalidProducerEpoch(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(9, 4, 1, 1), 1),
            Err(Error::OutOfOrderSequenceNumber(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(9, 4, 0, 1), 1),
            Ok(SeqCheck::Append(_))
        ));
        assert_eq!(m.get(9).unwrap().epoch, 4);
        assert_eq!(m.get(9).unwrap().batches().len(), 1);
    }

    #[test]
    fn unknown_producer_accepts_any_sequence_like_kafka() {
        let mut m = ProducerStateManager::new();
        assert!(matches!(
            apply(&mut m, &header(5, 0, 17, 1), 0),
            Ok(SeqCheck::Append(_))
        ));
        assert!(matches!(
            apply(&mut m, &header(5, 0, 18, 1), 1),
            Ok(SeqCheck::Append(_))
        ));
    }

    #[test]
    fn keeps_last_five_and_wraps() {
        let mut e = ProducerEntry::new(0);
        for i in 0..7 {
            e.add(
                0,
                BatchMetadata {
                    first_seq: i,
                    last_seq: i,
                    first_offset: i as i64,
                    last_offset: i as i64,
                    timestamp: 0,
                },
            );
        }
        assert_eq!(e.batches().len(), 5);
        assert_eq!(e.batches()[0].first_seq, 2);
        assert!(in_sequence(i32::MAX, 0));
        assert!(!in_sequence(i32::MAX, 1));
    }

    fn txn_header(pid: i64, epoch: i16, seq: i32, n: usize, base: i64) -> BatchHeader {
        let mut h = BatchHeader::parse(
            &BatchBuilder::new()
                .producer(pid, epoch, seq)
                .attributes(crate::batch::TRANSACTIONAL_MASK)
                .records(n)
                .build(),
        )
        .unwrap();
        h.base_offset = base;
        h
    }

    fn marker(pid: i64, epoch: i16, coordinator_epoch: i32) -> TxnMarker {
        TxnMarker {
            producer_id: pid,
            producer_epoch: epoch,
            coordinator_epoch,
            commit: true,
        }
    }

    #[test]
    fn transactions_open_continue_and_end() {
        let mut m = ProducerStateManager::new();
        assert_eq!(m.first_unstable_offset(), None);
        apply(&mut m, &txn_header(1, 0, 0, 2, 10), 10).unwrap();
        apply(&mut m, &txn_header(2, 0, 0, 1, 12), 12).unwrap();
        apply(&mut m, &txn_header(1, 0, 2, 1, 13), 13).unwrap();
        assert_eq!(m.get(1).unwrap().current_txn_first_offset, 10);
        assert_eq!(m.first_unstable_offset(), Some(10));
        // Once producer 1 ends, producer 2's first offset is the stable bound.
        assert_eq!(m.last_stable_offset_after(1, 14), 12);
        assert_eq!(m.last_stable_offset_after(2, 14), 10);
        let (e, first) = end_txn(m.get(1), &marker(1, 0, 0), 14, 0, true).unwrap();
        assert_eq!(first, Some(10));
        m.update(1, e);
        assert_eq!(m.first_unstable_offset(), Some(12));
        assert_eq!(m.last_stable_offset_after(2, 15), 16);
        let (e, first) = end_txn(m.get(2), &marker(2, 0, 0), 15, 0, true).unwrap();
        m.update(2, e);
        assert_eq!((first, m.first_unstable_offset()), (Some(12), None));
        // A retried marker ends nothing.
        assert_eq!(
            end_txn(m.get(2), &marker(2, 0, 0), 16, 0, true).unwrap().1,
            None
        );
    }

    #[test]
    fn markers_check_epochs_and_non_transactional_writes_are_refused_mid_transaction() {
        let mut m = ProducerStateManager::new();
        apply(&mut m, &txn_header(3, 2, 0, 1, 0), 0).unwrap();
        assert!(matches!(
            apply(&mut m, &header(3, 2, 1, 1), 1),
            Err(Error::InvalidTxnState(_))
        ));
        assert!(matches!(
            end_txn(m.get(3), &marker(3, 1, 0), 1, 0, true),
            Err(Error::InvalidProducerEpoch(_))
        ));
        let (e, _) = end_txn(m.get(3), &marker(3, 2, 5), 1, 0, true).unwrap();
        m.update(3, e);
        assert!(matches!(
            end_txn(m.get(3), &marker(3, 2, 4), 2, 0, true),
            Err(Error::TransactionCoordinatorFenced(_))
        ));
        // Replication takes what the leader wrote.
        assert!(end_txn(m.get(3), &marker(3, 1, 4), 2, 0, false).is_ok());
        // A newer epoch in a marker forgets the old epoch's batches.
        let (e, _) = end_txn(m.get(3), &marker(3, 3, 5), 2, 0, true).unwrap();
        assert_eq!(
            (e.epoch, e.batches().len(), e.last_marker_offset),
            (3, 0, 2)
        );
    }

    #[test]
    fn replay_tracks_transactions_and_truncation_reopens_them() {
        let mut m = ProducerStateManager::new();
        assert_eq!(m.replay(&txn_header(4, 0, 0, 2, 0), None), None);
        let mut ctl = txn_header(4, 0, -1, 1, 2);
        ctl.attributes |= crate::batch::CONTROL_MASK;
        assert_eq!(m.replay(&ctl, Some(3)), Some(0));
        assert_eq!(m.first_unstable_offset(), None);
        assert_eq!(m.get(4).unwrap().coordinator_epoch, 3);
        assert!(m.needs_rebuild_below(2), "the marker at 2 would be cut");
        let mut rebuilt = ProducerStateManager::new();
        rebuilt.replay(&txn_header(4, 0, 0, 2, 0), None);
        m.truncate_with(2, rebuilt);
        assert_eq!(m.first_unstable_offset(), Some(0));
        assert_eq!(m.get(4).unwrap().last_marker_offset, -1);
    }

    #[test]
    fn replay_rebuilds() {
        let mut m = ProducerStateManager::new();
        let mut h = header(3, 1, 0, 2);
        m.replay(&h, None);
        h.base_offset = 2;
        h.base_sequence = 2;
        m.replay(&h, None);
        let e = m.get(3).unwrap();
        assert_eq!(e.last_seq(), Some(3));
        assert_eq!(e.batches()[1].first_offset, 2);
    }
}
