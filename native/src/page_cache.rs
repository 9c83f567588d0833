//! The page cache as the fetch path sees it: whether a byte of a file is
//! cached (so a read would not wait for the disk), and evicting a file so
//! benchmarks and tests can read it cold without root.

use crate::error::{Error, Result};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// What the kernel says of one byte of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Residency {
    /// In the page cache: a read would not wait for the disk.
    Cached,
    /// Not in the page cache: a read would wait for the disk.
    Cold,
    /// The kernel or filesystem cannot tell (no `RWF_NOWAIT` for buffered
    /// reads, e.g. FUSE), or the probe failed.
    Unknown,
}

impl Residency {
    pub fn name(self) -> &'static str {
        match self {
            Residency::Cached => "cached",
            Residency::Cold => "cold",
            Residency::Unknown => "unknown",
        }
    }
}

/// Whether the byte at `at` is in the page cache: `preadv2(RWF_NOWAIT)`
/// fails with EAGAIN instead of waiting for the disk.
pub fn residency(file: &File, at: u64) -> Residency {
    let mut byte = 0u8;
    let iov = libc::iovec {
        iov_base: (&mut byte as *mut u8).cast(),
        iov_len: 1,
    };
    // SAFETY: one iovec over a live local byte; the descriptor is open while `file` lives.
    let n = unsafe {
        libc::preadv2(
            file.as_raw_fd(),
            &iov,
            1,
            at as libc::off_t,
            libc::RWF_NOWAIT,
        )
    };
    if n >= 0 {
        Residency::Cached
    } else if std::io::Error::last_os_error().raw_os_error() == Some(libc::EAGAIN) {
        Residency::Cold
    } else {
        Residency::Unknown
    }
}

/// Whether a read of the byte at `at` would not wait for the disk. Where
/// the kernel or filesystem cannot tell, it counts as cached (the fetch then
/// reads it as it always did).
pub fn is_cached(file: &File, at: u64) -> bool {
    residency(file, at) != Residency::Cold
}

/// The residency of the byte at `at` of the file at `path`, asked with
/// `mincore` on a mapping that is never touched: unlike the `RWF_NOWAIT`
/// probe, which starts readahead of a missing page, it reads nothing in, so
/// a test can look before the broker does without warming the page for it.
pub fn residency_of(path: &Path, at: u64) -> Result<Residency> {
    let shown = path.display();
    let f = File::open(path).map_err(|e| Error::storage(format!("opening {shown}"), e))?;
    let len = f
        .metadata()
        .map_err(|e| Error::storage(format!("reading the size of {shown}"), e))?
        .len();
    if at >= len {
        return Ok(Residency::Unknown);
    }
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    let offset = at / page * page;
    // SAFETY: a fresh read-only shared mapping of one page of an open file,
    // never dereferenced; it is unmapped before returning.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            page as usize,
            libc::PROT_READ,
            libc::MAP_SHARED,
            f.as_raw_fd(),
            offset as libc::off_t,
        )
    };
    if addr == libc::MAP_FAILED {
        return Ok(Residency::Unknown);
    }
    let mut vec = 0u8;
    // SAFETY: `addr` is the page-aligned mapping above and `vec` holds one entry per page.
    let rc = unsafe { libc::mincore(addr, page as usize, &mut vec) };
    // SAFETY: unmapping exactly the mapping made above.
    unsafe { libc::munmap(addr, page as usize) };
    Ok(match (rc, vec & 1) {
        (0, 1) => Residency::Cached,
        (0, _) => Residency::Cold,
        _ => Residency::Unknown,
    })
}

/// Writes out and evicts the file at `path` from the page cache (fsync, then
/// `posix_fadvise(DONTNEED)`). Filesystems that keep everything in memory
/// (tmpfs) ignore the advice.
pub fn evict(path: &Path) -> Result<()> {
    let shown = path.display();
    let f = File::open(path).map_err(|e| Error::storage(format!("opening {shown}"), e))?;
    f.sync_all()
        .map_err(|e| Error::storage(format!("syncing {shown}"), e))?;
    // SAFETY: advice on a descriptor that stays open for the call.
    unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_bytes_are_cached_and_eviction_of_a_missing_file_is_a_storage_error() {
        let dir = crate::test_util::TempDir::new("page-cache");
        let path = dir.path().join("f");
        std::fs::write(&path, [7u8; 4096]).unwrap();
        let f = File::open(&path).unwrap();
        assert!(is_cached(&f, 0), "just written");
        assert_eq!(residency_of(&path, 0).unwrap(), Residency::Cached);
        evict(&path).unwrap();
        let e = evict(&dir.path().join("missing")).unwrap_err();
        assert_eq!(e.name(), "KAFKA_STORAGE_ERROR");
        assert!(e.message().starts_with("opening "), "{}", e.message());
    }
}
