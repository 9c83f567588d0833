//! Producer state snapshots: `<20-digit offset>.snapshot` files in the
//! partition directory, in the format of Kafka's `ProducerStateManager`
//! (schema version 1, the `ProducerSnapshot` message), so Kafka's own tools
//! read them.
//!
//! Layout, big-endian: `version: i16 = 1`, `crc: u32` (CRC32C of every byte
//! after it), `count: i32`, then per producer `producer_id: i64, epoch: i16,
//! last_sequence: i32, last_offset: i64, offset_delta: i32, timestamp: i64,
//! coordinator_epoch: i32, current_txn_first_offset: i64` (46 bytes). A
//! producer without a data batch has `last_sequence = -1, last_offset = -1,
//! offset_delta = 0`; no open transaction is `current_txn_first_offset = -1`.
//! A snapshot at offset `n` is the state of the log that ends at `n`.

use crate::crc32c::crc32c;
use crate::segment::{file_name, parse_file_name};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const SNAPSHOT_SUFFIX: &str = "snapshot";
pub const SNAPSHOT_VERSION: i16 = 1;
const HEADER_LEN: usize = 2 + 4;
const ENTRY_LEN: usize = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

/// One producer as a snapshot stores it (Kafka keeps only the last batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotEntry {
    pub producer_id: i64,
    pub epoch: i16,
    pub last_sequence: i32,
    pub last_offset: i64,
    pub offset_delta: i32,
    pub timestamp: i64,
    pub coordinator_epoch: i32,
    pub current_txn_first_offset: i64,
}

pub fn encode(entries: &[SnapshotEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 4 + entries.len() * ENTRY_LEN);
    out.extend_from_slice(&SNAPSHOT_VERSION.to_be_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as i32).to_be_bytes());
    for e in entries {
        out.extend_from_slice(&e.producer_id.to_be_bytes());
        out.extend_from_slice(&e.epoch.to_be_bytes());
        out.extend_from_slice(&e.last_sequence.to_be_bytes());
        out.extend_from_slice(&e.last_offset.to_be_bytes());
        out.extend_from_slice(&e.offset_delta.to_be_bytes());
        out.extend_from_slice(&e.timestamp.to_be_bytes());
        out.extend_from_slice(&e.coordinator_epoch.to_be_bytes());
        out.extend_from_slice(&e.current_txn_first_offset.to_be_bytes());
    }
    let crc = crc32c(&out[HEADER_LEN..]);
    out[2..6].copy_from_slice(&crc.to_be_bytes());
    out
}

/// Why a snapshot file was not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    Truncated,
    Version(i16),
    Crc { stored: u32, computed: u32 },
    Count(i32),
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotError::Truncated => write!(f, "snapshot is truncated"),
            SnapshotError::Version(v) => write!(f, "unknown snapshot version {v}"),
            SnapshotError::Crc { stored, computed } => {
                write!(
                    f,
                    "snapshot is corrupt: stored crc {stored}, computed {computed}"
                )
            }
            SnapshotError::Count(n) => write!(f, "snapshot has a bad entry count {n}"),
        }
    }
}

pub fn decode(b: &[u8]) -> Result<Vec<SnapshotEntry>, SnapshotError> {
    if b.len() < HEADER_LEN + 4 {
        return Err(SnapshotError::Truncated);
    }
    let version = i16::from_be_bytes([b[0], b[1]]);
    if version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version(version));
    }
    let stored = u32::from_be_bytes(b[2..6].try_into().unwrap());
    let computed = crc32c(&b[HEADER_LEN..]);
    if stored != computed {
        return Err(SnapshotError::Crc { stored, computed });
    }
    let count = i32::from_be_bytes(b[6..10].try_into().unwrap());
    if count < 0 || (b.len() - 10) != count as usize * ENTRY_LEN {
        return Err(SnapshotError::Count(count));
    }
    let i64_at = |p: usize| i64::from_be_bytes(b[p..p + 8].try_into().unwrap());
    let i32_at = |p: usize| i32::from_be_bytes(b[p..p + 4].try_into().unwrap());
    Ok((0..count as usize)
        .map(|i| {
            let p = 10 + i * ENTRY_LEN;
            SnapshotEntry {
                producer_id: i64_at(p),
                epoch: i16::from_be_bytes([b[p + 8], b[p + 9]]),
                last_sequence: i32_at(p + 10),
                last_offset: i64_at(p + 14),
                offset_delta: i32_at(p + 22),
                timestamp: i64_at(p + 26),
                coordinator_epoch: i32_at(p + 34),
                current_txn_first_offset: i64_at(p + 38),
            }
        })
        .collect())
}

pub fn snapshot_path(dir: &Path, offset: i64) -> PathBuf {
    dir.join(file_name(offset, SNAPSHOT_SUFFIX))
}

/// Offsets of the snapshot files in `dir`, ascending.
pub fn list(dir: &Path) -> io::Result<Vec<i64>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some((offset, SNAPSHOT_SUFFIX)) = parse_file_name(name) {
            if offset >= 0 {
                out.push(offset);
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Writes the snapshot at `offset` in place, as Kafka does (a torn write
/// fails the CRC and the file is then deleted on open); `sync` fsyncs it.
pub fn write(dir: &Path, offset: i64, entries: &[SnapshotEntry], sync: bool) -> io::Result<()> {
    let mut f = fs::File::create(snapshot_path(dir, offset))?;
    f.write_all(&encode(entries))?;
    if sync {
        f.sync_all()?;
    }
    Ok(())
}

/// Reads the snapshot at `offset`; `Ok(Err)` when it is there but unusable.
pub fn read(dir: &Path, offset: i64) -> io::Result<Result<Vec<SnapshotEntry>, SnapshotError>> {
    Ok(decode(&fs::read(snapshot_path(dir, offset))?))
}

pub fn delete(dir: &Path, offset: i64) -> io::Result<()> {
    match fs::remove_file(snapshot_path(dir, offset)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Deletes the snapshots for which `drop` holds.
pub fn delete_where(dir: &Path, drop: impl Fn(i64) -> bool) -> io::Result<()> {
    for offset in list(dir)? {
        if drop(offset) {
            delete(dir, offset)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn entry(pid: i64) -> SnapshotEntry {
        SnapshotEntry {
            producer_id: pid,
            epoch: 3,
            last_sequence: 41,
            last_offset: 1_000 + pid,
            offset_delta: 4,
            timestamp: 1_700_000_000_000,
            coordinator_epoch: 7,
            current_txn_first_offset: -1,
        }
    }

    #[test]
    fn round_trip_and_layout() {
        let entries = vec![entry(1), entry(2)];
        let b = encode(&entries);
        assert_eq!(b.len(), 10 + 2 * 46);
        assert_eq!(&b[0..2], &[0, 1]);
        assert_eq!(i32::from_be_bytes(b[6..10].try_into().unwrap()), 2);
        assert_eq!(
            u32::from_be_bytes(b[2..6].try_into().unwrap()),
            crc32c(&b[6..])
        );
        assert_eq!(decode(&b).unwrap(), entries);
        assert_eq!(decode(&encode(&[])).unwrap(), vec![]);
    }

    #[test]
    fn corruption_is_detected() {
        let mut b = encode(&[entry(5)]);
        let last = b.len() - 1;
        b[last] ^= 1;
        assert!(matches!(decode(&b), Err(SnapshotError::Crc { .. })));
        let b = encode(&[entry(5)]);
        assert_eq!(decode(&b[..b.len() - 3]).unwrap_err(), {
            // A cut file fails the CRC before the count check.
            let c = &b[..b.len() - 3];
            SnapshotError::Crc {
                stored: u32::from_be_bytes(c[2..6].try_into().unwrap()),
                computed: crc32c(&c[6..]),
            }
        });
        assert_eq!(decode(&b[..4]), Err(SnapshotError::Truncated));
        let mut v = b.clone();
        v[1] = 2;
        assert_eq!(decode(&v), Err(SnapshotError::Version(2)));
    }

    #[test]
    fn files() {
        let dir = TempDir::new("snapshot-files");
        write(dir.path(), 20, &[entry(1)], true).unwrap();
        write(dir.path(), 5, &[], false).unwrap();
        assert!(dir.path().join("00000000000000000020.snapshot").exists());
        assert_eq!(list(dir.path()).unwrap(), vec![5, 20]);
        assert_eq!(read(dir.path(), 20).unwrap().unwrap(), vec![entry(1)]);
        delete_where(dir.path(), |o| o < 10).unwrap();
        assert_eq!(list(dir.path()).unwrap(), vec![20]);
    }
}
