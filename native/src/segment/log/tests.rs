use super::*;
use crate::batch::builder::BatchBuilder;
use crate::test_util::TempDir;

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 1 << 30,
        segment_ms: 0,
        index_interval_bytes: 4096,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point: 0,
    }
}

fn opts(now: i64) -> AppendOptions {
    AppendOptions {
        leader_epoch: 0,
        now_ms: now,
        log_append_time: false,
        compression: None,
    }
}

fn read_all(log: &Log, from: i64) -> Vec<BatchHeader> {
    let mut out = Vec::new();
    let mut off = from;
    while off < log.log_end_offset() {
        let loc = log.locate(off, 1 << 20, i64::MAX, true).unwrap();
        let bytes = loc.slice.unwrap().read().unwrap();
        let mut p = 0;
        while p < bytes.len() {
            let h = BatchHeader::parse(&bytes[p..]).unwrap();
            p += h.size() as usize;
            off = h.last_offset() + 1;
            out.push(h);
        }
    }
    out
}

#[test]
fn append_assigns_offsets_and_reads_back() {
    let dir = TempDir::new("log-basic");
    let mut log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.log_end_offset(), 0);
    let mut b = BatchBuilder::new().records(3).build();
    let r = log.append(&mut b, &opts(5)).unwrap();
    assert_eq!(
        (
            r.base_offset,
            r.last_offset,
            r.record_count,
            r.log_append_time
        ),
        (0, 2, 3, -1)
    );
    let mut two = BatchBuilder::new().records(2).build();
    two.extend(BatchBuilder::new().records(4).build());
    let r = log.append(&mut two, &opts(6)).unwrap();
    assert_eq!((r.base_offset, r.last_offset), (3, 8));
    assert_eq!(log.log_end_offset(), 9);
    assert_eq!(log.high_watermark(), 9);
    let hs = read_all(&log, 0);
    assert_eq!(
        hs.iter().map(|h| h.base_offset).collect::<Vec<_>>(),
        vec![0, 3, 5]
    );
    // Stored bytes are valid batches with the assigned offsets, CRC intact.
    let loc = log.locate(0, 1 << 20, i64::MAX, false).unwrap();
    let bytes = loc.slice.unwrap().read().unwrap();
    let mut v = Vec::new();
    crate::batch::validate::validate_batches(&bytes, 1 << 20, &mut v).unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].header.partition_leader_epoch, 0);
    // Fetch inside a batch returns that batch; at the end, nothing.
    let loc = log.locate(4, 1 << 20, i64::MAX, false).unwrap();
    assert_eq!(
        BatchHeader::parse(&loc.slice.unwrap().read().unwrap())
            .unwrap()
            .base_offset,
        3
    );
    assert!(log.locate(9, 100, i64::MAX, true).unwrap().slice.is_none());
    assert!(matches!(
        log.locate(10, 100, i64::MAX, true),
        Err(Error::OffsetOutOfRange(_))
    ));
    assert!(matches!(
        log.locate(-1, 100, i64::MAX, true),
        Err(Error::OffsetOutOfRange(_))
    ));
}

#[test]
fn read_respects_max_bytes_max_offset_and_min_one_batch() {
    let dir = TempDir::new("log-read");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let mut sizes = Vec::new();
    for _ in 0..5 {
        let mut b = BatchBuilder::new().sized_records(2, 100).build();
        sizes.push(b.len() as u64);
        log.append(&mut b, &opts(1)).unwrap();
    }
    let s = sizes[0];
    let len = |l: Located| l.slice.map_or(0, |s| s.length);
    assert_eq!(
        len(log.locate(0, (2 * s + 10) as i64, i64::MAX, false).unwrap()),
        2 * s
    );
    assert_eq!(
        len(log.locate(0, (s - 1) as i64, i64::MAX, false).unwrap()),
        0
    );
    assert_eq!(
        len(log.locate(0, (s - 1) as i64, i64::MAX, true).unwrap()),
        s
    );
    assert_eq!(len(log.locate(0, 0, i64::MAX, true).unwrap()), s);
    // maxOffset (high watermark) is exclusive on batch base offsets.
    assert_eq!(len(log.locate(0, 1 << 20, 4, true).unwrap()), 2 * s);
    assert_eq!(len(log.locate(0, 1 << 20, 5, true).unwrap()), 3 * s);
    assert_eq!(len(log.locate(4, 1 << 20, 4, true).unwrap()), 0);
    let loc = log.locate(3, (2 * s) as i64, i64::MAX, false).unwrap();
    assert_eq!(loc.slice.as_ref().unwrap().position, s);
}

#[test]
fn rolls_segments_and_reads_across_them() {
    let dir = TempDir::new("log-roll");
    let mut cfg = config();
    cfg.segment_bytes = 1000;
    cfg.index_interval_bytes = 200;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    let mut total = 0;
    for i in 0..40 {
        let mut b = BatchBuilder::new()
            .base_timestamp(1000 + i * 10)
            .sized_records(3, 50)
            .build();
        total += b.len() as u64;
        log.append(&mut b, &opts(1)).unwrap();
    }
    assert!(log.segment_count() > 5, "{}", log.segment_count());
    assert_eq!(log.size_in_bytes(), total);
    assert_eq!(log.log_end_offset(), 120);
    for s in log.segments() {
        assert!(s.size <= 1000);
    }
    // Rolled segments are fsynced by the background thread, which then moves
    // the recovery point to the active segment's base (never past it).
    let active_base = log.segments().last().unwrap().base_offset;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while log.recovery_point() < active_base && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(log.recovery_point(), active_base);
    log.flush().unwrap();
    assert_eq!(log.recovery_point(), 120);
    // One segment per read; all batches reachable in order.
    let hs = read_all(&log, 0);
    assert_eq!(hs.len(), 40);
    for (i, h) in hs.iter().enumerate() {
        assert_eq!(h.base_offset, i as i64 * 3);
    }
    for off in 0..120 {
        let loc = log.locate(off, 1, i64::MAX, true).unwrap();
        let h = BatchHeader::parse(&loc.slice.unwrap().read().unwrap()).unwrap();
        assert!(
            h.base_offset <= off && off <= h.last_offset(),
            "offset {off}"
        );
    }
    // Index files are whole entries and non-empty for full segments.
    let first = &log.segments()[0];
    assert!(!first.offset_index.is_empty());
    let idx_len = std::fs::metadata(dir.path().join("00000000000000000000.index"))
        .unwrap()
        .len();
    assert_eq!(idx_len, first.offset_index.len() as u64 * 8);
    // Files are named after their base offsets.
    let second = log.segments()[1].base_offset;
    assert!(dir.path().join(format!("{second:020}.log")).exists());
    assert!(dir.path().join(format!("{second:020}.timeindex")).exists());
}

#[test]
fn oversized_append_goes_to_empty_segment() {
    let dir = TempDir::new("log-big");
    let mut cfg = config();
    cfg.segment_bytes = 100;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    let mut b = BatchBuilder::new().sized_records(1, 500).build();
    log.append(&mut b, &opts(1)).unwrap();
    assert_eq!(log.segment_count(), 1);
    let mut b = BatchBuilder::new().sized_records(1, 500).build();
    log.append(&mut b, &opts(1)).unwrap();
    assert_eq!(log.segment_count(), 2);
}

#[test]
fn segment_ms_rolls_on_wall_clock() {
    let dir = TempDir::new("log-ms");
    let mut cfg = config();
    cfg.segment_ms = 1000;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    log.append(&mut BatchBuilder::new().records(1).build(), &opts(10_000))
        .unwrap();
    log.append(&mut BatchBuilder::new().records(1).build(), &opts(10_999))
        .unwrap();
    assert_eq!(log.segment_count(), 1);
    log.append(&mut BatchBuilder::new().records(1).build(), &opts(11_000))
        .unwrap();
    assert_eq!(log.segment_count(), 2);
}

#[test]
fn validation_failure_writes_nothing() {
    let dir = TempDir::new("log-invalid");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let mut good = BatchBuilder::new().records(2).build();
    let mut bad = BatchBuilder::new().records(2).build();
    let n = bad.len();
    bad[n - 1] ^= 1;
    good.extend(bad);
    let before = good.clone();
    assert!(matches!(
        log.append(&mut good, &opts(1)),
        Err(Error::CorruptMessage(_))
    ));
    assert_eq!(
        good, before,
        "nothing rewritten when the call fails validation"
    );
    assert_eq!(log.log_end_offset(), 0);
    assert_eq!(log.size_in_bytes(), 0);
    let mut cfg = config();
    cfg.max_message_bytes = 50;
    let dir2 = TempDir::new("log-too-large");
    let mut small = Log::open(dir2.path(), cfg).unwrap();
    assert!(matches!(
        small.append(&mut BatchBuilder::new().records(1).build(), &opts(1)),
        Err(Error::MessageTooLarge(_))
    ));
}

#[test]
fn log_append_time_rewrites_timestamp_and_crc() {
    let dir = TempDir::new("log-lat");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let mut b = BatchBuilder::new().base_timestamp(5).records(2).build();
    let o = AppendOptions {
        leader_epoch: 3,
        now_ms: 777,
        log_append_time: true,
        compression: None,
    };
    let r = log.append(&mut b, &o).unwrap();
    assert_eq!(r.log_append_time, 777);
    let h = BatchHeader::parse(&b).unwrap();
    assert!(h.is_log_append_time());
    assert_eq!(h.max_timestamp, 777);
    assert_eq!(h.partition_leader_epoch, 3);
    assert_eq!(h.crc, crate::batch::compute_crc(&b));
    assert_eq!(log.max_timestamp().unwrap(), Some((777, 0)));
    assert_eq!(log.offset_for_timestamp(700).unwrap(), Some((777, 0)));
    assert_eq!(log.offset_for_timestamp(778).unwrap(), None);
}

#[test]
fn timestamps_lookup() {
    let dir = TempDir::new("log-ts");
    let mut cfg = config();
    cfg.segment_bytes = 600;
    cfg.index_interval_bytes = 100;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.max_timestamp().unwrap(), None);
    assert_eq!(log.offset_for_timestamp(0).unwrap(), None);
    // Batch i holds offsets 2i, 2i+1 with timestamps 100i and 100i+10,
    // except batch 7 whose second record jumps to 5000.
    for i in 0..20i64 {
        let mut bb =
            BatchBuilder::new()
                .base_timestamp(100 * i)
                .record(None, Some(b"0123456789"), 0);
        bb = bb.record(
            None,
            Some(b"0123456789"),
            if i == 7 { 5000 - 700 } else { 10 },
        );
        log.append(&mut bb.build(), &opts(1)).unwrap();
    }
    assert!(log.segment_count() > 2);
    assert_eq!(log.offset_for_timestamp(0).unwrap(), Some((0, 0)));
    assert_eq!(log.offset_for_timestamp(5).unwrap(), Some((10, 1)));
    assert_eq!(log.offset_for_timestamp(1200).unwrap(), Some((5000, 15)));
    assert_eq!(log.offset_for_timestamp(1000).unwrap(), Some((5000, 15)));
    assert_eq!(log.offset_for_timestamp(400).unwrap(), Some((400, 8)));
    assert_eq!(log.offset_for_timestamp(5001).unwrap(), None);
    assert_eq!(log.offset_for_timestamp(-10).unwrap(), Some((0, 0)));
    assert_eq!(log.max_timestamp().unwrap(), Some((5000, 15)));
    // Same answers after a reopen (time indexes and maxima rebuilt/loaded).
    log.close().unwrap();
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.offset_for_timestamp(1200).unwrap(), Some((5000, 15)));
    assert_eq!(log.offset_for_timestamp(400).unwrap(), Some((400, 8)));
    assert_eq!(log.max_timestamp().unwrap(), Some((5000, 15)));
}

#[test]
fn flush_policy_and_recovery_point() {
    let dir = TempDir::new("log-flush");
    let mut cfg = config();
    cfg.flush_interval_messages = 5;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    log.append(&mut BatchBuilder::new().records(3).build(), &opts(1))
        .unwrap();
    assert_eq!(log.recovery_point(), 0);
    log.append(&mut BatchBuilder::new().records(3).build(), &opts(1))
        .unwrap();
    assert_eq!(log.recovery_point(), 6);
    log.append(&mut BatchBuilder::new().records(1).build(), &opts(1))
        .unwrap();
    assert_eq!(log.recovery_point(), 6);
    log.flush().unwrap();
    assert_eq!(log.recovery_point(), 7);
}

#[test]
fn leader_epoch_checkpoint_written_on_new_epoch() {
    let dir = TempDir::new("log-epoch");
    let path = dir.path().join(crate::leader_epoch::FILE_NAME);
    let mut log = Log::open(dir.path(), config()).unwrap();
    assert!(!path.exists());
    log.append(&mut BatchBuilder::new().records(2).build(), &opts(1))
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "0\n1\n0 0\n");
    log.append(&mut BatchBuilder::new().records(2).build(), &opts(1))
        .unwrap();
    let mut o = opts(1);
    o.leader_epoch = 2;
    log.append(&mut BatchBuilder::new().records(1).build(), &o)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "0\n2\n0 0\n2 4\n");
    log.close().unwrap();
    std::fs::remove_file(&path).unwrap();
    let log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.leader_epochs(), &[(0, 0), (2, 4)]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "0\n2\n0 0\n2 4\n");
}

#[test]
fn idempotent_producer_duplicates_and_errors() {
    let dir = TempDir::new("log-pid");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let b0 = BatchBuilder::new().producer(11, 0, 0).records(3).build();
    let b1 = BatchBuilder::new().producer(11, 0, 3).records(2).build();
    log.append(&mut b0.clone(), &opts(1)).unwrap();
    log.append(&mut b1.clone(), &opts(1)).unwrap();
    let size = log.size_in_bytes();
    let dup = log.append(&mut b0.clone(), &opts(1)).unwrap();
    assert!(dup.duplicate);
    assert_eq!(
        (dup.base_offset, dup.last_offset, dup.record_count),
        (0, 2, 3)
    );
    assert_eq!(log.size_in_bytes(), size);
    assert_eq!(log.log_end_offset(), 5);
    // A duplicate inside a multi-batch call is out of order.
    let mut mixed = b1.clone();
    mixed.extend(BatchBuilder::new().producer(11, 0, 5).records(1).build());
    assert!(matches!(
        log.append(&mut mixed, &opts(1)),
        Err(Error::OutOfOrderSequenceNumber(_))
    ));
    let gap = BatchBuilder::new().producer(11, 0, 7).records(1).build();
    assert!(matches!(
        log.append(&mut gap.clone(), &opts(1)),
        Err(Error::OutOfOrderSequenceNumber(_))
    ));
    // Epoch bump then the old epoch is fenced.
    log.append(
        &mut BatchBuilder::new().producer(11, 1, 0).records(1).build(),
        &opts(1),
    )
    .unwrap();
    assert!(matches!(
        log.append(
            &mut BatchBuilder::new().producer(11, 0, 5).records(1).build(),
            &opts(1)
        ),
        Err(Error::InvalidProducerEpoch(_))
    ));
    // Two batches of one producer in one call chain their sequences.
    let mut chain = BatchBuilder::new().producer(11, 1, 1).records(2).build();
    chain.extend(BatchBuilder::new().producer(11, 1, 3).records(2).build());
    let r = log.append(&mut chain, &opts(1)).unwrap();
    assert_eq!((r.base_offset, r.last_offset), (6, 9));
    assert!(log.size_in_bytes() > size);
    // State survives a reopen: the retry is still recognised.
    log.close().unwrap();
    let mut log = Log::open(dir.path(), config()).unwrap();
    let again = log
        .append(
            &mut BatchBuilder::new().producer(11, 1, 3).records(2).build(),
            &opts(1),
        )
        .unwrap();
    assert!(again.duplicate);
    assert_eq!((again.base_offset, again.last_offset), (8, 9));
    assert!(matches!(
        log.append(
            &mut BatchBuilder::new().producer(11, 1, 6).records(1).build(),
            &opts(1)
        ),
        Err(Error::OutOfOrderSequenceNumber(_))
    ));
    log.append(
        &mut BatchBuilder::new().producer(11, 1, 5).records(1).build(),
        &opts(1),
    )
    .unwrap();
}

#[test]
fn recovery_truncates_garbage_and_half_written_batch() {
    use std::io::Write;
    let dir = TempDir::new("log-recover");
    let mut cfg = config();
    cfg.segment_bytes = 1000;
    cfg.index_interval_bytes = 100;
    {
        let mut log = Log::open(dir.path(), cfg).unwrap();
        for _ in 0..20 {
            log.append(
                &mut BatchBuilder::new().sized_records(2, 60).build(),
                &opts(1),
            )
            .unwrap();
        }
        log.close().unwrap();
    }
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.log_end_offset(), 40);
    let segs = log.segment_count();
    let last_base = log.segments().last().unwrap().base_offset;
    drop(log);
    // Half-written batch at the tail of the active segment.
    let last = dir.path().join(format!("{last_base:020}.log"));
    let half = BatchBuilder::new()
        .base_offset(40)
        .sized_records(2, 60)
        .build();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&last)
        .unwrap();
    f.write_all(&half[..half.len() / 2]).unwrap();
    drop(f);
    // Stray files from a crash.
    std::fs::write(dir.path().join("00000000000000000000.index.swap"), b"x").unwrap();
    std::fs::write(dir.path().join("00000000000000099999.timeindex"), b"x").unwrap();
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.log_end_offset(), 40);
    assert_eq!(log.segment_count(), segs);
    assert!(!dir.path().join("00000000000000000000.index.swap").exists());
    assert!(!dir.path().join("00000000000000099999.timeindex").exists());
    assert_eq!(read_all(&log, 0).len(), 20);
    drop(log);

    // Garbage in the middle of an early segment, with a recovery point that
    // covers it: it is truncated there and all later segments are dropped.
    let first_len = std::fs::metadata(dir.path().join("00000000000000000000.log"))
        .unwrap()
        .len();
    let one = BatchBuilder::new().sized_records(2, 60).build().len() as u64;
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("00000000000000000000.log"))
        .unwrap();
    use std::os::unix::fs::FileExt;
    f.write_all_at(&[0xEE; 30], 2 * one + 40).unwrap();
    drop(f);
    assert!(first_len > 3 * one);
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.log_end_offset(), 4);
    assert_eq!(log.segment_count(), 1);
    assert_eq!(log.size_in_bytes(), 2 * one);
    assert_eq!(read_all(&log, 0).len(), 2);
    let idx = std::fs::metadata(dir.path().join("00000000000000000000.index"))
        .unwrap()
        .len();
    assert_eq!(idx, log.segments()[0].offset_index.len() as u64 * 8);
    assert!(std::fs::read_dir(dir.path()).unwrap().count() <= 4);
    // The log accepts appends right after the truncation point.
    let mut log = log;
    let r = log
        .append(&mut BatchBuilder::new().records(1).build(), &opts(1))
        .unwrap();
    assert_eq!(r.base_offset, 4);
}

#[test]
fn recovery_point_skips_crc_of_older_segments_but_rebuilds_bad_index() {
    let dir = TempDir::new("log-rp");
    let mut cfg = config();
    cfg.segment_bytes = 500;
    cfg.index_interval_bytes = 50;
    {
        let mut log = Log::open(dir.path(), cfg).unwrap();
        for _ in 0..12 {
            log.append(
                &mut BatchBuilder::new().sized_records(1, 80).build(),
                &opts(1),
            )
            .unwrap();
        }
        log.close().unwrap();
    }
    let idx_path = dir.path().join("00000000000000000000.index");
    let good = std::fs::read(&idx_path).unwrap();
    assert!(!good.is_empty());
    std::fs::write(&idx_path, &good[..good.len() - 3]).unwrap();
    cfg.recovery_point = 12;
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.log_end_offset(), 12);
    assert_eq!(std::fs::read(&idx_path).unwrap(), good);
    assert_eq!(read_all(&log, 0).len(), 12);
    drop(log);
    // Below the recovery point CRCs are not checked (that data was fsynced);
    // at or above it a flipped byte truncates.
    let first = dir.path().join("00000000000000000000.log");
    let mut bytes = std::fs::read(&first).unwrap();
    let n = bytes.len();
    bytes[n - 2] ^= 0xff;
    std::fs::write(&first, &bytes).unwrap();
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(log.log_end_offset(), 12);
    drop(log);
    cfg.recovery_point = 0;
    let log = Log::open(dir.path(), cfg).unwrap();
    assert!(log.log_end_offset() < 12);
    assert_eq!(log.segment_count(), 1);
}

#[test]
fn preallocated_index_of_active_segment_is_rebuilt() {
    let dir = TempDir::new("log-prealloc");
    let mut cfg = config();
    cfg.index_interval_bytes = 100;
    {
        let mut log = Log::open(dir.path(), cfg).unwrap();
        for _ in 0..10 {
            log.append(
                &mut BatchBuilder::new().sized_records(1, 80).build(),
                &opts(1),
            )
            .unwrap();
        }
        log.close().unwrap();
    }
    let idx_path = dir.path().join("00000000000000000000.index");
    let good = std::fs::read(&idx_path).unwrap();
    let mut padded = good.clone();
    padded.resize(4096, 0);
    std::fs::write(&idx_path, &padded).unwrap();
    std::fs::write(dir.path().join("00000000000000000000.timeindex"), [7u8; 25]).unwrap();
    let log = Log::open(dir.path(), cfg).unwrap();
    assert_eq!(std::fs::read(&idx_path).unwrap(), good);
    assert_eq!(
        std::fs::metadata(dir.path().join("00000000000000000000.timeindex"))
            .unwrap()
            .len()
            % 12,
        0
    );
    for off in 0..10 {
        let loc = log.locate(off, 1, i64::MAX, true).unwrap();
        assert_eq!(
            BatchHeader::parse(&loc.slice.unwrap().read().unwrap())
                .unwrap()
                .base_offset,
            off
        );
    }
}

#[test]
fn compressed_batches_are_stored_and_searched_by_record() {
    let dir = TempDir::new("log-compressed");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let mut b = BatchBuilder::new()
        .compression(2)
        .base_timestamp(50)
        .records(3)
        .build();
    let r = log.append(&mut b, &opts(1)).unwrap();
    assert_eq!((r.base_offset, r.last_offset), (0, 2));
    // The records inside the snappy batch are walked: 51 is the second one.
    assert_eq!(log.offset_for_timestamp(51).unwrap(), Some((51, 1)));
    let hs = read_all(&log, 0);
    assert_eq!(hs[0].compression(), 2);
}

#[test]
fn failed_write_leaves_log_unchanged() {
    let dir = TempDir::new("log-enospc");
    let mut log = Log::open(dir.path(), config()).unwrap();
    log.append(&mut BatchBuilder::new().records(2).build(), &opts(1))
        .unwrap();
    let size = log.size_in_bytes();
    // Swap the active segment's file for a read-only handle: every write fails
    // like ENOSPC would.
    let path = log.active().log_path.clone();
    let ro = std::fs::File::open(&path).unwrap();
    let rw = std::mem::replace(&mut log.active_mut().log, Arc::new(ro));
    let mut o = opts(1);
    o.leader_epoch = 1;
    let err = log
        .append(
            &mut BatchBuilder::new().producer(3, 0, 0).records(2).build(),
            &o,
        )
        .unwrap_err();
    assert!(matches!(err, Error::KafkaStorageError(_)), "{err}");
    assert_eq!(log.log_end_offset(), 2);
    assert_eq!(log.size_in_bytes(), size);
    assert!(log.producers().get(3).is_none());
    assert_eq!(log.leader_epochs(), &[(0, 0)]);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);
    log.active_mut().log = rw;
    let r = log
        .append(
            &mut BatchBuilder::new().producer(3, 0, 0).records(2).build(),
            &o,
        )
        .unwrap();
    assert_eq!(r.base_offset, 2);
    assert_eq!(read_all(&log, 0).len(), 2);
}

#[test]
fn delete_all_removes_directory() {
    let dir = TempDir::new("log-del");
    let sub = dir.path().join("topic-0");
    let mut log = Log::open(&sub, config()).unwrap();
    log.append(&mut BatchBuilder::new().records(1).build(), &opts(1))
        .unwrap();
    log.delete_all().unwrap();
    assert!(!sub.exists());
}

#[test]
fn invalid_config_is_refused() {
    let dir = TempDir::new("log-cfg");
    let mut cfg = config();
    cfg.segment_bytes = 0;
    assert!(matches!(
        Log::open(dir.path(), cfg),
        Err(Error::InvalidConfig(_))
    ));
}

#[test]
fn failed_write_after_roll_drops_the_new_segment() {
    let dir = TempDir::new("log-enospc-roll");
    let mut cfg = config();
    cfg.segment_bytes = 200;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    log.append(
        &mut BatchBuilder::new().sized_records(1, 100).build(),
        &opts(1),
    )
    .unwrap();
    // The append rolls, then fails (a directory blocks the epoch checkpoint's
    // temp file): the freshly rolled segment must go away again.
    let ckpt_tmp = dir.path().join("leader-epoch-checkpoint.tmp");
    std::fs::create_dir(&ckpt_tmp).unwrap();
    let mut o = opts(1);
    o.leader_epoch = 5;
    let err = log
        .append(&mut BatchBuilder::new().sized_records(1, 100).build(), &o)
        .unwrap_err();
    assert!(matches!(err, Error::KafkaStorageError(_)), "{err}");
    assert_eq!(log.segment_count(), 1);
    assert_eq!(log.log_end_offset(), 1);
    assert!(!dir.path().join(format!("{:020}.log", 1)).exists());
    std::fs::remove_dir(&ckpt_tmp).unwrap();
    let r = log
        .append(&mut BatchBuilder::new().sized_records(1, 100).build(), &o)
        .unwrap();
    assert_eq!(r.base_offset, 1);
    assert_eq!(log.segment_count(), 2);
    assert_eq!(log.leader_epochs(), &[(0, 0), (5, 1)]);
}

#[test]
fn cold_range_finds_evicted_data_and_warm_brings_it_back() {
    use std::os::fd::AsRawFd;
    // On a disk: on tmpfs nothing can be evicted and the cold case is never reached.
    let dir = TempDir::on_disk("log-cold");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for _ in 0..50 {
        log.append(
            &mut BatchBuilder::new().sized_records(10, 1000).build(),
            &opts(1),
        )
        .unwrap();
    }
    log.flush().unwrap();
    assert!(log.cold_range(0, 1 << 20).is_none(), "just written: cached");
    assert!(
        log.cold_range(log.log_end_offset(), 1 << 20).is_none(),
        "nothing to read at the end"
    );
    let file = log.segments()[0].log.clone();
    // SAFETY: plain syscalls on a live descriptor and a zeroed statfs.
    let (evicted, tmpfs) = unsafe {
        let r = libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
        let mut st: libc::statfs = std::mem::zeroed();
        libc::fstatfs(file.as_raw_fd(), &mut st);
        (r == 0, st.f_type == libc::TMPFS_MAGIC)
    };
    assert!(evicted, "posix_fadvise(DONTNEED) failed");
    if tmpfs {
        eprintln!("skipped the cold case: no disk-backed temporary directory (all are tmpfs)");
        return;
    }
    let cold = log.cold_range(0, 1 << 20).expect("evicted: cold");
    assert_eq!(cold.position, 0);
    assert_eq!(cold.length, log.size_in_bytes().min((1 << 20) + 4096));
    cold.warm().unwrap();
    assert!(log.cold_range(0, 1 << 20).is_none(), "warmed: cached again");
}

#[test]
fn compacted_log_refuses_records_without_a_key() {
    let dir = TempDir::new("log-compacted-keys");
    let mut log = Log::open(
        dir.path(),
        LogConfig {
            compacted: true,
            ..config()
        },
    )
    .unwrap();
    let keyed = |codec: u8| {
        BatchBuilder::new()
            .compression(codec)
            .record(Some(b"k1"), Some(b"v1"), 0)
            .record(Some(b"k2"), None, 1)
            .build()
    };
    // One keyless record among keyed ones refuses the whole batch, compressed or not.
    for codec in [0u8, 3] {
        let mut b = BatchBuilder::new()
            .compression(codec)
            .record(Some(b"k1"), Some(b"v1"), 0)
            .record(None, Some(b"v2"), 1)
            .build();
        let err = log.append(&mut b, &opts(5)).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRecord(m) if m.contains("without a key")),
            "{err:?}"
        );
        assert_eq!(log.log_end_offset(), 0, "nothing written");
    }
    for codec in [0u8, 3] {
        log.append(&mut keyed(codec), &opts(5)).unwrap();
    }
    assert_eq!(log.log_end_offset(), 4);
    // cleanup.policy=delete again: keyless records are fine.
    log.update_config(config()).unwrap();
    log.append(&mut BatchBuilder::new().records(2).build(), &opts(6))
        .unwrap();
    assert_eq!(log.log_end_offset(), 6);
}
