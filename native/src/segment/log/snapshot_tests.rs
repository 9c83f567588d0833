//! Producer snapshots in the log: written on roll and close, loaded on open
//! (segments below them opened from their indexes), dropped when corrupt or
//! beyond the log end, and used by truncation; producer-id expiration.

use super::*;
use crate::batch::builder::BatchBuilder;
use crate::batch::TRANSACTIONAL_MASK;
use crate::producer_snapshot;
use crate::test_util::TempDir;

fn config(recovery_point: i64) -> LogConfig {
    LogConfig {
        segment_bytes: 700,
        segment_ms: 0,
        index_interval_bytes: 150,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point,
    }
}

fn opts(leader_epoch: i32, now_ms: i64) -> AppendOptions {
    AppendOptions {
        leader_epoch,
        now_ms,
        log_append_time: false,
        compression: None,
    }
}

fn batch(pid: i64, seq: i32, n: usize, ts: i64) -> Vec<u8> {
    BatchBuilder::new()
        .producer(pid, 0, seq)
        .base_timestamp(ts)
        .sized_records(n, 30)
        .build()
}

fn txn_batch(pid: i64, seq: i32, n: usize, ts: i64) -> Vec<u8> {
    BatchBuilder::new()
        .producer(pid, 0, seq)
        .attributes(TRANSACTIONAL_MASK)
        .base_timestamp(ts)
        .sized_records(n, 30)
        .build()
}

fn marker(pid: i64, commit: bool) -> TxnMarker {
    TxnMarker {
        producer_id: pid,
        producer_epoch: 0,
        coordinator_epoch: 2,
        commit,
    }
}

/// Idempotent and transactional producers over many segments and two leader
/// epochs; producer 3's transaction is still open at the end.
fn build(dir: &TempDir) -> Log {
    let mut log = Log::open(dir.path(), config(0)).unwrap();
    let mut seq1 = 0;
    for round in 0..6i64 {
        let epoch = if round < 3 { 0 } else { 1 };
        let o = opts(epoch, 1_000 + round);
        let ts = 1_000 + round * 10;
        log.append(&mut batch(1, seq1, 2, ts), &o).unwrap();
        seq1 += 2;
        log.append(&mut txn_batch(2, 2 * round as i32, 2, ts), &o)
            .unwrap();
        log.append_marker(&marker(2, round % 2 == 0), &o).unwrap();
        if round == 2 {
            log.append(&mut txn_batch(3, 0, 1, ts), &o).unwrap();
        }
        if round == 4 {
            log.append(&mut txn_batch(3, 1, 1, ts + 1), &o).unwrap();
            log.append(&mut txn_batch(4, 0, 1, ts + 2), &o).unwrap();
            log.append_marker(&marker(4, false), &o).unwrap();
        }
    }
    log
}

/// What open must reproduce, whichever way it got there.
#[derive(Debug, PartialEq)]
struct View {
    producers: Vec<producer_snapshot::SnapshotEntry>,
    first_unstable: Option<i64>,
    aborted: Vec<AbortedTxn>,
    epochs: Vec<(i32, i64)>,
    end: i64,
    segments: Vec<(i64, i64, i64, i64)>,
}

fn view(log: &Log) -> View {
    View {
        producers: log.producers().to_snapshot(),
        first_unstable: log.first_unstable_offset(),
        aborted: log.aborted_txns(0, i64::MAX),
        epochs: log.leader_epochs().to_vec(),
        end: log.log_end_offset(),
        segments: log
            .segments()
            .iter()
            .map(|s| {
                (
                    s.base_offset,
                    s.next_offset,
                    s.max_timestamp,
                    s.offset_of_max_timestamp,
                )
            })
            .collect(),
    }
}

/// The state after a full scan (every snapshot removed first).
fn full_scan_view(dir: &TempDir) -> View {
    let saved: Vec<(i64, Vec<u8>)> = producer_snapshot::list(dir.path())
        .unwrap()
        .into_iter()
        .map(|o| {
            let p = producer_snapshot::snapshot_path(dir.path(), o);
            let b = std::fs::read(&p).unwrap();
            std::fs::remove_file(p).unwrap();
            (o, b)
        })
        .collect();
    let log = Log::open(dir.path(), config(0)).unwrap();
    assert_eq!(log.open_stats(), (None, 0));
    let v = view(&log);
    drop(log);
    for (o, b) in saved {
        std::fs::write(producer_snapshot::snapshot_path(dir.path(), o), b).unwrap();
    }
    v
}

#[test]
fn roll_and_close_write_snapshots_and_open_from_them_equals_a_full_scan() {
    let dir = TempDir::new("snap-open");
    let log = build(&dir);
    let segments = log.segment_count();
    assert!(segments >= 4, "{segments} segments");
    let before = view(&log);
    let p3 = before
        .producers
        .iter()
        .find(|p| p.producer_id == 3)
        .unwrap();
    assert_eq!(before.first_unstable, Some(p3.current_txn_first_offset));
    let bases: Vec<i64> = log.segments()[1..].iter().map(|s| s.base_offset).collect();
    assert_eq!(
        producer_snapshot::list(dir.path()).unwrap(),
        bases,
        "one per roll"
    );
    let end = log.log_end_offset();
    log.close().unwrap();
    let mut want = bases.clone();
    want.push(end);
    assert_eq!(
        producer_snapshot::list(dir.path()).unwrap(),
        want,
        "and one on close"
    );

    let full = full_scan_view(&dir);
    assert_eq!(full, before);
    let log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.open_stats(), (Some(end), segments - 1));
    assert_eq!(view(&log), before);
    drop(log);
    // Recovery point below the last snapshots: the latest one at or below it.
    let rp = bases[1];
    let log = Log::open(dir.path(), config(rp)).unwrap();
    assert_eq!(log.open_stats(), (Some(rp), 2));
    assert_eq!(view(&log), before);
}

#[test]
fn a_retry_is_still_a_duplicate_and_a_transaction_still_open_after_reopen() {
    let dir = TempDir::new("snap-dup");
    let mut log = build(&dir);
    let o = opts(1, 2_000);
    let r = log.append(&mut batch(1, 12, 3, 1_100), &o).unwrap();
    let end = log.log_end_offset();
    log.close().unwrap();
    let mut log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.open_stats().0, Some(end));
    let again = log.append(&mut batch(1, 12, 3, 1_100), &o).unwrap();
    assert!(again.duplicate);
    assert_eq!(
        (again.base_offset, again.last_offset),
        (r.base_offset, r.last_offset)
    );
    assert!(matches!(
        log.append(&mut batch(1, 20, 1, 1_100), &o),
        Err(Error::OutOfOrderSequenceNumber(_))
    ));
    let open = log.first_unstable_offset().unwrap();
    // Producer 3 continues its transaction, then commits it.
    log.append(&mut txn_batch(3, 2, 1, 1_200), &o).unwrap();
    assert_eq!(log.first_unstable_offset(), Some(open));
    log.append_marker(&marker(3, true), &o).unwrap();
    assert_eq!(log.first_unstable_offset(), None);
}

#[test]
fn corrupt_and_too_new_snapshots_are_deleted() {
    let dir = TempDir::new("snap-corrupt");
    let log = build(&dir);
    let before = view(&log);
    let end = log.log_end_offset();
    let last_roll = log.active().base_offset;
    log.close().unwrap();
    // Flip a byte of the close snapshot: the roll snapshot before it is used.
    let p = producer_snapshot::snapshot_path(dir.path(), end);
    let mut b = std::fs::read(&p).unwrap();
    let n = b.len();
    b[n - 5] ^= 0xff;
    std::fs::write(&p, &b).unwrap();
    let log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.open_stats().0, Some(last_roll));
    assert!(!p.exists(), "corrupt snapshot deleted");
    assert_eq!(view(&log), before);
    drop(log);
    // A snapshot beyond the log end (its segments were lost): not trusted.
    let fake = producer_snapshot::snapshot_path(dir.path(), end + 100);
    std::fs::copy(
        producer_snapshot::snapshot_path(dir.path(), last_roll),
        &fake,
    )
    .unwrap();
    let log = Log::open(dir.path(), config(end + 100)).unwrap();
    assert_eq!(log.open_stats(), (None, 0));
    assert!(!fake.exists());
    assert_eq!(view(&log), before);
}

#[test]
fn truncation_deletes_snapshots_above_and_rebuilds_the_state() {
    let dir = TempDir::new("snap-trunc");
    let mut log = build(&dir);
    // Cut at producer 2's second ABORT marker: its transaction is open again.
    let abort = log.aborted_txns(0, i64::MAX)[1];
    assert_eq!(abort.producer_id, 2);
    let cut = abort.last_offset;
    let segments = log.segment_count();
    log.truncate_to(cut).unwrap();
    assert!(log.segment_count() < segments, "segments were deleted");
    let left = producer_snapshot::list(dir.path()).unwrap();
    assert!(left.iter().all(|&o| o <= cut), "{left:?}");
    assert!(!left.is_empty());
    let after = view(&log);
    let p2 = after.producers.iter().find(|p| p.producer_id == 2).unwrap();
    assert_eq!(p2.current_txn_first_offset, abort.first_offset);
    let open = after.producers.iter().map(|p| p.current_txn_first_offset);
    assert_eq!(log.first_unstable_offset(), open.filter(|&o| o >= 0).min());
    drop(log);
    assert_eq!(full_scan_view(&dir).producers, after.producers);
    assert_eq!(full_scan_view(&dir).first_unstable, after.first_unstable);
}

#[test]
fn truncation_below_a_marker_the_snapshot_holds_reopens_the_transaction() {
    let dir = TempDir::new("snap-trunc-marker");
    let mut log = Log::open(dir.path(), config(0)).unwrap();
    let o = opts(0, 1_000);
    log.append(&mut txn_batch(7, 0, 1, 1_000), &o).unwrap(); // 0
    log.append_marker(&marker(7, true), &o).unwrap(); // 1
    log.roll().unwrap(); // snapshot at 2: producer 7 has no open transaction
    log.append(&mut batch(8, 0, 1, 1_000), &o).unwrap(); // 2
    let end = log.log_end_offset();
    log.close().unwrap();
    let mut log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.open_stats().0, Some(end));
    log.truncate_to(1).unwrap();
    assert_eq!(log.first_unstable_offset(), Some(0));
    assert_eq!(
        producer_snapshot::list(dir.path()).unwrap(),
        Vec::<i64>::new()
    );
    // Reopened, the producer's transaction is still open.
    let end = log.log_end_offset();
    log.close().unwrap();
    let log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.open_stats().0, Some(end));
    assert_eq!(log.first_unstable_offset(), Some(0));
}

#[test]
fn retention_deletes_snapshots_below_the_log_start() {
    let dir = TempDir::new("snap-retention");
    let mut log = build(&dir);
    let third = log.segments()[2].base_offset;
    log.delete_records_before(third).unwrap();
    assert!(producer_snapshot::list(dir.path())
        .unwrap()
        .iter()
        .all(|&o| o >= third));
}

#[test]
fn expired_producers_go_and_come_back_with_any_sequence() {
    let dir = TempDir::new("snap-expire");
    let mut log = Log::open(dir.path(), config(0)).unwrap();
    let o = opts(0, 10_000);
    log.append(&mut batch(1, 0, 2, 10_000), &o).unwrap();
    log.append(&mut txn_batch(2, 0, 1, 10_000), &o).unwrap();
    log.append(&mut batch(5, 0, 1, 19_000), &o).unwrap();
    // Producer 1 is 10 s old, 5 is 1 s old, 2 has an open transaction.
    assert_eq!(log.remove_expired_producers(20_000, 5_000), 1);
    assert!(log.producers().get(1).is_none());
    assert!(log.producers().get(2).is_some());
    assert!(log.producers().get(5).is_some());
    // Kafka accepts any sequence from a producer it does not know.
    let r = log.append(&mut batch(1, 7, 1, 20_000), &o).unwrap();
    assert!(!r.duplicate);
    assert!(matches!(
        log.append(&mut batch(1, 9, 1, 20_000), &o),
        Err(Error::OutOfOrderSequenceNumber(_))
    ));
    // Nor does a snapshot bring it back: close writes what is in memory.
    assert_eq!(log.remove_expired_producers(40_000, 5_000), 2);
    let end = log.log_end_offset();
    log.close().unwrap();
    let log = Log::open(dir.path(), config(end)).unwrap();
    assert_eq!(log.producers().len(), 1);
    assert!(log.producers().get(2).is_some());
}
