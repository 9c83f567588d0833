//! Opening a partition directory after a clean or unclean shutdown (the
//! first step of `Log::open`).
//!
//! Lists the segments, deletes stray files a crash may leave (`*.tmp`,
//! `*.cleaned`, `*.swap`, `*.deleted`, indexes without a log), then loads the
//! latest producer snapshot at or below the recovery point (corrupt ones are
//! deleted and the next older one tried). Segments wholly below that
//! snapshot are opened from their indexes, as Kafka does: the last offset
//! index entry and the batches after it give the segment's end, the last
//! time index entry its max timestamp, the `.txnindex` and the
//! leader-epoch checkpoint are taken as they are. Every other segment's batch
//! headers are scanned once (buffered) to replay producer state from the
//! snapshot on, leader epochs, per-segment timestamps and to check the
//! indexes (the `.txnindex` is rebuilt from the ABORT markers the scan
//! meets). Without a usable snapshot (or leader-epoch checkpoint) the whole
//! log is scanned. Segments holding offsets at or above the recovery point
//! (and always the last one) are also CRC-checked; at the first torn, corrupt
//! or discontinuous batch the segment is truncated there and all later
//! segments are deleted. Indexes that do not match the scan are rewritten.
//! Recovered segments are fsynced, so the whole surviving log is below the
//! new recovery point. Snapshots above the recovered log end or below its
//! first segment are deleted.

use crate::batch::control::parse_marker;
use crate::batch::NO_TIMESTAMP;
use crate::error::{Error, Result};
use crate::index::txn_index::{AbortedTxn, TXN_INDEX_SUFFIX};
use crate::index::{OffsetEntry, TimeEntry};
use crate::leader_epoch::LeaderEpochCache;
use crate::producer_snapshot;
use crate::producer_state::ProducerStateManager;
use crate::segment::scan::{read_exact, BatchScanner, ScanStep, SCAN_CHUNK};
use crate::segment::{parse_file_name, Segment, INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX};
use std::fs;
use std::path::Path;

pub struct Recovered {
    pub segments: Vec<Segment>,
    pub log_end_offset: i64,
    pub producers: ProducerStateManager,
    pub epochs: LeaderEpochCache,
    /// Bytes cut off (torn or corrupt tail) and segments deleted, for logging.
    pub truncated_bytes: u64,
    pub deleted_segments: usize,
    /// Offset of the producer snapshot the state was loaded from.
    pub snapshot: Option<i64>,
    /// Segments opened from their indexes, without a scan.
    pub unscanned_segments: usize,
}

fn is_stray(name: &str) -> bool {
    [".tmp", ".cleaned", ".swap", ".deleted"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// What scanning one segment found.
struct ScanOutcome {
    truncated: bool,
}

pub fn recover(dir: &Path, recovery_point: i64, index_interval: u64) -> Result<Recovered> {
    let rec = recover_with(dir, recovery_point, index_interval, true)?;
    if rec.snapshot.is_some_and(|s| s > rec.log_end_offset) {
        // The log ends below the snapshot (segments were lost): it describes
        // data that is not there. Drop it and rebuild from the whole log.
        drop(rec);
        return recover_with(dir, recovery_point, index_interval, false);
    }
    Ok(rec)
}

/// The latest readable snapshot at or below `limit`; unreadable ones are
/// deleted on the way.
fn load_snapshot(dir: &Path, limit: i64) -> Result<Option<(i64, ProducerStateManager)>> {
    let io = |what: &str, e| Error::storage(format!("{what} in {}", dir.display()), e);
    let offsets = producer_snapshot::list(dir).map_err(|e| io("listing snapshots", e))?;
    for &offset in offsets.iter().rev().filter(|&&o| o <= limit) {
        match producer_snapshot::read(dir, offset) {
            Ok(Ok(entries)) => {
                return Ok(Some((
                    offset,
                    ProducerStateManager::from_snapshot(&entries, offset),
                )))
            }
            Ok(Err(_)) | Err(_) => {
                producer_snapshot::delete(dir, offset)
                    .map_err(|e| io("deleting corrupt snapshot", e))?;
            }
        }
    }
    Ok(None)
}

fn recover_with(
    dir: &Path,
    recovery_point: i64,
    index_interval: u64,
    use_snapshot: bool,
) -> Result<Recovered> {
    let io = |what: &str, e| Error::storage(format!("{what} in {}", dir.display()), e);
    fs::create_dir_all(dir).map_err(|e| io("creating directory", e))?;

    let mut bases = Vec::new();
    let mut index_files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io("listing", e))? {
        let entry = entry.map_err(|e| io("listing", e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        if is_stray(name) {
            if path.is_file() {
                fs::remove_file(&path).map_err(|e| io("removing stray file", e))?;
            }
            continue;
        }
        if let Some((base, suffix)) = parse_file_name(name) {
            if base < 0 {
                continue;
            }
            match suffix {
                LOG_SUFFIX => bases.push(base),
                INDEX_SUFFIX | TIME_INDEX_SUFFIX | TXN_INDEX_SUFFIX => {
                    index_files.push((base, path))
                }
                _ => {}
            }
        }
    }
    bases.sort_unstable();
    for (base, path) in index_files {
        if bases.binary_search(&base).is_err() {
            fs::remove_file(&path).map_err(|e| io("removing orphan index", e))?;
        }
    }

    let mut rec = Recovered {
        segments: Vec::with_capacity(bases.len().max(1)),
        log_end_offset: 0,
        producers: ProducerStateManager::new(),
        epochs: LeaderEpochCache::new(dir),
        truncated_bytes: 0,
        deleted_segments: 0,
        snapshot: None,
        unscanned_segments: 0,
    };
    // Batches below `replay_from` are in the snapshot's state already.
    let mut replay_from = i64::MIN;
    // Segments below `light_end` are opened from their indexes.
    let mut light_end = i64::MIN;
    if use_snapshot {
        if let Some((offset, producers)) = load_snapshot(dir, recovery_point)? {
            rec.snapshot = Some(offset);
            rec.producers = producers;
            replay_from = offset;
            let first_scanned = bases
                .iter()
                .rev()
                .find(|&&b| b <= offset)
                .copied()
                .unwrap_or(i64::MIN);
            if let Some(mut epochs) = LeaderEpochCache::read_checkpoint(dir) {
                epochs.retain(|&(_, start)| start < first_scanned);
                rec.epochs.set_entries(epochs);
                light_end = first_scanned;
            }
        }
    }
    let n = bases.len();
    let mut expected: Option<i64> = None;
    for i in 0..n {
        let base = bases[i];
        let is_last = i + 1 == n;
        if !is_last && bases[i + 1] <= light_end {
            let mut seg = Segment::open(dir, base).map_err(|e| io("opening segment", e))?;
            if open_from_indexes(&mut seg)
                .map_err(|e| Error::storage(format!("opening {}", seg.log_path.display()), e))?
            {
                rec.unscanned_segments += 1;
                expected = Some(seg.next_offset);
                rec.segments.push(seg);
                continue;
            }
        }
        let verify = is_last || bases[i + 1] > recovery_point;
        if verify && expected.is_some_and(|e| e > base) {
            // Overlapping segments: nothing from here on is trusted. (Gaps are
            // normal: compaction removes records and whole batches.)
            delete_segments(dir, &bases[i..], &mut rec)?;
            break;
        }
        let mut seg = Segment::open(dir, base).map_err(|e| io("opening segment", e))?;
        let file_len = seg.size;
        let outcome = scan_segment(
            &mut seg,
            verify,
            is_last,
            index_interval,
            replay_from,
            &mut rec,
        )
        .map_err(|e| Error::storage(format!("recovering {}", seg.log_path.display()), e))?;
        rec.truncated_bytes += file_len - seg.size;
        expected = Some(seg.next_offset);
        rec.segments.push(seg);
        if outcome.truncated {
            delete_segments(dir, &bases[i + 1..], &mut rec)?;
            break;
        }
    }
    if rec.segments.is_empty() {
        let seg = Segment::create(dir, 0).map_err(|e| io("creating first segment", e))?;
        rec.segments.push(seg);
    }
    rec.log_end_offset = rec.segments.last().map_or(0, |s| s.next_offset);
    let (start, end) = (rec.segments[0].base_offset, rec.log_end_offset);
    producer_snapshot::delete_where(dir, |o| o > end || (o < start && Some(o) != rec.snapshot))
        .map_err(|e| io("deleting snapshots", e))?;
    Ok(rec)
}

/// Opens a closed segment below the producer snapshot without scanning it:
/// its end from the batches after the last offset index entry, its max
/// timestamp from the last time index entry (and those batches). False when
/// the indexes do not allow it (the caller scans the segment instead).
fn open_from_indexes(seg: &mut Segment) -> std::io::Result<bool> {
    if seg.size == 0 {
        return Ok(false);
    }
    if !seg.offset_index.is_sane(seg.size) || !seg.time_index.is_ordered() {
        return Ok(false);
    }
    let start = seg.offset_index.last().map_or(0, |e| e.position as u64);
    let last_time = seg.time_index.last();
    if last_time.is_none() && start > 0 {
        return Ok(false);
    }
    let (mut max_ts, mut max_off) = last_time.map_or((NO_TIMESTAMP, -1), |t| {
        (t.timestamp, seg.time_index.offset_of(&t))
    });
    let file = seg.log.clone();
    let mut scanner = BatchScanner::new(&file, start, seg.size, SCAN_CHUNK.min(64 * 1024));
    let mut next = None;
    loop {
        match scanner.next_batch()? {
            ScanStep::End => break,
            ScanStep::Stop { .. } => return Ok(false),
            ScanStep::Batch { header: h, .. } => {
                if h.max_timestamp > max_ts {
                    max_ts = h.max_timestamp;
                    max_off = h.last_offset();
                }
                next = Some(h.last_offset() + 1);
            }
        }
    }
    let Some(next) = next else {
        return Ok(false);
    };
    if next <= seg.base_offset || !seg.time_index.is_sane(next) {
        return Ok(false);
    }
    seg.next_offset = next;
    seg.max_timestamp = max_ts;
    seg.offset_of_max_timestamp = max_off;
    seg.release_index_handles();
    Ok(true)
}

fn delete_segments(dir: &Path, bases: &[i64], rec: &mut Recovered) -> Result<()> {
    for &b in bases {
        Segment::delete_files(dir, b)
            .map_err(|e| Error::storage(format!("deleting segment {b} in {}", dir.display()), e))?;
        rec.deleted_segments += 1;
    }
    Ok(())
}

/// Scans one segment, replaying its batches into `rec` and fixing its files.
fn scan_segment(
    seg: &mut Segment,
    verify: bool,
    is_last: bool,
    index_interval: u64,
    replay_from: i64,
    rec: &mut Recovered,
) -> std::io::Result<ScanOutcome> {
    let file = seg.log.clone();
    let mut scanner = BatchScanner::new(&file, 0, seg.size, SCAN_CHUNK);
    let mut expected = seg.base_offset;
    let mut valid_end = 0u64;
    let mut offset_entries = Vec::new();
    let mut time_entries: Vec<TimeEntry> = Vec::new();
    let mut bytes_since = 0u64;
    let mut max_ts = NO_TIMESTAMP;
    let mut max_off = -1i64;
    let mut first_ts = None;
    let mut stopped = false;
    let mut aborted = Vec::new();
    loop {
        let (position, h) = match scanner.next_batch()? {
            ScanStep::End => break,
            ScanStep::Stop { .. } => {
                stopped = true;
                break;
            }
            ScanStep::Batch { position, header } => (position, header),
        };
        // Offsets increase; compaction leaves gaps (between batches, and
        // before a segment's first batch). Relative offsets and positions must fit the indexes.
        let sane = h.base_offset >= expected
            && h.last_offset_delta >= 0
            && h.records_count >= 0
            && h.last_offset() - seg.base_offset <= u32::MAX as i64
            && position + h.size() <= u32::MAX as u64;
        if !sane || (verify && !scanner.crc_matches(position, &h)?) {
            stopped = true;
            break;
        }
        if h.max_timestamp > max_ts {
            max_ts = h.max_timestamp;
            max_off = h.last_offset();
        }
        if bytes_since > index_interval {
            offset_entries.push(OffsetEntry {
                relative_offset: (h.last_offset() - seg.base_offset) as u32,
                position: position as u32,
            });
            if time_entries.last().is_none_or(|l| max_ts > l.timestamp) {
                time_entries.push(TimeEntry {
                    timestamp: max_ts,
                    relative_offset: (max_off - seg.base_offset) as u32,
                });
            }
            bytes_since = 0;
        }
        bytes_since += h.size();
        first_ts.get_or_insert(h.max_timestamp);
        if h.base_offset < replay_from {
            // Below the producer snapshot: its state holds this batch.
        } else if h.is_control() && h.has_producer_id() {
            let lso = rec
                .producers
                .last_stable_offset_after(h.producer_id, h.base_offset);
            // The marker's record: ABORT or COMMIT, and the coordinator epoch.
            let marker = parse_marker(&read_exact(&file, position, h.size() as usize)?, &h);
            let ended = rec
                .producers
                .replay(&h, marker.map(|m| m.coordinator_epoch));
            if let (Some(first), Some(m)) = (ended, marker) {
                if !m.commit {
                    aborted.push(AbortedTxn {
                        producer_id: h.producer_id,
                        first_offset: first,
                        last_offset: h.base_offset,
                        last_stable_offset: lso,
                    });
                }
            }
        } else {
            rec.producers.replay(&h, None);
        }
        rec.epochs.observe(h.partition_leader_epoch, h.base_offset);
        expected = h.last_offset() + 1;
        valid_end = position + h.size();
    }
    drop(scanner);
    let truncated = stopped || valid_end < seg.size;
    if truncated {
        seg.log.set_len(valid_end)?;
        seg.size = valid_end;
    }
    if !is_last
        && !truncated
        && max_off >= 0
        && time_entries.last().is_none_or(|l| max_ts > l.timestamp)
    {
        // The entry Kafka adds when a segment stops being active.
        time_entries.push(TimeEntry {
            timestamp: max_ts,
            relative_offset: (max_off - seg.base_offset) as u32,
        });
    }
    if seg.base_offset >= replay_from {
        if seg.txn_index.entries() != aborted.as_slice() {
            seg.txn_index.reset(aborted)?;
        }
    } else {
        // Partly below the snapshot: the markers there were not replayed, so
        // the file is kept, and entries from here on come from the scan.
        let mut kept: Vec<AbortedTxn> = seg
            .txn_index
            .entries()
            .iter()
            .copied()
            .filter(|e| e.last_offset < replay_from)
            .collect();
        kept.extend(aborted);
        if seg.txn_index.entries() != kept.as_slice() {
            seg.txn_index.reset(kept)?;
        }
    }
    let mut rewrote = false;
    if seg.offset_index.entries() != offset_entries.as_slice()
        || !seg.offset_index.is_sane(seg.size.max(1))
    {
        seg.offset_index.reset(offset_entries)?;
        rewrote = true;
    }
    if seg.time_index.entries() != time_entries.as_slice() || !seg.time_index.is_sane(expected) {
        seg.time_index.reset(time_entries)?;
        rewrote = true;
    }
    seg.next_offset = expected;
    seg.max_timestamp = max_ts;
    seg.offset_of_max_timestamp = max_off;
    seg.bytes_since_last_index = bytes_since;
    seg.rolling_ms = first_ts.filter(|&t| t >= 0);
    if verify || truncated {
        seg.sync()?;
    }
    if !is_last && !truncated {
        // A closed segment's indexes are only read from memory from now on.
        if rewrote && !verify {
            seg.offset_index.sync()?;
            seg.time_index.sync()?;
        }
        seg.release_index_handles();
    }
    Ok(ScanOutcome { truncated })
}
