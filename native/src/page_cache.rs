//! The page cache as the fetch path sees it: whether a byte of a file is
//! cached (so a read would not wait for the disk), and evicting a file so
//! benchmarks and tests can read it cold without root.

use crate::error::{Error, Result};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// Whether the byte at `at` is in the page cache: `preadv2(RWF_NOWAIT)`
/// fails with EAGAIN instead of waiting for the disk. Where the kernel or
/// filesystem cannot tell, it counts as cached.
pub fn is_cached(file: &File, at: u64) -> bool {
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
    n >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EAGAIN)
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
        evict(&path).unwrap();
        let e = evict(&dir.path().join("missing")).unwrap_err();
        assert_eq!(e.name(), "KAFKA_STORAGE_ERROR");
        assert!(e.message().starts_with("opening "), "{}", e.message());
    }
}
