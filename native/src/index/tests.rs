//! Both instances of the sparse index: the shared file handling (append,
//! truncate, reset, reopen, torn files), each kind's lookups and sanity
//! checks, and the bytes on disk exactly as Kafka lays them out.

use super::*;
use crate::test_util::TempDir;

fn oe(relative_offset: u32, position: u32) -> OffsetEntry {
    OffsetEntry {
        relative_offset,
        position,
    }
}

fn te(timestamp: i64, relative_offset: u32) -> TimeEntry {
    TimeEntry {
        timestamp,
        relative_offset,
    }
}

/// What every entry kind gets from the generic index, checked on disk.
fn append_truncate_reset_reopen<E: IndexEntry>(tag: &str, entries: [E; 3]) {
    let dir = TempDir::new(tag);
    let path = dir.path().join("00000000000000000100.idx");
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let mut idx: SparseIndex<E> = SparseIndex::open(&path, 100).unwrap();
    assert!(idx.is_empty() && !idx.is_torn() && idx.is_ordered());
    assert_eq!(size(&path), 0, "created empty, never preallocated");

    idx.append(&entries[..2]).unwrap();
    idx.append(&[]).unwrap();
    idx.append(&entries[2..]).unwrap();
    assert_eq!(idx.entries(), &entries);
    assert_eq!(size(&path), 3 * E::SIZE as u64);
    assert!(idx.is_ordered());
    assert_eq!(
        idx.offset_of(&entries[1]),
        100 + entries[1].relative_offset() as i64
    );

    let again: SparseIndex<E> = SparseIndex::open(&path, 100).unwrap();
    assert_eq!(again.entries(), &entries, "reopened from disk");
    assert_eq!(again.base_offset(), 100);
    drop(again);

    idx.truncate_entries(5).unwrap(); // more than there are: nothing to drop
    assert_eq!(idx.len(), 3);
    idx.truncate_entries(1).unwrap();
    assert_eq!(idx.entries(), &entries[..1]);
    assert_eq!(size(&path), E::SIZE as u64);

    // A released handle is reopened by the next write.
    idx.sync().unwrap();
    assert!(idx.sync_handle().unwrap().is_some());
    idx.release();
    assert!(idx.sync_handle().unwrap().is_none());
    idx.sync().unwrap();
    assert_eq!(idx.last(), Some(entries[0]), "lookups work from memory");
    idx.append(&entries[1..]).unwrap();
    assert_eq!(size(&path), 3 * E::SIZE as u64);

    // By offset: entries naming the offset or a later one go.
    let third = idx.offset_of(&entries[2]);
    idx.truncate_to_offset(third + 1).unwrap();
    assert_eq!(idx.len(), 3);
    idx.truncate_to_offset(third).unwrap();
    assert_eq!(idx.entries(), &entries[..2]);
    assert_eq!(size(&path), 2 * E::SIZE as u64);
    idx.truncate_to_offset(0).unwrap();
    assert!(idx.is_empty());
    idx.append(&entries).unwrap();

    idx.reset(vec![entries[2]]).unwrap();
    assert_eq!(size(&path), E::SIZE as u64);
    let again: SparseIndex<E> = SparseIndex::open(&path, 100).unwrap();
    assert_eq!(again.entries(), &entries[2..]);
}

#[test]
fn offset_index_append_truncate_reset_reopen() {
    append_truncate_reset_reopen("oidx-file", [oe(9, 0), oe(19, 4000), oe(29, 8000)]);
}

#[test]
fn time_index_append_truncate_reset_reopen() {
    append_truncate_reset_reopen("tidx-file", [te(-5, 0), te(100, 14), te(200, 20)]);
}

#[test]
fn offset_entries_on_disk_are_relative_offset_then_position_big_endian() {
    let dir = TempDir::new("oidx-bytes");
    let path = dir.path().join("00000000000000000000.index");
    let mut idx = OffsetIndex::open(&path, 0).unwrap();
    idx.append(&[oe(0x0102_0304, 0x0a0b_0c0d), oe(u32::MAX, 0xffff_fffe)])
        .unwrap();
    assert_eq!(OffsetEntry::SIZE, 8);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [
            0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, //
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        ]
    );
}

#[test]
fn time_entries_on_disk_are_timestamp_then_relative_offset_big_endian() {
    let dir = TempDir::new("tidx-bytes");
    let path = dir.path().join("00000000000000000000.timeindex");
    let mut idx = TimeIndex::open(&path, 0).unwrap();
    idx.append(&[te(-1, 7), te(0x0102_0304_0506_0708, 0x0a0b_0c0d)])
        .unwrap();
    assert_eq!(TimeEntry::SIZE, 12);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x07, //
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0a, 0x0b, 0x0c, 0x0d,
        ]
    );
}

#[test]
fn files_written_in_kafkas_layout_are_read_back() {
    let dir = TempDir::new("idx-kafka");
    // Segment base 1000: batches ending at offsets 1009 (at 0) and 1019 (at 4096).
    let idx_path = dir.path().join("00000000000000001000.index");
    std::fs::write(
        &idx_path,
        [0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 19, 0, 0, 16, 0],
    )
    .unwrap();
    let idx = OffsetIndex::open(&idx_path, 1000).unwrap();
    assert_eq!(idx.entries(), &[oe(9, 0), oe(19, 4096)]);
    assert_eq!(idx.lookup(1019), 4096);
    // Max timestamp 1_700_000_000_000 (0x018b_cfe5_6800) reached by offset 1019.
    let tidx_path = dir.path().join("00000000000000001000.timeindex");
    std::fs::write(
        &tidx_path,
        [0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, 0, 0, 0, 19],
    )
    .unwrap();
    let tidx = TimeIndex::open(&tidx_path, 1000).unwrap();
    assert_eq!(tidx.entries(), &[te(1_700_000_000_000, 19)]);
    assert_eq!(tidx.lookup(1_700_000_000_001), 1019);
}

#[test]
fn torn_file_detected_and_reset() {
    let dir = TempDir::new("index");
    let path = dir.path().join("x.index");
    std::fs::write(&path, [0u8; 13]).unwrap();
    let mut idx = OffsetIndex::open(&path, 0).unwrap();
    assert!(idx.is_torn());
    assert!(!idx.is_ordered());
    assert_eq!(idx.entries().len(), 1);
    idx.reset(vec![]).unwrap();
    assert!(!idx.is_torn());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    idx.append(&[oe(1, 2)]).unwrap();
    idx.append(&[oe(3, 4)]).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]
    );

    let tpath = dir.path().join("x.timeindex");
    std::fs::write(&tpath, [0u8; 25]).unwrap();
    let tidx = TimeIndex::open(&tpath, 0).unwrap();
    assert!(tidx.is_torn());
    assert_eq!(tidx.len(), 2);
    assert!(!tidx.is_sane(100));
}

#[test]
fn offset_lookup_finds_floor_entry() {
    let dir = TempDir::new("oidx");
    let mut idx = OffsetIndex::open(&dir.path().join("a.index"), 100).unwrap();
    assert_eq!(idx.lookup(150), 0);
    idx.append(&[oe(9, 4000), oe(19, 8000)]).unwrap();
    assert_eq!(idx.lookup(50), 0);
    assert_eq!(idx.lookup(108), 0);
    assert_eq!(idx.lookup(109), 4000);
    assert_eq!(idx.lookup(118), 4000);
    assert_eq!(idx.lookup(119), 8000);
    assert_eq!(idx.lookup(10_000), 8000);
    assert_eq!(idx.lookup(i64::MAX), 8000);
    assert!(idx.is_sane(8001));
    assert!(!idx.is_sane(8000));
    let again = OffsetIndex::open(&dir.path().join("a.index"), 100).unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(again.lookup(119), 8000);
}

#[test]
fn offset_index_sanity_needs_strictly_increasing_offsets_and_positions() {
    let dir = TempDir::new("oidx-sane");
    let mut idx = OffsetIndex::open(&dir.path().join("a.index"), 0).unwrap();
    assert!(idx.is_sane(0), "empty is sane");
    idx.append(&[oe(9, 100), oe(9, 200)]).unwrap();
    assert!(!idx.is_sane(1000), "repeated offset");
    idx.reset(vec![oe(9, 100), oe(19, 100)]).unwrap();
    assert!(!idx.is_sane(1000), "repeated position");
    idx.reset(vec![oe(9, 100), oe(19, 200)]).unwrap();
    assert!(idx.is_sane(1000));
}

#[test]
fn time_lookup_and_growth() {
    let dir = TempDir::new("tidx");
    let mut idx = TimeIndex::open(&dir.path().join("a.timeindex"), 10).unwrap();
    assert_eq!(idx.lookup(5), 10);
    let e1 = idx.entry_if_newer(None, 100, 14).unwrap();
    idx.append(&[e1]).unwrap();
    assert!(idx.entry_if_newer(None, 100, 20).is_none());
    assert!(idx.entry_if_newer(None, 200, 9).is_none(), "below the base");
    let e2 = idx.entry_if_newer(None, 200, 20).unwrap();
    assert!(idx.entry_if_newer(Some(&e2), 150, 21).is_none());
    idx.append(&[e2]).unwrap();
    assert_eq!(idx.lookup(100), 10);
    assert_eq!(idx.lookup(101), 14);
    assert_eq!(idx.lookup(200), 14);
    assert_eq!(idx.lookup(201), 20);
    assert!(idx.is_sane(21));
    assert!(!idx.is_sane(20));
    assert_eq!(idx.last(), Some(te(200, 10)));
    let again = TimeIndex::open(&dir.path().join("a.timeindex"), 10).unwrap();
    assert_eq!(again.lookup(201), 20);
}

#[test]
fn time_index_sanity_allows_equal_but_not_decreasing_entries() {
    let dir = TempDir::new("tidx-sane");
    let mut idx = TimeIndex::open(&dir.path().join("a.timeindex"), 0).unwrap();
    idx.append(&[te(100, 5), te(100, 5)]).unwrap();
    assert!(idx.is_sane(6));
    idx.reset(vec![te(100, 5), te(99, 6)]).unwrap();
    assert!(!idx.is_sane(10), "timestamp went back");
    idx.reset(vec![te(100, 5), te(101, 4)]).unwrap();
    assert!(!idx.is_sane(10), "offset went back");
}

#[test]
fn floor_and_last_below_on_both_kinds() {
    let dir = TempDir::new("idx-floor");
    let mut o = OffsetIndex::open(&dir.path().join("a.index"), 0).unwrap();
    assert_eq!(o.floor(5), None);
    o.append(&[oe(5, 0), oe(10, 50)]).unwrap();
    assert_eq!(o.floor(4), None);
    assert_eq!(o.floor(5), Some(&oe(5, 0)));
    assert_eq!(o.last_below(5), None);
    assert_eq!(o.last_below(11), Some(&oe(10, 50)));
    let mut t = TimeIndex::open(&dir.path().join("a.timeindex"), 0).unwrap();
    t.append(&[te(-10, 1), te(7, 3)]).unwrap();
    assert_eq!(t.floor(i64::MIN), None);
    assert_eq!(t.floor(7), Some(&te(7, 3)));
    assert_eq!(t.last_below(7), Some(&te(-10, 1)));
}
