//! Transactions in the log: markers end a producer's transaction, the first
//! unstable offset, the `.txnindex` (appended, recovered, truncated, deleted
//! with its segment) and a follower's copy of markers.

use super::*;
use crate::batch::builder::BatchBuilder;
use crate::batch::TRANSACTIONAL_MASK;
use crate::index::txn_index::{AbortedTxn, ENTRY_SIZE};
use crate::test_util::TempDir;

fn config(segment_bytes: i64) -> LogConfig {
    LogConfig {
        segment_bytes,
        segment_ms: 0,
        index_interval_bytes: 4096,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point: 0,
    }
}

fn opts() -> AppendOptions {
    AppendOptions {
        leader_epoch: 0,
        now_ms: 1_000,
        log_append_time: false,
        compression: None,
    }
}

fn txn_batch(pid: i64, epoch: i16, seq: i32, n: usize) -> Vec<u8> {
    BatchBuilder::new()
        .producer(pid, epoch, seq)
        .attributes(TRANSACTIONAL_MASK)
        .sized_records(n, 20)
        .build()
}

fn marker(pid: i64, epoch: i16, commit: bool) -> TxnMarker {
    TxnMarker {
        producer_id: pid,
        producer_epoch: epoch,
        coordinator_epoch: 0,
        commit,
    }
}

fn aborted(pid: i64, first: i64, last: i64, lso: i64) -> AbortedTxn {
    AbortedTxn {
        producer_id: pid,
        first_offset: first,
        last_offset: last,
        last_stable_offset: lso,
    }
}

fn txn_index_path(dir: &TempDir, base: i64) -> PathBuf {
    dir.path().join(format!("{base:020}.txnindex"))
}

#[test]
fn markers_move_the_first_unstable_offset_and_index_aborts() {
    let dir = TempDir::new("txn-log");
    let mut log = Log::open(dir.path(), config(1 << 30)).unwrap();
    log.append(&mut txn_batch(1, 0, 0, 2), &opts()).unwrap(); // 0-1
    log.append(&mut txn_batch(2, 0, 0, 1), &opts()).unwrap(); // 2
    assert_eq!(log.first_unstable_offset(), Some(0));
    let r = log.append_marker(&marker(1, 0, false), &opts()).unwrap(); // 3
    assert_eq!((r.base_offset, r.last_offset, r.record_count), (3, 3, 1));
    assert_eq!(log.first_unstable_offset(), Some(2));
    // Producer 2 is still open at 2: that is the last stable offset recorded.
    assert_eq!(log.aborted_txns(0, 10), vec![aborted(1, 0, 3, 2)]);
    // A fetch's bound is the end of what it returns.
    let loc = log.locate(0, 1, i64::MAX, true).unwrap();
    assert_eq!(loc.next_offset, 2, "one whole batch: offsets 0-1");
    assert_eq!(log.locate(2, 1 << 20, 3, true).unwrap().next_offset, 3);
    assert_eq!(
        log.locate(4, 1 << 20, 3, true).unwrap().next_offset,
        4,
        "nothing located"
    );
    log.append_marker(&marker(2, 0, true), &opts()).unwrap(); // 4
    assert_eq!(log.first_unstable_offset(), None);
    assert_eq!(log.log_end_offset(), 5);
    let bytes = std::fs::read(txn_index_path(&dir, 0)).unwrap();
    assert_eq!(bytes.len(), ENTRY_SIZE);
    assert_eq!(AbortedTxn::decode(&bytes), Some(aborted(1, 0, 3, 2)));
    // The control batches read back as such.
    let loc = log.locate(3, 1 << 20, i64::MAX, true).unwrap();
    let read = loc.slice.unwrap().read().unwrap();
    let h = BatchHeader::parse(&read).unwrap();
    assert!(h.is_control() && h.is_transactional());
    let m = crate::batch::control::parse_marker(&read[..h.size() as usize], &h).unwrap();
    assert!(!m.commit);
    log.close().unwrap();

    let log = Log::open(dir.path(), config(1 << 30)).unwrap();
    assert_eq!(log.first_unstable_offset(), None);
    assert_eq!(log.aborted_txns(0, 10), vec![aborted(1, 0, 3, 2)]);
}

#[test]
fn stale_markers_are_refused_and_retries_are_written() {
    let dir = TempDir::new("txn-fence");
    let mut log = Log::open(dir.path(), config(1 << 30)).unwrap();
    log.append(&mut txn_batch(5, 3, 0, 1), &opts()).unwrap();
    assert!(matches!(
        log.append_marker(&marker(5, 2, true), &opts()),
        Err(Error::InvalidProducerEpoch(_))
    ));
    let fenced = TxnMarker {
        coordinator_epoch: 4,
        ..marker(5, 3, true)
    };
    log.append_marker(&fenced, &opts()).unwrap();
    assert!(matches!(
        log.append_marker(&marker(5, 3, true), &opts()),
        Err(Error::TransactionCoordinatorFenced(_))
    ));
    // A retry from the same coordinator: written again, nothing indexed.
    log.append_marker(&fenced, &opts()).unwrap();
    assert_eq!(log.log_end_offset(), 3);
    assert!(log.aborted_txns(0, 10).is_empty());
    // A marker with a newer epoch bumps the producer's epoch.
    let bumped = TxnMarker {
        coordinator_epoch: 4,
        ..marker(5, 4, false)
    };
    log.append_marker(&bumped, &opts()).unwrap();
    assert_eq!(log.producers().get(5).unwrap().epoch, 4);
    assert!(matches!(
        log.append(&mut txn_batch(5, 3, 1, 1), &opts()),
        Err(Error::InvalidProducerEpoch(_))
    ));
}

#[test]
fn an_open_transaction_is_recovered_and_the_index_rebuilt() {
    let dir = TempDir::new("txn-recover");
    let mut log = Log::open(dir.path(), config(1 << 30)).unwrap();
    log.append(&mut txn_batch(7, 0, 0, 2), &opts()).unwrap(); // 0-1
    log.append_marker(&marker(7, 0, false), &opts()).unwrap(); // 2
    log.append(&mut txn_batch(7, 0, 2, 1), &opts()).unwrap(); // 3: a new transaction
    drop(log); // no clean close
    std::fs::remove_file(txn_index_path(&dir, 0)).unwrap();
    let log = Log::open(dir.path(), config(1 << 30)).unwrap();
    assert_eq!(log.first_unstable_offset(), Some(3));
    assert_eq!(log.aborted_txns(0, 10), vec![aborted(7, 0, 2, 3)]);
    assert!(txn_index_path(&dir, 0).exists());
    // A stale index entry (no such marker in the log) is dropped by recovery too.
    log.close().unwrap();
    let mut extra = std::fs::read(txn_index_path(&dir, 0)).unwrap();
    aborted(8, 0, 1, 2).encode(&mut extra);
    std::fs::write(txn_index_path(&dir, 0), extra).unwrap();
    let log = Log::open(dir.path(), config(1 << 30)).unwrap();
    assert_eq!(log.aborted_txns(0, 10), vec![aborted(7, 0, 2, 3)]);
}

#[test]
fn truncation_reopens_a_transaction_whose_marker_it_cut() {
    let dir = TempDir::new("txn-truncate");
    let mut log = Log::open(dir.path(), config(1 << 30)).unwrap();
    log.append(&mut txn_batch(9, 0, 0, 1), &opts()).unwrap(); // 0
    log.append(&mut BatchBuilder::new().records(1).build(), &opts())
        .unwrap(); // 1
    log.append_marker(&marker(9, 0, false), &opts()).unwrap(); // 2
    assert_eq!(log.first_unstable_offset(), None);
    assert_eq!(log.aborted_txns(0, 10).len(), 1);
    log.truncate_to(2).unwrap();
    assert_eq!(log.first_unstable_offset(), Some(0));
    assert!(log.aborted_txns(0, 10).is_empty());
    assert!(!txn_index_path(&dir, 0).exists());
}

#[test]
fn retention_deletes_the_index_with_its_segment() {
    let dir = TempDir::new("txn-retention");
    let mut log = Log::open(dir.path(), config(200)).unwrap();
    log.append(&mut txn_batch(3, 0, 0, 2), &opts()).unwrap();
    log.append_marker(&marker(3, 0, false), &opts()).unwrap();
    let base = log
        .segments()
        .iter()
        .rev()
        .find(|s| !s.txn_index.entries().is_empty())
        .unwrap()
        .base_offset;
    assert!(txn_index_path(&dir, base).exists());
    for _ in 0..4 {
        log.append(
            &mut BatchBuilder::new().sized_records(2, 100).build(),
            &opts(),
        )
        .unwrap();
    }
    let policy = RetentionPolicy {
        retention_ms: 0,
        retention_bytes: -1,
        delete_enabled: true,
    };
    log.enforce_retention(i64::MAX / 2, &policy).unwrap();
    retention::wait_for_deletions();
    assert!(log.segments()[0].base_offset > base);
    assert!(!txn_index_path(&dir, base).exists());
    assert!(log.aborted_txns(0, 100).is_empty());
}

#[test]
fn a_follower_copies_markers_and_indexes_aborts() {
    let leader_dir = TempDir::new("txn-leader");
    let follower_dir = TempDir::new("txn-follower");
    let mut leader = Log::open(leader_dir.path(), config(1 << 30)).unwrap();
    leader.append(&mut txn_batch(4, 1, 0, 3), &opts()).unwrap(); // 0-2
    leader.append(&mut txn_batch(6, 0, 0, 1), &opts()).unwrap(); // 3
    leader.append_marker(&marker(4, 1, false), &opts()).unwrap(); // 4
    let bytes = leader
        .locate(0, 1 << 20, i64::MAX, true)
        .unwrap()
        .slice
        .unwrap()
        .read()
        .unwrap();
    let mut follower = Log::open(follower_dir.path(), config(1 << 30)).unwrap();
    follower.append_as_follower(&bytes, 1_000).unwrap();
    assert_eq!(follower.log_end_offset(), 5);
    assert_eq!(follower.first_unstable_offset(), Some(3));
    assert_eq!(follower.aborted_txns(0, 10), leader.aborted_txns(0, 10));
    assert_eq!(
        std::fs::read(follower_dir.path().join("00000000000000000000.txnindex")).unwrap(),
        std::fs::read(leader_dir.path().join("00000000000000000000.txnindex")).unwrap()
    );
}
