//! The log operations replication needs: a follower's append of its leader's
//! batches, truncation (to an offset, or fully to start again), and the
//! epoch answers a follower truncates by.

use super::*;
use crate::batch::builder::BatchBuilder;
use crate::batch::{CONTROL_MASK, TRANSACTIONAL_MASK};
use crate::leader_epoch::FILE_NAME as EPOCH_FILE;
use crate::test_util::TempDir;
use std::collections::BTreeMap;

fn config(segment_bytes: i64, index_interval_bytes: i64) -> LogConfig {
    LogConfig {
        segment_bytes,
        segment_ms: 0,
        index_interval_bytes,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point: 0,
    }
}

fn opts(epoch: i32, now: i64) -> AppendOptions {
    AppendOptions {
        leader_epoch: epoch,
        now_ms: now,
        log_append_time: false,
        compression: None,
    }
}

/// A batch of `n` records with timestamps from `ts`, optionally idempotent.
fn batch(n: usize, ts: i64, producer: Option<(i64, i16, i32)>) -> Vec<u8> {
    let mut b = BatchBuilder::new().base_timestamp(ts).sized_records(n, 20);
    if let Some((pid, epoch, seq)) = producer {
        b = b.producer(pid, epoch, seq);
    }
    b.build()
}

/// Every file of the partition directory by name (segments, indexes, checkpoint).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The log's `.log` bytes, all segments in order.
fn log_bytes(log: &Log) -> Vec<u8> {
    let mut out = Vec::new();
    for s in log.segments() {
        let mut b = vec![0u8; s.size as usize];
        s.log.read_exact_at(&mut b, 0).unwrap();
        out.extend(b);
    }
    out
}

/// Copies the leader's log into the follower from the follower's log end,
/// the way a replica fetcher does: whole batches, one segment per read.
fn replicate(leader: &Log, follower: &mut Log, max_bytes: i64) {
    for _ in 0..10_000 {
        let from = follower.log_end_offset();
        if from >= leader.log_end_offset() {
            return;
        }
        let loc = leader.locate(from, max_bytes, i64::MAX, true).unwrap();
        let bytes = loc.slice.unwrap().read().unwrap();
        let r = follower.append_as_follower(&bytes, 0).unwrap();
        assert!(r.base_offset >= from);
        assert_eq!(r.log_append_time, -1);
    }
    panic!("replication did not finish");
}

fn producer_state(log: &Log, pids: &[i64]) -> Vec<Option<ProducerEntry>> {
    pids.iter()
        .map(|p| log.producers().get(*p).copied())
        .collect()
}

/// What a reader of the log sees: every batch, every lookup by offset and time.
fn assert_same_view(a: &Log, b: &Log, pids: &[i64]) {
    assert_eq!(a.log_end_offset(), b.log_end_offset(), "log end offset");
    assert_eq!(a.high_watermark(), b.high_watermark(), "high watermark");
    assert_eq!(log_bytes(a), log_bytes(b), "stored bytes");
    assert_eq!(a.leader_epochs(), b.leader_epochs(), "leader epochs");
    assert_eq!(
        producer_state(a, pids),
        producer_state(b, pids),
        "producers"
    );
    for off in a.log_start_offset().max(b.log_start_offset())..a.log_end_offset() {
        let read = |l: &Log| {
            l.locate(off, 1 << 20, i64::MAX, false)
                .unwrap()
                .slice
                .unwrap()
                .read()
                .unwrap()
        };
        let (x, y) = (read(a), read(b));
        let first = |v: &[u8]| v[..BatchHeader::parse(v).unwrap().size() as usize].to_vec();
        assert_eq!(first(&x), first(&y), "batch at offset {off}");
    }
    for ts in 0..200 {
        assert_eq!(
            a.offset_for_timestamp(ts * 10).unwrap(),
            b.offset_for_timestamp(ts * 10).unwrap(),
            "offset for timestamp {}",
            ts * 10
        );
    }
    assert_eq!(a.max_timestamp().unwrap(), b.max_timestamp().unwrap());
}

/// The active segment's figures an append continues from.
fn assert_same_active(a: &Log, b: &Log) {
    assert_same_segment(a.active(), b.active());
}

/// The figures of the segments holding the last record (a truncation at a
/// segment's base leaves that segment empty and active, as Kafka does).
fn assert_same_last_segment(a: &Log, b: &Log) {
    assert_same_segment(last_segment(a), last_segment(b));
}

fn last_segment(l: &Log) -> &Segment {
    let end = l.log_end_offset();
    let i = l.segments().partition_point(|s| s.base_offset < end);
    &l.segments()[i.saturating_sub(1)]
}

fn assert_same_segment(x: &Segment, y: &Segment) {
    assert_eq!(x.base_offset, y.base_offset);
    assert_eq!(x.size, y.size);
    assert_eq!(x.next_offset, y.next_offset);
    assert_eq!(x.max_timestamp, y.max_timestamp);
    assert_eq!(x.offset_of_max_timestamp, y.offset_of_max_timestamp);
    assert_eq!(x.bytes_since_last_index, y.bytes_since_last_index);
    assert_eq!(x.offset_index.entries(), y.offset_index.entries());
}

/// The leader's appends of the replication tests: plain and idempotent
/// batches, three leader epochs, a compressed batch, a multi-batch append,
/// log-append time, with timestamps that rise and fall.
fn leader_appends() -> Vec<(Vec<u8>, AppendOptions)> {
    let mut v = Vec::new();
    let mut seq = 0;
    for i in 0..12i64 {
        let epoch = if i < 4 {
            0
        } else if i < 9 {
            1
        } else {
            3
        };
        let ts = 100 + (i * 37) % 90 * 10;
        let b = if i % 3 == 1 {
            let b = batch(3, ts, Some((7, 0, seq)));
            seq += 3;
            b
        } else {
            batch(2 + (i as usize % 2), ts, None)
        };
        v.push((b, opts(epoch, 5_000 + i)));
    }
    let mut two = batch(2, 400, Some((7, 0, seq)));
    two.extend(batch(1, 1_500, Some((8, 2, 0))));
    v.push((two, opts(3, 6_000)));
    v.push((
        BatchBuilder::new()
            .base_timestamp(900)
            .sized_records(4, 30)
            .compression(3)
            .build(),
        opts(3, 6_001),
    ));
    v.push((
        batch(2, 50, None),
        AppendOptions {
            log_append_time: true,
            ..opts(3, 1_234)
        },
    ));
    v
}

fn append_all(log: &mut Log, appends: &[(Vec<u8>, AppendOptions)]) {
    for (b, o) in appends {
        log.append(&mut b.clone(), o).unwrap();
    }
}

#[test]
fn a_follower_fed_the_leaders_bytes_has_the_leaders_files_epochs_and_producers() {
    let (ld, fd) = (TempDir::new("repl-leader"), TempDir::new("repl-follower"));
    let cfg = config(700, 150);
    let mut leader = Log::open(ld.path(), cfg).unwrap();
    append_all(&mut leader, &leader_appends());
    assert!(leader.segment_count() >= 4, "several segments");
    let mut follower = Log::open(fd.path(), cfg).unwrap();
    replicate(&leader, &mut follower, 1 << 20);
    assert_eq!(
        files(ld.path()),
        files(fd.path()),
        "byte-for-byte the same files"
    );
    assert_eq!(follower.segment_count(), leader.segment_count());
    assert_eq!(follower.leader_epochs(), &[(0, 0), (1, 10), (3, 23)]);
    assert_eq!(follower.latest_epoch(), Some(3));
    assert_same_view(&leader, &follower, &[7, 8]);
    assert_same_active(&leader, &follower);

    // Fetches smaller than a segment (one batch at a time) copy the same data.
    let fd2 = TempDir::new("repl-follower-small");
    let mut small = Log::open(fd2.path(), config(1 << 30, 150)).unwrap();
    replicate(&leader, &mut small, 1);
    assert_same_view(&leader, &small, &[7, 8]);

    // The copy survives a restart unchanged.
    let before = files(fd.path());
    drop(follower);
    let follower = Log::open(fd.path(), cfg).unwrap();
    assert_eq!(files(fd.path()), before);
    assert_same_view(&leader, &follower, &[7, 8]);

    // Once leader, the follower recognises the producer's retry of its last batch.
    let mut follower = follower;
    let p7 = *follower.producers().get(7).unwrap();
    let last = p7.batches().last().copied().unwrap();
    let mut retry = batch(2, 400, Some((7, 0, last.first_seq)));
    let r = follower.append(&mut retry, &opts(4, 7_000)).unwrap();
    assert!(r.duplicate);
    assert_eq!(
        (r.base_offset, r.last_offset),
        (last.first_offset, last.last_offset)
    );
}

#[test]
fn follower_refuses_batches_that_do_not_continue_its_log_or_are_corrupt() {
    let (ld, fd) = (
        TempDir::new("refuse-leader"),
        TempDir::new("refuse-follower"),
    );
    let mut leader = Log::open(ld.path(), config(1 << 30, 4096)).unwrap();
    for i in 0..3 {
        leader
            .append(&mut batch(2, 100 + i, None), &opts(1, 0))
            .unwrap();
    }
    let mut follower = Log::open(fd.path(), config(1 << 30, 4096)).unwrap();
    replicate(&leader, &mut follower, 1 << 20);
    let files_before = files(fd.path());
    let unchanged = |f: &Log| {
        assert_eq!(f.log_end_offset(), 6);
        assert_eq!(f.leader_epochs(), &[(1, 0)]);
        assert_eq!(files(fd.path()), files_before);
    };
    let at = |base: i64, epoch: i32| {
        BatchBuilder::new()
            .base_offset(base)
            .leader_epoch(epoch)
            .records(2)
            .build()
    };
    // Starts below the log end (overlap), or the second batch goes backwards.
    let e = follower.append_as_follower(&at(4, 2), 0).unwrap_err();
    assert!(matches!(e, Error::UnexpectedAppendOffset(_)), "{e}");
    assert_eq!(e.name(), "UNKNOWN_SERVER_ERROR");
    unchanged(&follower);
    let mut two = at(6, 2);
    two.extend(at(7, 2));
    let e = follower.append_as_follower(&two, 0).unwrap_err();
    assert!(matches!(e, Error::UnexpectedAppendOffset(_)), "{e}");
    unchanged(&follower);
    // Corrupt bytes from the leader: a flipped bit, a torn batch.
    let mut bad = at(6, 2);
    let n = bad.len();
    bad[n - 2] ^= 0x10;
    assert!(matches!(
        follower.append_as_follower(&bad, 0),
        Err(Error::CorruptMessage(_))
    ));
    let good = at(6, 2);
    assert!(matches!(
        follower.append_as_follower(&good[..good.len() - 1], 0),
        Err(Error::CorruptMessage(_))
    ));
    let mut good_then_torn = good.clone();
    good_then_torn.extend_from_slice(&good[..30]);
    assert!(matches!(
        follower.append_as_follower(&good_then_torn, 0),
        Err(Error::CorruptMessage(_))
    ));
    unchanged(&follower);

    // Contiguous data is taken; a gap (compaction removed batches) too.
    let r = follower.append_as_follower(&good, 0).unwrap();
    assert_eq!((r.base_offset, r.last_offset, r.record_count), (6, 7, 2));
    let r = follower.append_as_follower(&at(20, 4), 0).unwrap();
    assert_eq!((r.base_offset, r.last_offset), (20, 21));
    assert_eq!(follower.log_end_offset(), 22);
    assert_eq!(follower.leader_epochs(), &[(1, 0), (2, 6), (4, 20)]);
    // A transaction marker (control batch) is stored and moves the producer's epoch.
    follower
        .append_as_follower(
            &BatchBuilder::new()
                .base_offset(22)
                .producer(9, 0, 0)
                .records(1)
                .build(),
            0,
        )
        .unwrap();
    let marker = BatchBuilder::new()
        .base_offset(23)
        .leader_epoch(4)
        .attributes(CONTROL_MASK | TRANSACTIONAL_MASK)
        .producer(9, 1, -1)
        .records(1)
        .build();
    follower.append_as_follower(&marker, 0).unwrap();
    assert_eq!(follower.producers().get(9).unwrap().epoch, 1);
    assert_eq!(follower.log_end_offset(), 24);
    // An epoch older than the latest adds no entry (the cache only grows).
    follower.append_as_follower(&at(24, 3), 0).unwrap();
    assert_eq!(follower.latest_epoch(), Some(4));
    drop(follower);
    let follower = Log::open(fd.path(), config(1 << 30, 4096)).unwrap();
    assert_eq!(follower.log_end_offset(), 26);
    assert_eq!(follower.leader_epochs(), &[(1, 0), (2, 6), (4, 20)]);
}

#[test]
fn follower_takes_unsequenced_producer_batches_the_leader_accepted() {
    // A follower trusts its leader's order: a sequence jump (the producer's
    // earlier batches were deleted on the leader) is stored, not refused.
    let fd = TempDir::new("follower-seq");
    let mut f = Log::open(fd.path(), config(1 << 30, 4096)).unwrap();
    let b = |base: i64, seq: i32| {
        BatchBuilder::new()
            .base_offset(base)
            .leader_epoch(0)
            .producer(5, 0, seq)
            .records(2)
            .build()
    };
    f.append_as_follower(&b(0, 0), 0).unwrap();
    f.append_as_follower(&b(2, 10), 0).unwrap();
    assert_eq!(f.producers().get(5).unwrap().last_seq(), Some(11));
    // A retry of the last batch sent to the new leader is a duplicate.
    let mut retry = BatchBuilder::new().producer(5, 0, 10).records(2).build();
    let r = f.append(&mut retry, &opts(1, 0)).unwrap();
    assert!(r.duplicate);
    assert_eq!(r.base_offset, 2);
}

/// A leader log and, for each prefix of its appends, the offset it ended at.
fn leader_with_prefixes(dir: &Path, cfg: LogConfig) -> (Log, Vec<i64>) {
    let mut log = Log::open(dir, cfg).unwrap();
    let mut ends = vec![0];
    for (b, o) in leader_appends() {
        log.append(&mut b.clone(), &o).unwrap();
        ends.push(log.log_end_offset());
    }
    (log, ends)
}

/// Truncates a copy of the full leader log to `offset`, checks it against a
/// log that only ever had the appends below it, then appends the rest to
/// both (as leader, and as follower from the leader) and checks again.
fn check_truncation(offset: i64, cfg: LogConfig, tag: &str) {
    let (full_dir, ref_dir, f_dir) = (
        TempDir::new(&format!("{tag}-full")),
        TempDir::new(&format!("{tag}-ref")),
        TempDir::new(&format!("{tag}-follower")),
    );
    let (full, ends) = leader_with_prefixes(full_dir.path(), cfg);
    let appends = leader_appends();
    // Batches end where appends end; an offset inside one truncates at its start.
    let kept = ends.iter().rposition(|&e| e <= offset).unwrap();
    let mut reference = Log::open(ref_dir.path(), cfg).unwrap();
    append_all(&mut reference, &appends[..kept]);
    let mut t = Log::open(f_dir.path(), cfg).unwrap();
    replicate(&full, &mut t, 1 << 20);
    let segments_before = t.segment_count();
    t.truncate_to(offset).unwrap();
    assert!(t.log_end_offset() <= offset);
    assert!(t.segment_count() <= segments_before);
    assert!(t.recovery_point() <= t.log_end_offset());
    assert_same_view(&reference, &t, &[7, 8]);
    assert_same_last_segment(&reference, &t);
    assert_eq!(t.latest_epoch(), reference.latest_epoch());
    // No segment file above the log end is left behind.
    let names = files(f_dir.path());
    for name in names.keys() {
        if let Some((base, _)) = crate::segment::parse_file_name(name) {
            assert!(base <= t.log_end_offset(), "{name} left after truncation");
        }
    }

    // The same state after a restart (recovery from what truncation left).
    drop(t);
    let mut t = Log::open(f_dir.path(), cfg).unwrap();
    assert_same_view(&reference, &t, &[7, 8]);
    assert_same_last_segment(&reference, &t);

    // Appending again as leader gives the reference's offsets and indexes...
    for (b, o) in &appends[kept..kept + 2] {
        let r1 = reference.append(&mut b.clone(), o).unwrap();
        let r2 = t.append(&mut b.clone(), o).unwrap();
        assert_eq!(r1, r2);
    }
    assert_same_view(&reference, &t, &[7, 8]);
    assert_same_active(&reference, &t);
    // ...and as a follower copying the reference (now the leader).
    append_all(&mut reference, &appends[kept + 2..]);
    replicate(&reference, &mut t, 1 << 20);
    assert_same_view(&reference, &t, &[7, 8]);
    assert_same_active(&reference, &t);
}

#[test]
fn truncate_in_the_middle_of_a_segment() {
    let cfg = config(700, 150);
    // Find an append end that is not a segment base.
    let d = TempDir::new("mid-probe");
    let (full, ends) = leader_with_prefixes(d.path(), cfg);
    let bases: Vec<i64> = full.segments().iter().map(|s| s.base_offset).collect();
    let mid = *ends
        .iter()
        .find(|e| **e > bases[1] && !bases.contains(e))
        .unwrap();
    check_truncation(mid, cfg, "trunc-mid");
    // Inside a batch: truncates at the batch's start.
    check_truncation(mid + 1, cfg, "trunc-inside");
}

#[test]
fn truncate_at_a_segment_boundary_and_across_segments() {
    let cfg = config(700, 150);
    let d = TempDir::new("bound-probe");
    let (full, _) = leader_with_prefixes(d.path(), cfg);
    let bases: Vec<i64> = full.segments().iter().map(|s| s.base_offset).collect();
    assert!(bases.len() >= 4);
    check_truncation(bases[2], cfg, "trunc-boundary");
    check_truncation(bases[1] + 1, cfg, "trunc-across");
    check_truncation(1, cfg, "trunc-first-batch");
    check_truncation(0, cfg, "trunc-all");
    // Sparse indexes (entries far apart) and one big segment.
    check_truncation(bases[2], config(1 << 30, 1000), "trunc-sparse");
    check_truncation(bases[2] + 1, config(1 << 30, 0), "trunc-dense");
}

#[test]
fn truncate_is_a_no_op_at_or_past_the_end_and_refuses_negative_offsets() {
    let d = TempDir::new("trunc-noop");
    let (mut log, _) = leader_with_prefixes(d.path(), config(700, 150));
    let before = files(d.path());
    let end = log.log_end_offset();
    log.truncate_to(end).unwrap();
    log.truncate_to(end + 100).unwrap();
    assert_eq!(log.log_end_offset(), end);
    assert_eq!(files(d.path()), before);
    assert!(matches!(
        log.truncate_to(-1),
        Err(Error::OffsetOutOfRange(_))
    ));
    assert!(matches!(
        log.truncate_fully_and_start_at(-1),
        Err(Error::OffsetOutOfRange(_))
    ));
}

#[test]
fn epoch_cache_after_truncation() {
    let d = TempDir::new("trunc-epochs");
    let (mut log, _) = leader_with_prefixes(d.path(), config(700, 150));
    assert_eq!(log.leader_epochs(), &[(0, 0), (1, 10), (3, 23)]);
    assert_eq!(log.epoch_end_offset(1), Some((1, 23)));
    assert_eq!(log.epoch_end_offset(2), Some((1, 23)));
    // At the first offset of epoch 3: epoch 3 goes, epoch 1 now ends at the log end.
    log.truncate_to(23).unwrap();
    assert_eq!(log.leader_epochs(), &[(0, 0), (1, 10)]);
    assert_eq!(log.latest_epoch(), Some(1));
    assert_eq!(log.epoch_end_offset(3), Some((1, 23)));
    let checkpoint = std::fs::read_to_string(d.path().join(EPOCH_FILE)).unwrap();
    assert_eq!(checkpoint, "0\n2\n0 0\n1 10\n");
    // Inside the first batch of epoch 1 (offsets 10..12): all of epoch 1 goes.
    log.truncate_to(11).unwrap();
    assert_eq!(log.log_end_offset(), 10);
    assert_eq!(log.leader_epochs(), &[(0, 0)]);
    assert_eq!(log.epoch_end_offset(1), Some((0, 10)));
    drop(log);
    let log = Log::open(d.path(), config(700, 150)).unwrap();
    assert_eq!(log.leader_epochs(), &[(0, 0)]);
    assert_eq!(log.log_end_offset(), 10);
}

#[test]
fn producer_state_after_truncation_detects_survivors_and_takes_the_resent_batch() {
    let d = TempDir::new("trunc-producers");
    let mut log = Log::open(d.path(), config(300, 100)).unwrap();
    // Producer 3: eight batches of two (more than the five it caches), offsets 0..16;
    // producer 4 appears only at the end; producer 6 only before.
    log.append(&mut batch(1, 0, Some((6, 0, 0))), &opts(0, 0))
        .unwrap();
    let mut b3 = Vec::new();
    for i in 0..8 {
        let b = batch(2, 10 * i, Some((3, 0, 2 * i as i32)));
        log.append(&mut b.clone(), &opts(0, 0)).unwrap();
        b3.push(b);
    }
    log.append(&mut batch(1, 0, Some((4, 0, 0))), &opts(0, 0))
        .unwrap();
    assert_eq!(log.log_end_offset(), 18);
    let p6 = *log.producers().get(6).unwrap();
    // Cut producer 3's last two batches (offsets 13..16) and producer 4.
    log.truncate_to(13).unwrap();
    assert_eq!(log.log_end_offset(), 13);
    assert!(log.producers().get(4).is_none());
    assert_eq!(log.producers().get(6), Some(&p6));
    let p3 = log.producers().get(3).unwrap();
    assert_eq!(p3.last_seq(), Some(11));
    // Cutting the cache would leave three; the log holds five older ones.
    assert_eq!(p3.batches().len(), 5, "rebuilt from the log, not just cut");
    assert_eq!(p3.batches()[0].first_seq, 2);
    // A retry of a batch that survived is a duplicate, even the oldest cached...
    let r = log.append(&mut b3[1].clone(), &opts(1, 0)).unwrap();
    assert!(r.duplicate);
    assert_eq!((r.base_offset, r.last_offset), (3, 4));
    let r = log.append(&mut b3[5].clone(), &opts(1, 0)).unwrap();
    assert!(r.duplicate);
    assert_eq!((r.base_offset, r.last_offset), (11, 12));
    // (one older than the five cached is out of sequence, as on any leader)
    let r = log.append(&mut b3[0].clone(), &opts(1, 0)).unwrap_err();
    assert!(matches!(r, Error::OutOfOrderSequenceNumber(_)), "{r}");
    // ...and the re-sent batch that was truncated is appended.
    let r = log.append(&mut b3[6].clone(), &opts(1, 0)).unwrap();
    assert!(!r.duplicate);
    assert_eq!((r.base_offset, r.last_offset), (13, 14));
    // After a restart, the same.
    let state = producer_state(&log, &[3, 4, 6]);
    drop(log);
    let log = Log::open(d.path(), config(300, 100)).unwrap();
    assert_eq!(producer_state(&log, &[3, 4, 6]), state);
}

#[test]
fn truncate_fully_and_start_at_empties_the_log() {
    let d = TempDir::new("trunc-fully");
    let cfg = config(700, 150);
    let (mut log, _) = leader_with_prefixes(d.path(), cfg);
    log.truncate_fully_and_start_at(100).unwrap();
    assert_eq!(
        (
            log.log_start_offset(),
            log.log_end_offset(),
            log.high_watermark(),
            log.recovery_point(),
            log.segment_count()
        ),
        (100, 100, 100, 100, 1)
    );
    assert_eq!(log.leader_epochs(), &[]);
    assert_eq!(log.latest_epoch(), None);
    assert!(log.producers().is_empty());
    let names: Vec<String> = files(d.path()).into_keys().collect();
    assert_eq!(
        names,
        [
            "00000000000000000100.index",
            "00000000000000000100.log",
            "00000000000000000100.timeindex",
            EPOCH_FILE
        ]
    );
    assert!(log.locate(99, 100, i64::MAX, true).is_err());
    let r = log
        .append_as_follower(
            &BatchBuilder::new()
                .base_offset(100)
                .leader_epoch(5)
                .records(3)
                .build(),
            0,
        )
        .unwrap();
    assert_eq!((r.base_offset, r.last_offset), (100, 102));
    let r = log.append(&mut batch(1, 0, None), &opts(5, 0)).unwrap();
    assert_eq!(r.base_offset, 103);
    assert_eq!(log.leader_epochs(), &[(5, 100)]);
    drop(log);
    let mut log = Log::open(d.path(), cfg).unwrap();
    assert_eq!((log.log_start_offset(), log.log_end_offset()), (100, 104));
    assert_eq!(log.leader_epochs(), &[(5, 100)]);
    // Below the first segment, truncate_to starts the log again there.
    log.truncate_to(50).unwrap();
    assert_eq!((log.log_start_offset(), log.log_end_offset()), (50, 50));
    // Starting again at the base of the one segment there is reuses its name.
    log.append(&mut batch(1, 0, None), &opts(6, 0)).unwrap();
    log.truncate_fully_and_start_at(50).unwrap();
    assert_eq!((log.log_end_offset(), log.size_in_bytes()), (50, 0));
    assert_eq!(files(d.path()).len(), 4);
}
