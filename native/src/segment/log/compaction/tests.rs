use super::*;
use crate::batch::builder::BatchBuilder;
use crate::batch::BatchHeader;
use crate::segment::log::{AppendOptions, LogConfig};
use crate::test_util::TempDir;
use std::collections::HashMap;

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 2048,
        segment_ms: 0,
        index_interval_bytes: 256,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point: 0,
    }
}

fn cfg(now: i64) -> CompactionConfig {
    CompactionConfig {
        first_dirty_offset: 0,
        min_cleanable_ratio: 0.5,
        min_compaction_lag_ms: 0,
        max_compaction_lag_ms: i64::MAX,
        delete_retention_ms: 86_400_000,
        force: false,
        now_ms: now,
        max_map_bytes: 0,
    }
}

/// Every record in the log: (offset, key, value or None).
fn records(log: &Log) -> Vec<(i64, String, Option<String>)> {
    let mut out = Vec::new();
    let mut off = log.log_start_offset();
    while off < log.log_end_offset() {
        let loc = log.locate(off, 1 << 20, i64::MAX, true).unwrap();
        let Some(slice) = loc.slice else { break };
        let bytes = slice.read().unwrap();
        let mut p = 0;
        while p < bytes.len() {
            let h = BatchHeader::parse(&bytes[p..]).unwrap();
            let b = &bytes[p..p + h.size() as usize];
            super::cleaner::for_each_record(b, &h, |r| {
                if r.offset >= off {
                    let value = r.value.map(|v| {
                        String::from_utf8_lossy(v)
                            .trim_start_matches('|')
                            .to_string()
                    });
                    out.push((
                        r.offset,
                        String::from_utf8(r.key.unwrap().to_vec()).unwrap(),
                        value,
                    ));
                }
                Ok(())
            })
            .unwrap();
            p += h.size() as usize;
            off = h.last_offset() + 1;
        }
    }
    out
}

fn append(log: &mut Log, key: &str, value: Option<&str>, ts: i64) {
    let v = value.map(|v| format!("|{v}"));
    let mut b = BatchBuilder::new()
        .base_timestamp(ts)
        .record(Some(key.as_bytes()), v.as_deref().map(str::as_bytes), 0)
        .build();
    log.append(
        &mut b,
        &AppendOptions {
            leader_epoch: 0,
            now_ms: ts,
            log_append_time: false,
            compression: None,
        },
    )
    .unwrap();
}

#[test]
fn keeps_latest_per_key_at_unchanged_offsets_and_survives_reopen() {
    let dir = TempDir::new("compact");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let mut latest: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for i in 0..600i64 {
        let key = format!("k{}", i % 20);
        let value = format!("v{i}");
        let tomb = i % 97 == 0;
        append(&mut log, &key, (!tomb).then_some(value.as_str()), 1_000 + i);
        latest.insert(key, (i, (!tomb).then_some(value)));
    }
    let before_segments = log.segment_count();
    let end = log.log_end_offset();
    let shared = Mutex::new(Some(log));
    let stats = compact(&shared, &cfg(10_000)).unwrap();
    assert!(stats.cleaned);
    assert!(stats.records_removed > 400, "{stats:?}");
    let log = shared.lock().unwrap().take().unwrap();
    assert!(log.segment_count() < before_segments);
    assert_eq!(log.log_end_offset(), end);
    assert_eq!(
        log.log_start_offset(),
        0,
        "the first segment stays, even if emptied"
    );
    // Everything in cleaned segments is the latest for its key; the active segment is untouched.
    let active_base = log.segments().last().unwrap().base_offset;
    let got = records(&log);
    let mut seen = std::collections::HashSet::new();
    for (offset, key, value) in &got {
        if *offset < active_base {
            assert!(
                seen.insert(key.clone()),
                "key {key} twice in the cleaned part"
            );
            let (want_off, _) = latest[key];
            // Either the latest overall, or the latest in the cleaned part with a newer one in the active segment.
            assert!(
                *offset == want_off || want_off >= active_base,
                "{key} at {offset}, latest {want_off}"
            );
        }
        if let Some(v) = value {
            assert_eq!(v, &format!("v{offset}"), "offset of a survivor changed");
        }
    }
    for (key, (off, _)) in &latest {
        assert!(
            got.iter().any(|(o, k, _)| k == key && o == off),
            "latest {key}@{off} lost"
        );
    }
    // No stray files; reopening (recovery with gaps) gives the same records.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".cleaned")), "{names:?}");
    drop(log);
    let log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.log_end_offset(), end);
    assert_eq!(log.log_start_offset(), 0);
    assert_eq!(records(&log), got);
    // A second pass with the checkpoint finds nothing dirty.
    let shared = Mutex::new(Some(log));
    let again = compact(
        &shared,
        &CompactionConfig {
            first_dirty_offset: stats.first_dirty_offset,
            ..cfg(10_000)
        },
    )
    .unwrap();
    assert!(!again.cleaned);
}

#[test]
fn tombstones_go_after_delete_retention_and_lag_limits_apply() {
    let dir = TempDir::new("compact-tomb");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for i in 0..200i64 {
        append(&mut log, &format!("k{}", i % 5), Some("x"), 1_000 + i);
    }
    for k in 0..5 {
        append(&mut log, &format!("k{k}"), None, 2_000);
    }
    for i in 0..60i64 {
        append(&mut log, &format!("other{}", i % 3), Some("y"), 3_000 + i);
    }
    let shared = Mutex::new(Some(log));
    // min.compaction.lag.ms: nothing older than the lag horizon means nothing cleanable.
    let none = compact(
        &shared,
        &CompactionConfig {
            min_compaction_lag_ms: 1_000_000,
            ..cfg(3_100)
        },
    )
    .unwrap();
    assert!(!none.cleaned);
    // Tombstones inside delete.retention.ms stay, and the pass says when they are due...
    let s = compact(&shared, &cfg(3_100)).unwrap();
    assert_eq!(s.tombstones_due_ms, 2_000 + 86_400_000 + 1);
    let tombs = |shared: &Mutex<Option<Log>>| {
        let g = shared.lock().unwrap();
        records(g.as_ref().unwrap())
            .into_iter()
            .filter(|(_, k, v)| k.starts_with('k') && v.is_none())
            .count()
    };
    let keys_k = |shared: &Mutex<Option<Log>>| {
        let g = shared.lock().unwrap();
        records(g.as_ref().unwrap())
            .into_iter()
            .filter(|(_, k, _)| k.starts_with('k'))
            .count()
    };
    assert_eq!(tombs(&shared), 5);
    assert_eq!(keys_k(&shared), 5, "only the tombstones remain for k*");
    // ...and a forced pass (nothing dirty) removes them once older than it.
    let s = compact(
        &shared,
        &CompactionConfig {
            first_dirty_offset: i64::MAX,
            ..cfg(3_100)
        },
    )
    .unwrap();
    assert!(!s.cleaned, "nothing dirty, not forced");
    let s = compact(
        &shared,
        &CompactionConfig {
            first_dirty_offset: i64::MAX,
            delete_retention_ms: 100,
            force: true,
            ..cfg(3_100)
        },
    )
    .unwrap();
    assert!(s.cleaned);
    assert_eq!(s.tombstones_due_ms, i64::MAX);
    assert_eq!(keys_k(&shared), 0);
}

#[test]
fn stray_cleaned_files_are_removed_by_recovery() {
    let dir = TempDir::new("compact-stray");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for i in 0..100i64 {
        append(&mut log, "same", Some("v"), i);
    }
    let end = log.log_end_offset();
    drop(log);
    // A crash after writing a cleaned file but before the swap.
    std::fs::write(
        dir.path().join("00000000000000000000.log.cleaned"),
        b"partial",
    )
    .unwrap();
    let log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.log_end_offset(), end);
    assert!(!dir.path().join("00000000000000000000.log.cleaned").exists());
    assert_eq!(records(&log).len(), 100);
}

#[test]
fn a_full_key_map_cleans_in_several_passes() {
    let dir = TempDir::new("compact-map");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for i in 0..600i64 {
        append(&mut log, &format!("k{}", i % 50), Some("v"), 1_000 + i);
    }
    let end = log.log_end_offset();
    let shared = Mutex::new(Some(log));
    // Room for about one segment's keys: the first pass stops early.
    let small = CompactionConfig {
        max_map_bytes: 500,
        ..cfg(10_000)
    };
    let first = compact(&shared, &small).unwrap();
    assert!(first.cleaned);
    let active_base = shared
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .segments()
        .last()
        .unwrap()
        .base_offset;
    assert!(first.first_dirty_offset < active_base, "{first:?}");
    // Later passes pick up where it stopped until the whole closed part is clean.
    let mut next = first.first_dirty_offset;
    for _ in 0..100 {
        let s = compact(
            &shared,
            &CompactionConfig {
                first_dirty_offset: next,
                force: true,
                ..small
            },
        )
        .unwrap();
        next = s.first_dirty_offset;
        if next >= active_base {
            break;
        }
    }
    assert!(next >= active_base);
    let log = shared.lock().unwrap().take().unwrap();
    assert_eq!(log.log_end_offset(), end);
    let got = records(&log);
    let closed: Vec<_> = got.iter().filter(|(o, _, _)| *o < active_base).collect();
    let mut keys: Vec<&String> = closed.iter().map(|(_, k, _)| k).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        closed.len(),
        "one record per key in the cleaned part"
    );
}

#[test]
fn max_compaction_lag_cleans_below_the_dirty_ratio() {
    let dir = TempDir::new("compact-maxlag");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for i in 0..300i64 {
        append(&mut log, &format!("k{}", i % 10), Some("v"), 1_000 + i);
    }
    let shared = Mutex::new(Some(log));
    let unreachable = CompactionConfig {
        min_cleanable_ratio: 1.1,
        ..cfg(10_000)
    };
    assert!(!compact(&shared, &unreachable).unwrap().cleaned);
    // The oldest dirty record is older than max.compaction.lag.ms: clean anyway.
    let overdue = CompactionConfig {
        max_compaction_lag_ms: 5_000,
        ..unreachable
    };
    let s = compact(&shared, &overdue).unwrap();
    assert!(s.cleaned && s.records_removed > 0, "{s:?}");
}

/// Every batch of the log, its CRC checked and its records walked by the
/// validator's walker (the Produce rule recordsCount == lastOffsetDelta + 1
/// does not hold after compaction, as in Kafka): (codec, records).
fn validated_batches(log: &Log) -> Vec<(u8, i32)> {
    use crate::batch::{compute_crc, records::walk_records, validate::with_records};
    use crate::compression::Codec;
    let mut out = Vec::new();
    let mut off = log.log_start_offset();
    while off < log.log_end_offset() {
        let loc = log.locate(off, 1 << 20, i64::MAX, true).unwrap();
        let Some(slice) = loc.slice else { break };
        let bytes = slice.read().unwrap();
        let mut p = 0;
        while p < bytes.len() {
            let h = BatchHeader::parse(&bytes[p..]).unwrap();
            let b = &bytes[p..p + h.size() as usize];
            assert_eq!(compute_crc(b), h.crc);
            let codec = Codec::from_id(h.compression()).unwrap();
            let mut last = -1;
            with_records(b, codec, |r| {
                walk_records(r, h.records_count, |info| {
                    assert!(info.offset_delta > last && info.offset_delta <= h.last_offset_delta);
                    last = info.offset_delta;
                    Ok(())
                })
            })
            .unwrap();
            out.push((h.compression(), h.records_count));
            p += h.size() as usize;
            off = h.last_offset() + 1;
        }
    }
    out
}

#[test]
fn compressed_batches_are_compacted_with_their_codec() {
    for codec in 1..=4u8 {
        let dir = TempDir::new("compact-compressed");
        let mut log = Log::open(dir.path(), config()).unwrap();
        let mut latest: HashMap<String, (i64, Option<String>)> = HashMap::new();
        let mut offset = 0i64;
        for b in 0..60i64 {
            let mut builder = BatchBuilder::new().base_timestamp(1_000 + b);
            for j in 0..7i64 {
                let i = b * 7 + j;
                let key = format!("k{}", (i * 3) % 11);
                let value = format!("value-{i}-{}", "x".repeat(20));
                let tomb = i % 13 == 0;
                builder =
                    builder.record(Some(key.as_bytes()), (!tomb).then_some(value.as_bytes()), j);
                latest.insert(key, (offset, (!tomb).then_some(value)));
                offset += 1;
            }
            let mut bytes = builder.compression(codec).build();
            log.append(
                &mut bytes,
                &AppendOptions {
                    leader_epoch: 0,
                    now_ms: 1_000 + b,
                    log_append_time: false,
                    compression: None,
                },
            )
            .unwrap();
        }
        assert_eq!(log.log_end_offset(), offset);
        // A batch bigger than a segment: the keyed records are all in closed segments.
        let big = "f".repeat(3000);
        append(&mut log, "filler", Some(&big), 2_000);
        let end = log.log_end_offset();
        assert_eq!(log.segments().last().unwrap().base_offset, offset);
        let shared = Mutex::new(Some(log));
        let mut c = cfg(1_000_000);
        c.delete_retention_ms = 1_000;
        c.force = true;
        let stats = compact(&shared, &c).unwrap();
        assert!(stats.cleaned, "codec {codec}: {stats:?}");
        assert!(stats.records_removed > 300, "codec {codec}: {stats:?}");
        let log = shared.lock().unwrap().take().unwrap();
        assert_eq!(log.log_end_offset(), end);
        let mut want: Vec<(i64, String, Option<String>)> = latest
            .into_iter()
            .filter(|(_, (_, v))| v.is_some())
            .map(|(k, (o, v))| (o, k, v))
            .collect();
        want.sort();
        want.push((offset, "filler".into(), Some(big)));
        assert_eq!(records(&log), want, "codec {codec}");
        let batches = validated_batches(&log);
        assert!(!batches.is_empty());
        for (c, n) in &batches[..batches.len() - 1] {
            assert_eq!(*c, codec, "the batch keeps its codec");
            assert!(*n >= 1);
        }
        assert!(
            batches.len() < 30,
            "emptied batches dropped: {}",
            batches.len()
        );
    }
}

#[test]
fn a_pass_overtaken_by_a_truncation_installs_nothing() {
    // A follower truncates into a closed segment the pass is cleaning, then
    // copies new data until that segment is closed again: the pass must not
    // swap in its cleaned copy of the old bytes (same file, same base).
    let dir = TempDir::new("compact-truncated");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for i in 0..200i64 {
        append(
            &mut log,
            &format!("k{}", i % 5),
            Some(&format!("old{i}")),
            1_000 + i,
        );
    }
    assert!(log.segment_count() > 3);
    let cut = log.segments()[1].base_offset + 2;
    let shared = Mutex::new(Some(log));
    let stats = compact_with(&shared, &cfg(10_000), |m| {
        let mut g = m.lock().unwrap();
        let log = g.as_mut().unwrap();
        log.truncate_to(cut).unwrap();
        for i in 0..200i64 {
            append(log, &format!("n{i}"), Some("new"), 5_000 + i);
        }
    })
    .unwrap();
    assert!(!stats.cleaned);
    assert_eq!(stats.segments_cleaned, 0);
    assert!(stats.first_dirty_offset <= cut);
    let log = shared.into_inner().unwrap().unwrap();
    let recs = records(&log);
    assert_eq!(recs.len() as i64, cut + 200);
    for (i, (off, key, value)) in recs.iter().enumerate() {
        assert_eq!(*off, i as i64);
        if *off < cut {
            assert_eq!(
                (key.as_str(), value.as_deref()),
                (
                    format!("k{}", off % 5).as_str(),
                    Some(format!("old{off}").as_str())
                )
            );
        } else {
            assert_eq!(
                (key.as_str(), value.as_deref()),
                (format!("n{}", off - cut).as_str(), Some("new"))
            );
        }
    }
    // The next pass cleans as usual.
    let shared = Mutex::new(Some(log));
    assert!(compact(&shared, &cfg(10_000)).unwrap().cleaned);
}

/// Appends one keyed transactional batch of producer `pid`.
fn append_txn(log: &mut Log, pid: i64, seq: i32, key: &str, value: &str, ts: i64) {
    let v = format!("|{value}");
    let mut b = BatchBuilder::new()
        .base_timestamp(ts)
        .producer(pid, 0, seq)
        .attributes(crate::batch::TRANSACTIONAL_MASK)
        .record(Some(key.as_bytes()), Some(v.as_bytes()), 0)
        .build();
    log.append(&mut b, &opts_at(ts)).unwrap();
}

fn opts_at(ts: i64) -> AppendOptions {
    AppendOptions {
        leader_epoch: 0,
        now_ms: ts,
        log_append_time: false,
        compression: None,
    }
}

fn end_txn(log: &mut Log, pid: i64, commit: bool, ts: i64) {
    let m = crate::producer_state::TxnMarker {
        producer_id: pid,
        producer_epoch: 0,
        coordinator_epoch: 0,
        commit,
    };
    log.append_marker(&m, &opts_at(ts)).unwrap();
}

/// Data records only (control batches skipped): (offset, key, value).
fn data_records(log: &Log) -> Vec<(i64, String, Option<String>)> {
    let controls: Vec<i64> = control_offsets(log);
    records(log)
        .into_iter()
        .filter(|r| !controls.contains(&r.0))
        .collect()
}

fn control_offsets(log: &Log) -> Vec<i64> {
    let mut out = Vec::new();
    for s in log.segments() {
        super::cleaner::for_each_batch(&s.log, s.size, |_, h, _| {
            if h.is_control() {
                out.push(h.base_offset);
            }
            Ok(())
        })
        .unwrap();
    }
    out
}

#[test]
fn aborted_data_goes_markers_stay_and_open_transactions_are_not_cleaned() {
    let dir = TempDir::new("compact-txn");
    let mut log = Log::open(dir.path(), config()).unwrap();
    append(&mut log, "k1", Some("v1"), 1_000); // 0
    append_txn(&mut log, 7, 0, "k1", "aborted", 1_000); // 1
    end_txn(&mut log, 7, false, 1_000); // 2
    append_txn(&mut log, 8, 0, "k2", "committed", 1_000); // 3
    end_txn(&mut log, 8, true, 1_000); // 4
    for i in 0..40 {
        append(&mut log, "fill", Some(&format!("e{i}")), 1_000);
    }
    let open_at = log.log_end_offset();
    append_txn(&mut log, 9, 0, "k1", "open", 1_000); // stays open
    for i in 0..60 {
        append(&mut log, "fill", Some(&format!("f{i}")), 1_000);
    }
    assert!(
        log.segments()[1].base_offset <= open_at,
        "the open transaction is past the first segment"
    );
    assert!(log.segment_count() > 3);
    let shared = Mutex::new(Some(log));
    let mut force = cfg(10_000);
    force.force = true;
    compact(&shared, &force).unwrap();
    {
        let guard = shared.lock().unwrap();
        let log = guard.as_ref().unwrap();
        let data = data_records(log);
        let k1: Vec<_> = data
            .iter()
            .filter(|r| r.1 == "k1")
            .map(|r| r.2.clone().unwrap())
            .collect();
        assert_eq!(
            k1,
            ["v1", "open"],
            "the aborted k1 is gone and shadows nothing; the open one is not cleaned"
        );
        assert!(data
            .iter()
            .any(|r| r.1 == "k2" && r.2.as_deref() == Some("committed")));
        assert_eq!(&control_offsets(log)[..2], &[2, 4], "markers are kept");
        assert_eq!(log.aborted_txns(0, 100).len(), 1);
        // Nothing at or past the first unstable offset was cleaned: every "fill" after it is there.
        assert_eq!(
            data.iter()
                .filter(|r| r.1 == "fill" && r.0 > open_at)
                .count(),
            60
        );
        assert!(
            data.iter()
                .filter(|r| r.1 == "fill" && r.0 < open_at)
                .count()
                < 40,
            "below it, cleaned"
        );
    }
    // Once the open transaction aborts (and the fill moves on), its k1 goes too and v1 still stands.
    {
        let mut guard = shared.lock().unwrap();
        let log = guard.as_mut().unwrap();
        end_txn(log, 9, false, 1_000);
        for i in 0..60 {
            append(log, "fill", Some(&format!("g{i}")), 1_000);
        }
    }
    let mut again = force;
    again.first_dirty_offset = 0;
    compact(&shared, &again).unwrap();
    let guard = shared.lock().unwrap();
    let log = guard.as_ref().unwrap();
    let data = data_records(log);
    let k1: Vec<_> = data
        .iter()
        .filter(|r| r.1 == "k1")
        .map(|r| r.2.clone().unwrap())
        .collect();
    assert_eq!(k1, ["v1"]);
    assert_eq!(log.aborted_txns(0, 1000).len(), 2);
    assert!(
        data.iter().filter(|r| r.1 == "fill").count() < 60,
        "the fill was cleaned"
    );
}

fn control_headers(log: &Log) -> Vec<BatchHeader> {
    let mut out = Vec::new();
    for s in log.segments() {
        super::cleaner::for_each_batch(&s.log, s.size, |_, h, _| {
            if h.is_control() {
                out.push(*h);
            }
            Ok(())
        })
        .unwrap();
    }
    out
}

#[test]
fn markers_of_emptied_transactions_are_stamped_then_removed_after_delete_retention() {
    let dir = TempDir::new("compact-markers");
    let mut log = Log::open(dir.path(), config()).unwrap();
    append(&mut log, "k1", Some("v1"), 1_000); // 0
    append_txn(&mut log, 7, 0, "k1", "aborted", 1_000); // 1
    end_txn(&mut log, 7, false, 1_000); // 2: ABORT
    append_txn(&mut log, 8, 0, "k2", "c1", 1_000); // 3
    end_txn(&mut log, 8, true, 1_000); // 4: COMMIT, its data shadowed below
    append_txn(&mut log, 10, 0, "k3", "kept", 1_000); // 5
    end_txn(&mut log, 10, true, 1_000); // 6: COMMIT of data that stays
    append(&mut log, "k2", Some("c2"), 1_000); // 7
    for i in 0..60 {
        append(&mut log, "fill", Some(&format!("e{i}")), 1_000);
    }
    assert!(log.segment_count() > 2);
    // The producers have expired (producer.id.expiration.ms): their last
    // batches are not kept for them (see `active_producers_keep_their_last_batch`).
    assert_eq!(log.remove_expired_producers(10_000, 1_000), 3);
    let shared = Mutex::new(Some(log));
    let pass = |now: i64| {
        let mut c = cfg(now);
        c.force = true;
        c.delete_retention_ms = 1_000;
        compact(&shared, &c).unwrap()
    };
    let markers = || {
        let g = shared.lock().unwrap();
        control_headers(g.as_ref().unwrap())
            .iter()
            .map(|h| {
                let stamped = h.attributes & DELETE_HORIZON_MASK != 0;
                (h.base_offset, stamped.then_some(h.base_timestamp))
            })
            .collect::<Vec<_>>()
    };
    let aborted = || {
        shared
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .aborted_txns(0, 1000)
    };

    // Pass 1 removes the aborted data and the shadowed committed record; the
    // markers stay (this pass met their data), and the next pass is due now.
    let s = pass(10_000);
    assert_eq!(markers(), vec![(2, None), (4, None), (6, None)]);
    assert_eq!(s.tombstones_due_ms, 10_000);
    assert_eq!(aborted().len(), 1);
    // Pass 2 finds their transactions empty: stamped with the delete horizon.
    let s = pass(10_000);
    assert_eq!(
        markers(),
        vec![(2, Some(11_000)), (4, Some(11_000)), (6, None)]
    );
    assert_eq!(s.tombstones_due_ms, 11_000);
    {
        let g = shared.lock().unwrap();
        let log = g.as_ref().unwrap();
        assert!(
            validated_batches(log).len() > 3,
            "every batch, stamped ones too, passes its CRC"
        );
    }
    // Before the horizon nothing more goes; at it, both markers and the ABORT's .txnindex entry.
    pass(10_999);
    assert_eq!(markers().len(), 3);
    assert_eq!(aborted().len(), 1);
    pass(11_000);
    assert_eq!(
        markers(),
        vec![(6, None)],
        "a marker whose data stays is kept"
    );
    assert_eq!(aborted(), vec![]);
    let data: Vec<_> = {
        let g = shared.lock().unwrap();
        data_records(g.as_ref().unwrap())
            .into_iter()
            .filter(|r| r.1 != "fill")
            .collect()
    };
    assert_eq!(
        data,
        vec![
            (0, "k1".into(), Some("v1".into())),
            (5, "k3".into(), Some("kept".into())),
            (7, "k2".into(), Some("c2".into())),
        ]
    );
    // Recovery agrees: no marker, no aborted transaction, the same data.
    let log = shared.lock().unwrap().take().unwrap();
    drop(log);
    let log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(control_offsets(&log), vec![6]);
    assert_eq!(log.aborted_txns(0, 1000), vec![]);
    assert_eq!(log.first_unstable_offset(), None);
    for s in log.segments() {
        assert!(s.txn_index.entries().is_empty());
    }
}

/// Appends one keyed idempotent (non-transactional) batch of producer `pid`
/// at epoch 0; returns what the append says.
fn append_idempotent(
    log: &mut Log,
    pid: i64,
    seq: i32,
    keys: &[&str],
    ts: i64,
) -> crate::segment::log::AppendInfo {
    let mut b = BatchBuilder::new().base_timestamp(ts).producer(pid, 0, seq);
    for (i, k) in keys.iter().enumerate() {
        b = b.record(
            Some(k.as_bytes()),
            Some(format!("|p{pid}s{seq}").as_bytes()),
            i as i64,
        );
    }
    log.append(&mut b.build(), &opts_at(ts)).unwrap()
}

/// Every batch of the log: (header, bytes).
fn all_batches(log: &Log) -> Vec<(BatchHeader, Vec<u8>)> {
    let mut out = Vec::new();
    for s in log.segments() {
        super::cleaner::for_each_batch(&s.log, s.size, |_, h, b| {
            out.push((*h, b.to_vec()));
            Ok(())
        })
        .unwrap();
    }
    out
}

fn force_at(now: i64) -> CompactionConfig {
    let mut c = cfg(now);
    c.force = true;
    c
}

#[test]
fn active_producers_keep_their_last_batch() {
    let dir = TempDir::new("compact-producer");
    let mut log = Log::open(dir.path(), config()).unwrap();
    append_idempotent(&mut log, 5, 0, &["a", "b"], 1_000); // 0-1
    append_idempotent(&mut log, 5, 2, &["c"], 1_000); // 2: producer 5's last batch
    append_idempotent(&mut log, 6, 0, &["d"], 1_000); // 3: producer 6's last (it expires)
    append(&mut log, "a", Some("x"), 1_000); // 4
    append(&mut log, "c", Some("x"), 1_000); // 5
    append(&mut log, "d", Some("x"), 1_000); // 6
    append_idempotent(&mut log, 5, 3, &["e"], 50_000); // 7, keeps producer 5 active
    append(&mut log, "e", Some("x"), 50_000); // 8
    for i in 0..60 {
        append(&mut log, "fill", Some(&format!("e{i}")), 50_000);
    }
    assert_eq!(
        log.remove_expired_producers(60_000, 20_000),
        1,
        "producer 6"
    );
    let shared = Mutex::new(Some(log));
    compact(&shared, &force_at(60_000)).unwrap();
    let producer_batches = || {
        let g = shared.lock().unwrap();
        all_batches(g.as_ref().unwrap())
            .into_iter()
            .filter(|(h, _)| h.has_producer_id())
            .collect::<Vec<_>>()
    };
    // Offset 0-1 keeps b; 2 (no longer producer 5's last) and 3 (expired) go;
    // 7, producer 5's last, is all shadowed and stays as its header.
    let got = producer_batches();
    let summary: Vec<_> = got
        .iter()
        .map(|(h, _)| {
            (
                h.base_offset,
                h.last_offset(),
                h.records_count,
                h.producer_id,
            )
        })
        .collect();
    assert_eq!(summary, vec![(0, 1, 1, 5), (7, 7, 0, 5)]);
    let (h, b) = &got[1];
    assert_eq!(b.len(), crate::batch::HEADER_SIZE);
    assert_eq!(h.size() as usize, b.len());
    assert_eq!(crate::batch::compute_crc(b), h.crc, "a valid CRC");
    assert_eq!(
        (h.producer_epoch, h.base_sequence, h.last_sequence()),
        (0, 3, 3)
    );
    assert_eq!((h.max_timestamp, h.base_timestamp), (50_000, -1));
    assert!(!h.is_transactional() && !h.is_control());
    {
        // A new follower copies the cleaned log, the empty batch too, and
        // knows producer 5's last sequence from it.
        let g = shared.lock().unwrap();
        let bytes: Vec<u8> = all_batches(g.as_ref().unwrap())
            .into_iter()
            .flat_map(|(_, b)| b)
            .collect();
        let fdir = TempDir::new("compact-producer-follower");
        let mut follower = Log::open(fdir.path(), config()).unwrap();
        follower.append_as_follower(&bytes, 60_000).unwrap();
        let e = follower
            .producers()
            .get(5)
            .expect("producer 5 on the follower");
        assert_eq!((e.last_seq(), e.last_data_offset()), (Some(3), 7));
        assert!(
            follower.producers().get(6).is_none(),
            "expired: nothing kept"
        );
    }
    // A second pass keeps it as it is (nothing rewritten for it).
    compact(&shared, &force_at(60_000)).unwrap();
    assert_eq!(producer_batches(), got);
    // Once producer 5 writes again, the empty batch goes; the new one is its last.
    {
        let mut g = shared.lock().unwrap();
        let log = g.as_mut().unwrap();
        append_idempotent(log, 5, 4, &["f"], 60_000);
        append(log, "f", Some("x"), 60_000);
        for i in 0..60 {
            append(log, "fill", Some(&format!("g{i}")), 60_000);
        }
    }
    compact(&shared, &force_at(70_000)).unwrap();
    let summary: Vec<_> = producer_batches()
        .iter()
        .map(|(h, _)| (h.base_offset, h.records_count, h.base_sequence))
        .collect();
    assert_eq!(summary.len(), 2, "{summary:?}");
    assert_eq!(summary[0], (0, 1, 0));
    assert_eq!(
        (summary[1].1, summary[1].2),
        (0, 4),
        "the newer batch, emptied"
    );
    // Once producer 5 expires, its empty batch goes too.
    shared
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .remove_expired_producers(200_000, 20_000);
    compact(&shared, &force_at(200_000)).unwrap();
    let left: Vec<_> = producer_batches()
        .iter()
        .map(|(h, _)| (h.base_offset, h.records_count))
        .collect();
    assert_eq!(left, vec![(0, 1)]);
}

#[test]
fn an_aborted_last_batch_stays_empty_and_holds_its_marker_until_the_producer_expires() {
    let dir = TempDir::new("compact-producer-aborted");
    let mut log = Log::open(dir.path(), config()).unwrap();
    append(&mut log, "k1", Some("v1"), 1_000); // 0
    append_txn(&mut log, 7, 0, "k1", "aborted", 1_000); // 1: producer 7's last batch
    end_txn(&mut log, 7, false, 1_000); // 2: ABORT
    for i in 0..60 {
        append(&mut log, "fill", Some(&format!("e{i}")), 1_000);
    }
    let shared = Mutex::new(Some(log));
    let pass = |now: i64| {
        let mut c = force_at(now);
        c.delete_retention_ms = 1_000;
        compact(&shared, &c).unwrap()
    };
    let producer_batches = || {
        let g = shared.lock().unwrap();
        all_batches(g.as_ref().unwrap())
            .into_iter()
            .filter(|(h, _)| h.has_producer_id())
            .map(|(h, _)| {
                (
                    h.base_offset,
                    h.records_count,
                    h.is_transactional(),
                    h.is_control(),
                )
            })
            .collect::<Vec<_>>()
    };
    // The aborted record goes, its batch stays as a transactional header, and
    // so its ABORT marker (a batch of the transaction is still there).
    for now in [10_000, 20_000] {
        pass(now);
        assert_eq!(
            producer_batches(),
            vec![(1, 0, true, false), (2, 1, true, true)]
        );
    }
    assert_eq!(
        data_records(shared.lock().unwrap().as_ref().unwrap())[0]
            .2
            .as_deref(),
        Some("v1")
    );
    // Producer 7 expires: the empty batch goes, then the marker (stamped, then removed).
    shared
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .remove_expired_producers(30_000, 1_000);
    pass(30_000);
    pass(30_000);
    pass(31_000);
    assert_eq!(producer_batches(), vec![]);
    assert_eq!(
        shared
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .aborted_txns(0, 1000),
        vec![]
    );
}

#[test]
fn a_rebuild_without_snapshots_still_knows_the_last_sequence() {
    let dir = TempDir::new("compact-producer-rebuild");
    let mut log = Log::open(dir.path(), config()).unwrap();
    append_idempotent(&mut log, 5, 0, &["a"], 1_000); // 0
    append_idempotent(&mut log, 5, 1, &["b", "c"], 1_000); // 1-2: the last batch
    append(&mut log, "b", Some("x"), 1_000);
    append(&mut log, "c", Some("x"), 1_000);
    for i in 0..60 {
        append(&mut log, "fill", Some(&format!("e{i}")), 1_000);
    }
    let shared = Mutex::new(Some(log));
    compact(&shared, &force_at(10_000)).unwrap();
    let log = shared.lock().unwrap().take().unwrap();
    let end = log.log_end_offset();
    log.close().unwrap();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "snapshot") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let mut log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.open_stats().0, None, "no snapshot loaded");
    assert_eq!(
        log.log_end_offset(),
        end,
        "recovery kept the empty batch and what follows"
    );
    let e = log
        .producers()
        .get(5)
        .expect("producer 5 rebuilt from the log");
    assert_eq!(
        (e.epoch, e.last_seq(), e.last_data_offset()),
        (0, Some(2), 2)
    );
    // The producer retries its last batch: a duplicate, answered with its offsets.
    let info = append_idempotent(&mut log, 5, 1, &["b", "c"], 1_000);
    assert!(info.duplicate, "{info:?}");
    assert_eq!((info.base_offset, info.last_offset), (1, 2));
    assert_eq!(log.log_end_offset(), end, "nothing written");
    // And its next sequence is in order.
    let info = append_idempotent(&mut log, 5, 3, &["d"], 1_000);
    assert!(!info.duplicate);
    assert_eq!(info.base_offset, end);
}
