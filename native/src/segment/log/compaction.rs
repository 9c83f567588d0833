//! Compaction of one partition log (`cleanup.policy=compact`), in three
//! phases so appends and fetches are never blocked for long:
//!
//! 1. under the log lock: a plan — which closed segments are cleanable (never
//!    the active one, nothing younger than `min.compaction.lag.ms`), where the
//!    dirty part starts, and whether it is worth it (`min.cleanable.dirty.ratio`,
//!    or `max.compaction.lag.ms` overdue);
//! 2. without the lock (committed segment bytes are immutable): the key ->
//!    latest offset map of the dirty part, then one `<base>.log.cleaned` file
//!    per segment with only the surviving records, fsynced;
//! 3. under the lock again: each cleaned file is renamed over its segment's
//!    `.log` (one atomic rename: a crash leaves the old or the new segment,
//!    never a mix), the indexes rewritten, the segment reopened. Segments that
//!    retention or DeleteRecords removed meanwhile are skipped and their
//!    cleaned files deleted. Recovery deletes stray `*.cleaned` files and
//!    rebuilds indexes that do not match their log.
//!
//! Survivors keep their offsets; a record survives when no later record in
//! the dirty part has its key, except tombstones whose batch is older than
//! `delete.retention.ms`, which go once they are the latest for their key.
//!
//! Active producers (Kafka's `RETAIN_EMPTY`): the last data batch of each
//! producer the partition's state holds when the pass is planned stays, as
//! its header alone (no records, see `cleaner::empty_batch`) when none of its
//! records survive, so that a follower or a rebuild of the producer state
//! from the log (no snapshot) still finds the producer's epoch and last
//! sequence and answers a retry of that batch as a duplicate. Once the
//! producer has written a newer batch, or has expired
//! (`producer.id.expiration.ms`), a pass drops it like any batch left without
//! records. A producer whose state holds no data batch keeps its marker of
//! the current epoch (whole) the same way.
//!
//! Transactions (as Kafka's cleaner): nothing at or past the first unstable
//! offset is cleaned (an open transaction may still abort); batches of aborted
//! transactions (per the `.txnindex` entries) are removed and their keys never
//! shadow older records. A transaction marker (control batch) goes in two
//! steps, Kafka's rule (KIP-534): a pass that meets no data batch of its
//! transaction before it (all removed by earlier passes) stamps it with a
//! delete horizon, now + `delete.retention.ms` (attribute bit 0x40, the
//! horizon in the base timestamp field); a pass after the horizon removes it,
//! and with an ABORT marker its `.txnindex` entry. Until then consumers that
//! read the transaction's data still get the marker that ends it.

use super::{storage, sync_dir, Log};
use crate::batch::control::parse_marker;
use crate::batch::{update_crc, BatchHeader, BASE_TIMESTAMP_OFFSET, DELETE_HORIZON_MASK};
use crate::error::{Error, Result};
use crate::index::txn_index::AbortedTxn;
use crate::index::{OffsetEntry, TimeEntry};
use crate::segment::{file_name, Segment, LOG_SUFFIX};
use cleaner::{
    empty_batch, filter_batch, for_each_batch, for_each_record, is_cleanable, Filtered, OffsetMap,
};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Per-pass settings (Kafka topic config names in comments).
#[derive(Debug, Clone, Copy)]
pub struct CompactionConfig {
    /// First offset not yet cleaned (the cleaner checkpoint); 0 when unknown.
    pub first_dirty_offset: i64,
    /// `min.cleanable.dirty.ratio`.
    pub min_cleanable_ratio: f64,
    /// `min.compaction.lag.ms`.
    pub min_compaction_lag_ms: i64,
    /// `max.compaction.lag.ms`: clean regardless of the ratio when the dirty part is older.
    pub max_compaction_lag_ms: i64,
    /// `delete.retention.ms`.
    pub delete_retention_ms: i64,
    /// Clean even below the ratio (tests, tools).
    pub force: bool,
    pub now_ms: i64,
    /// `log.cleaner.dedupe.buffer.size`: memory for the key map; a pass that
    /// fills it cleans only up to the last segment it mapped (at least one);
    /// the next pass continues from there. 0: unbounded.
    pub max_map_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompactionStats {
    /// False when nothing was due (no cleanable segment, ratio not reached).
    pub cleaned: bool,
    pub dirty_ratio: f64,
    pub segments_cleaned: u32,
    pub segments_removed: u32,
    pub bytes_read: u64,
    pub bytes_written: u64,
    pub records_read: u64,
    pub records_removed: u64,
    pub keys: u64,
    /// The next pass starts its dirty part here (persist it as the cleaner checkpoint).
    pub first_dirty_offset: i64,
    /// When the oldest tombstone kept by this pass passes `delete.retention.ms`,
    /// or a transaction marker may be stamped or removed (`i64::MAX`: none
    /// kept): a pass then removes it even with nothing dirty.
    pub tombstones_due_ms: i64,
}

impl Default for CompactionStats {
    fn default() -> Self {
        CompactionStats {
            cleaned: false,
            dirty_ratio: 0.0,
            segments_cleaned: 0,
            segments_removed: 0,
            bytes_read: 0,
            bytes_written: 0,
            records_read: 0,
            records_removed: 0,
            keys: 0,
            first_dirty_offset: 0,
            tombstones_due_ms: i64::MAX,
        }
    }
}

/// A closed segment as the cleaner sees it (its bytes are immutable).
#[derive(Clone)]
struct SegmentView {
    base_offset: i64,
    file: Arc<File>,
    size: u64,
    next_offset: i64,
    max_timestamp: i64,
}

struct Plan {
    dir: PathBuf,
    index_interval: u64,
    /// Every cleanable segment, from the log start.
    segments: Vec<SegmentView>,
    /// Index into `segments` of the first one holding dirty offsets.
    first_dirty: usize,
    end_offset: i64,
    dirty_ratio: f64,
    /// The log's truncation count when planned: a truncation meanwhile may
    /// have cut a planned segment in place (same file), so nothing is swapped in.
    truncations: u64,
    /// Aborted transactions, by producer id: (first offset, marker offset).
    aborted: HashMap<i64, Vec<(i64, i64)>>,
    /// The active producers when planned (expired ones are gone from the
    /// state): producer id -> (last offset of its last data batch, -1 when
    /// the state holds none; its epoch).
    active_producers: HashMap<i64, (i64, i16)>,
}

impl Plan {
    /// Whether `h` is data of an aborted transaction (removed by cleaning).
    fn is_aborted(&self, h: &BatchHeader) -> bool {
        h.is_transactional()
            && !h.is_control()
            && self.aborted.get(&h.producer_id).is_some_and(|v| {
                v.iter()
                    .any(|&(first, last)| first <= h.base_offset && h.base_offset <= last)
            })
    }

    /// Whether `h` is what keeps an active producer's state in the log
    /// (Kafka's `isBatchLastRecordOfProducer`): its last data batch, or, when
    /// the state holds no data batch, a marker of its current epoch. Such a
    /// batch stays even when none of its records survive.
    fn retains(&self, h: &BatchHeader) -> bool {
        h.has_producer_id()
            && self.active_producers.get(&h.producer_id).is_some_and(
                |&(last_data_offset, epoch)| {
                    if last_data_offset >= 0 {
                        h.last_offset() == last_data_offset
                    } else {
                        h.is_control() && h.producer_epoch == epoch
                    }
                },
            )
    }
}

fn aborted_by_producer<'a>(
    txns: impl Iterator<Item = &'a AbortedTxn>,
) -> HashMap<i64, Vec<(i64, i64)>> {
    let mut m: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for t in txns {
        m.entry(t.producer_id)
            .or_default()
            .push((t.first_offset, t.last_offset));
    }
    m
}

/// One rewritten segment, ready to be swapped in.
struct Cleaned {
    view: SegmentView,
    /// `None`: nothing survived, the segment goes.
    output: Option<CleanedFile>,
}

struct CleanedFile {
    path: PathBuf,
    size: u64,
    next_offset: i64,
    max_timestamp: i64,
    offset_of_max_timestamp: i64,
    offset_entries: Vec<OffsetEntry>,
    time_entries: Vec<TimeEntry>,
    bytes_since_last_index: u64,
    /// Offsets of the ABORT markers this pass removed (their `.txnindex` entries go).
    removed_aborts: Vec<i64>,
}

/// Transactions met so far in one pass (Kafka's `CleanedTransactionMetadata`):
/// producers whose current transaction had a data batch in this pass (all of
/// an aborted one's go; for a committed one, whether one of them survived).
#[derive(Default)]
struct TxnsSeen {
    aborted: HashSet<i64>,
    committed: HashMap<i64, bool>,
}

/// What becomes of one transaction marker: kept as it is, stamped with a
/// delete horizon, or removed (the horizon has passed).
fn clean_marker(
    bytes: &[u8],
    h: &BatchHeader,
    txns: &mut TxnsSeen,
    now_ms: i64,
    delete_retention_ms: i64,
    due_ms: &mut i64,
) -> (Filtered, bool) {
    let Some(m) = parse_marker(bytes, h) else {
        return (Filtered::Unchanged, false);
    };
    let aborted_data = txns.aborted.remove(&h.producer_id);
    let committed_data = txns.committed.remove(&h.producer_id);
    if aborted_data || committed_data.is_some() {
        if aborted_data || committed_data == Some(false) {
            // This pass removed the transaction's last data: the next pass
            // stamps the marker, so it is due now.
            *due_ms = (*due_ms).min(now_ms);
        }
        return (Filtered::Unchanged, false);
    }
    if h.attributes & DELETE_HORIZON_MASK != 0 {
        if now_ms >= h.base_timestamp {
            return (Filtered::Empty, !m.commit);
        }
        *due_ms = (*due_ms).min(h.base_timestamp);
        return (Filtered::Unchanged, false);
    }
    let horizon = now_ms.saturating_add(delete_retention_ms);
    let mut b = bytes.to_vec();
    crate::batch::set_attributes(&mut b, h.attributes | DELETE_HORIZON_MASK);
    b[BASE_TIMESTAMP_OFFSET..BASE_TIMESTAMP_OFFSET + 8].copy_from_slice(&horizon.to_be_bytes());
    update_crc(&mut b);
    *due_ms = (*due_ms).min(horizon);
    (Filtered::Rebuilt(b), false)
}

impl Log {
    fn compaction_plan(&self, cfg: &CompactionConfig) -> Option<Plan> {
        let closed = &self.segments[..self.segments.len() - 1];
        let lag_horizon = cfg.now_ms.saturating_sub(cfg.min_compaction_lag_ms.max(0));
        let unstable = self.first_unstable_offset();
        // Cleanable: closed segments whose newest record is at least min.compaction.lag.ms old,
        // below the first unstable offset (Kafka's firstUncleanableDirtyOffset).
        let n = closed
            .iter()
            .take_while(|s| cfg.min_compaction_lag_ms <= 0 || s.max_timestamp <= lag_horizon)
            .take_while(|s| unstable.is_none_or(|u| s.next_offset <= u))
            .count();
        if n == 0 {
            return None;
        }
        let segments: Vec<SegmentView> = closed[..n]
            .iter()
            .map(|s| SegmentView {
                base_offset: s.base_offset,
                file: s.log.clone(),
                size: s.size,
                next_offset: s.next_offset,
                max_timestamp: s.max_timestamp,
            })
            .collect();
        // With nothing dirty, only a forced pass (tombstones due) has work.
        let first_dirty = segments
            .iter()
            .position(|s| s.next_offset > cfg.first_dirty_offset)
            .unwrap_or(segments.len());
        if first_dirty == segments.len() && !cfg.force {
            return None;
        }
        let dirty: u64 = segments[first_dirty..].iter().map(|s| s.size).sum();
        let total: u64 = segments.iter().map(|s| s.size).sum();
        let dirty_ratio = if total == 0 {
            0.0
        } else {
            dirty as f64 / total as f64
        };
        let overdue = segments.get(first_dirty).is_some_and(|s| {
            cfg.max_compaction_lag_ms > 0
                && s.max_timestamp >= 0
                && s.max_timestamp < cfg.now_ms.saturating_sub(cfg.max_compaction_lag_ms)
        });
        if !(cfg.force || overdue || (dirty > 0 && dirty_ratio >= cfg.min_cleanable_ratio)) {
            return None;
        }
        Some(Plan {
            dir: self.dir.clone(),
            index_interval: self.config.index_interval_bytes.max(0) as u64,
            end_offset: segments[n - 1].next_offset,
            segments,
            first_dirty,
            dirty_ratio,
            truncations: self.truncations,
            aborted: aborted_by_producer(
                self.segments
                    .iter()
                    .flat_map(|s| s.txn_index.entries().iter()),
            ),
            active_producers: self
                .producers
                .iter()
                .map(|(&pid, e)| (pid, (e.last_data_offset(), e.epoch)))
                .collect(),
        })
    }

    /// Phase 3: swap cleaned files in; returns (segments swapped, segments removed).
    fn install_cleaned(&mut self, cleaned: Vec<Cleaned>) -> Result<(u32, u32)> {
        let dir = self.dir.clone();
        let mut swapped = 0;
        let mut removed_bases = Vec::new();
        let mut first_err = None;
        for c in cleaned {
            let idx = self.segments[..self.segments.len() - 1]
                .iter()
                .position(|s| {
                    s.base_offset == c.view.base_offset && Arc::ptr_eq(&s.log, &c.view.file)
                });
            let Some(idx) = idx else {
                // Retention or DeleteRecords removed it meanwhile.
                if let Some(out) = c.output {
                    let _ = std::fs::remove_file(&out.path);
                }
                continue;
            };
            match c.output {
                // The first segment stays (empty) so the log start offset does not move:
                // consumers positioned in the cleaned-out range read on from the next batch.
                None if idx == 0 => match swap_in_empty(&dir, c.view.base_offset) {
                    Ok(seg) => {
                        self.segments[idx] = seg;
                        swapped += 1;
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                },
                None => removed_bases.push(idx),
                Some(out) => match swap_in(&dir, c.view.base_offset, &out) {
                    Ok(seg) => {
                        self.segments[idx] = seg;
                        swapped += 1;
                    }
                    Err(e) => {
                        let _ = std::fs::remove_file(&out.path);
                        first_err.get_or_insert(e);
                    }
                },
            }
        }
        // Segments with no survivors: unlink, log file first (a crash leaves orphan indexes
        // that recovery removes). Removing from the back keeps the indexes valid.
        let removed = removed_bases.len() as u32;
        for idx in removed_bases.into_iter().rev() {
            let seg = self.segments.remove(idx);
            let base = seg.base_offset;
            drop(seg);
            if let Err(e) = Segment::delete_files(&dir, base) {
                first_err.get_or_insert(storage("deleting cleaned-out segment", &dir, e));
            }
        }
        sync_dir(&dir).map_err(|e| storage("syncing directory", &dir, e))?;
        match first_err {
            Some(e) => Err(e),
            None => Ok((swapped, removed)),
        }
    }
}

/// Replaces the segment's log with an empty one (atomically, like any swap).
fn swap_in_empty(dir: &Path, base: i64) -> Result<Segment> {
    let path = dir.join(format!("{}.cleaned", file_name(base, LOG_SUFFIX)));
    let f = File::create(&path).map_err(|e| storage("writing empty cleaned segment", dir, e))?;
    f.sync_all()
        .map_err(|e| storage("writing empty cleaned segment", dir, e))?;
    let out = CleanedFile {
        path,
        size: 0,
        next_offset: base,
        max_timestamp: crate::batch::NO_TIMESTAMP,
        offset_of_max_timestamp: -1,
        offset_entries: Vec::new(),
        time_entries: Vec::new(),
        bytes_since_last_index: 0,
        removed_aborts: Vec::new(),
    };
    let mut seg = swap_in(dir, base, &out).inspect_err(|_| {
        let _ = std::fs::remove_file(&out.path);
    })?;
    // No marker is left, so no aborted transaction ends here.
    if !seg.txn_index.entries().is_empty() {
        seg.txn_index
            .reset(Vec::new())
            .map_err(|e| storage("writing cleaned transaction index", dir, e))?;
    }
    Ok(seg)
}

/// Renames the cleaned file over the segment's log and reopens it with fresh indexes.
fn swap_in(dir: &Path, base: i64, out: &CleanedFile) -> Result<Segment> {
    let log_path = dir.join(file_name(base, LOG_SUFFIX));
    std::fs::rename(&out.path, &log_path)
        .map_err(|e| storage("swapping cleaned segment", dir, e))?;
    let mut seg =
        Segment::open(dir, base).map_err(|e| storage("reopening cleaned segment", dir, e))?;
    seg.offset_index
        .reset(out.offset_entries.clone())
        .map_err(|e| storage("writing cleaned offset index", dir, e))?;
    seg.time_index
        .reset(out.time_entries.clone())
        .map_err(|e| storage("writing cleaned time index", dir, e))?;
    if !out.removed_aborts.is_empty() {
        let kept: Vec<AbortedTxn> = seg
            .txn_index
            .entries()
            .iter()
            .copied()
            .filter(|t| !out.removed_aborts.contains(&t.last_offset))
            .collect();
        seg.txn_index
            .reset(kept)
            .map_err(|e| storage("writing cleaned transaction index", dir, e))?;
    }
    seg.size = out.size;
    seg.next_offset = out.next_offset;
    seg.max_timestamp = out.max_timestamp;
    seg.offset_of_max_timestamp = out.offset_of_max_timestamp;
    seg.bytes_since_last_index = out.bytes_since_last_index;
    seg.rolling_ms = None;
    seg.sync()
        .map_err(|e| storage("syncing cleaned segment", dir, e))?;
    Ok(seg)
}

/// Runs one compaction pass over the log behind `shared` (see the module doc for the phases).
pub fn compact(shared: &Mutex<Option<Log>>, cfg: &CompactionConfig) -> Result<CompactionStats> {
    compact_with(shared, cfg, |_| {})
}

/// `compact`, calling `before_install` between phases 2 and 3 (without the
/// lock), where other threads may change the log (tests do, through it).
fn compact_with(
    shared: &Mutex<Option<Log>>,
    cfg: &CompactionConfig,
    before_install: impl FnOnce(&Mutex<Option<Log>>),
) -> Result<CompactionStats> {
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    let closed = || Error::NotLeaderOrFollower("partition log is closed".into());
    let plan = {
        let guard = lock();
        let log = guard.as_ref().ok_or_else(closed)?;
        log.compaction_plan(cfg)
    };
    let Some(mut plan) = plan else {
        return Ok(CompactionStats {
            first_dirty_offset: cfg.first_dirty_offset,
            ..Default::default()
        });
    };
    let mut stats = CompactionStats {
        cleaned: true,
        dirty_ratio: plan.dirty_ratio,
        first_dirty_offset: plan.end_offset,
        ..Default::default()
    };

    // Phase 2a: the offset map of the dirty part.
    let mut map = OffsetMap::new();
    let mut mapped = plan.segments.len();
    for (i, s) in plan.segments.iter().enumerate().skip(plan.first_dirty) {
        if cfg.max_map_bytes > 0 && i > plan.first_dirty && map.memory() as u64 >= cfg.max_map_bytes
        {
            mapped = i;
            break;
        }
        for_each_batch(&s.file, s.size, |_, h, bytes| {
            stats.bytes_read += bytes.len() as u64;
            if !is_cleanable(h) || plan.is_aborted(h) {
                return Ok(());
            }
            for_each_record(bytes, h, |r| {
                if let Some(k) = r.key {
                    if r.offset >= cfg.first_dirty_offset {
                        map.put(k, r.offset);
                    }
                }
                Ok(())
            })
        })?;
    }
    stats.keys = map.len() as u64;
    if mapped < plan.segments.len() {
        // The map is full: this pass cleans up to the last mapped segment only.
        plan.segments.truncate(mapped);
        stats.first_dirty_offset = plan.segments[mapped - 1].next_offset;
    }

    // Phase 2b: one cleaned file per segment.
    let delete_horizon = cfg.now_ms.saturating_sub(cfg.delete_retention_ms.max(0));
    let mut cleaned = Vec::new();
    let mut txns = TxnsSeen::default();
    let result = (|| -> Result<()> {
        for s in &plan.segments {
            let c = clean_segment(
                &plan,
                s,
                &map,
                (delete_horizon, cfg.now_ms),
                cfg.delete_retention_ms.max(0),
                &mut txns,
                &mut stats,
            )?;
            if let Some(c) = c {
                cleaned.push(c);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for c in &cleaned {
            if let Some(out) = &c.output {
                let _ = std::fs::remove_file(&out.path);
            }
        }
        return Err(e);
    }

    // Phase 3: swap in under the lock.
    before_install(shared);
    let mut guard = lock();
    let discard = |cleaned: &[Cleaned]| {
        for c in cleaned {
            if let Some(out) = &c.output {
                let _ = std::fs::remove_file(&out.path);
            }
        }
    };
    let Some(log) = guard.as_mut() else {
        discard(&cleaned);
        return Err(closed());
    };
    if log.truncations != plan.truncations {
        // A truncation may have cut a planned segment in place (same file) and
        // the log grown again: nothing from this pass is installed, and the
        // dirty part starts where it did (or at the new log end).
        discard(&cleaned);
        return Ok(CompactionStats {
            first_dirty_offset: cfg.first_dirty_offset.min(log.log_end_offset),
            ..Default::default()
        });
    }
    let (swapped, removed) = log.install_cleaned(cleaned)?;
    stats.segments_cleaned = swapped;
    stats.segments_removed = removed;
    Ok(stats)
}

/// Writes the survivors of one segment to `<base>.log.cleaned`; `None` when nothing changes.
fn clean_segment(
    plan: &Plan,
    s: &SegmentView,
    map: &OffsetMap,
    (delete_horizon, now_ms): (i64, i64),
    delete_retention_ms: i64,
    txns: &mut TxnsSeen,
    stats: &mut CompactionStats,
) -> Result<Option<Cleaned>> {
    let path = plan
        .dir
        .join(format!("{}.cleaned", file_name(s.base_offset, LOG_SUFFIX)));
    let mut out = CleanedFile {
        path: path.clone(),
        size: 0,
        next_offset: s.base_offset,
        max_timestamp: crate::batch::NO_TIMESTAMP,
        offset_of_max_timestamp: -1,
        offset_entries: Vec::new(),
        time_entries: Vec::new(),
        bytes_since_last_index: 0,
        removed_aborts: Vec::new(),
    };
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut changed = false;
    let mut file: Option<File> = None;
    let io = |e| Error::storage(format!("writing {}", path.display()), e);
    let flush = |buf: &mut Vec<u8>, file: &mut Option<File>, at: u64| -> Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        if file.is_none() {
            *file = Some(
                OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&path)
                    .map_err(io)?,
            );
        }
        file.as_ref()
            .expect("opened above")
            .write_all_at(buf, at)
            .map_err(io)?;
        buf.clear();
        Ok(())
    };
    let mut written = 0u64;
    for_each_batch(&s.file, s.size, |_, h, bytes| {
        stats.records_read += h.records_count.max(0) as u64;
        let mut kept_tombstone = false;
        let retain = plan.retains(h);
        let filtered = if plan.is_aborted(h) {
            txns.aborted.insert(h.producer_id);
            Filtered::Empty
        } else if h.is_control() && h.has_producer_id() {
            let (f, removed_abort) = clean_marker(
                bytes,
                h,
                txns,
                now_ms,
                delete_retention_ms,
                &mut stats.tombstones_due_ms,
            );
            if retain && matches!(f, Filtered::Empty) {
                // The marker holds its producer's current epoch and the state
                // no data batch: it stays (whole) for fencing.
                Filtered::Unchanged
            } else {
                if removed_abort {
                    out.removed_aborts.push(h.base_offset);
                }
                f
            }
        } else if is_cleanable(h) {
            filter_batch(bytes, h, |r| match r.key {
                None => true,
                Some(k) => {
                    let latest = map.get(k).is_none_or(|o| o <= r.offset);
                    let keep = latest && !(r.tombstone && h.max_timestamp < delete_horizon);
                    kept_tombstone |= keep && r.tombstone;
                    keep
                }
            })?
        } else {
            Filtered::Unchanged
        };
        // An active producer's last data batch stays, as its header alone
        // when no record survives: it carries the producer's last sequence
        // and epoch for a follower or a rebuild of the state from the log.
        // Any other batch left with no record goes (an empty one kept by an
        // earlier pass too, once its producer wrote again or expired).
        let filtered = match filtered {
            Filtered::Empty if retain && !h.is_control() => empty_batch(bytes, h),
            f => f,
        };
        if h.is_transactional() && !h.is_control() && !plan.is_aborted(h) {
            let survived = !matches!(filtered, Filtered::Empty);
            *txns.committed.entry(h.producer_id).or_insert(false) |= survived;
        }
        if kept_tombstone {
            let due = h
                .max_timestamp
                .saturating_add(delete_retention_ms)
                .saturating_add(1);
            stats.tombstones_due_ms = stats.tombstones_due_ms.min(due);
        }
        let kept: &[u8] = match &filtered {
            Filtered::Unchanged => bytes,
            Filtered::Rebuilt(b) => {
                changed = true;
                b.as_slice()
            }
            Filtered::Empty => {
                changed = true;
                stats.records_removed += h.records_count.max(0) as u64;
                return Ok(());
            }
        };
        if let Filtered::Rebuilt(b) = &filtered {
            let left = crate::batch::BatchHeader::parse(b).map_or(0, |x| x.records_count);
            stats.records_removed += (h.records_count - left).max(0) as u64;
        }
        let position = out.size;
        if h.max_timestamp > out.max_timestamp {
            out.max_timestamp = h.max_timestamp;
            out.offset_of_max_timestamp = h.last_offset();
        }
        if out.bytes_since_last_index > plan.index_interval {
            out.offset_entries.push(OffsetEntry {
                relative_offset: (h.last_offset() - s.base_offset) as u32,
                position: position as u32,
            });
            if out
                .time_entries
                .last()
                .is_none_or(|l| out.max_timestamp > l.timestamp)
            {
                out.time_entries.push(TimeEntry {
                    timestamp: out.max_timestamp,
                    relative_offset: (out.offset_of_max_timestamp - s.base_offset) as u32,
                });
            }
            out.bytes_since_last_index = 0;
        }
        out.bytes_since_last_index += kept.len() as u64;
        out.size += kept.len() as u64;
        out.next_offset = h.last_offset() + 1;
        buf.extend_from_slice(kept);
        if buf.len() >= 1 << 20 {
            let n = buf.len() as u64;
            flush(&mut buf, &mut file, written)?;
            written += n;
        }
        Ok(())
    })?;
    if !changed {
        if file.is_some() {
            let _ = std::fs::remove_file(&path);
        }
        return Ok(None);
    }
    if out.size == 0 {
        if file.is_some() {
            let _ = std::fs::remove_file(&path);
        }
        return Ok(Some(Cleaned {
            view: s.clone(),
            output: None,
        }));
    }
    // The sealed segment's final time-index entry (as a roll would add).
    if out.offset_of_max_timestamp >= 0
        && out
            .time_entries
            .last()
            .is_none_or(|l| out.max_timestamp > l.timestamp)
    {
        out.time_entries.push(TimeEntry {
            timestamp: out.max_timestamp,
            relative_offset: (out.offset_of_max_timestamp - s.base_offset) as u32,
        });
    }
    flush(&mut buf, &mut file, written)?;
    let f = file.expect("written above");
    f.sync_data().map_err(io)?;
    drop(f);
    stats.bytes_written += out.size;
    Ok(Some(Cleaned {
        view: s.clone(),
        output: Some(out),
    }))
}

pub mod cleaner;
#[cfg(test)]
mod tests;
