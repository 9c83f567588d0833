//! The page cache from JS: evicting a file (benchmarks, tests) and warming
//! the range a cold fetch is about to read. `PartitionLog.coldRange` (main
//! thread, never waits) registers the range; `warmRange` reads it on a pool
//! worker, which waits for the disk instead of the event loop.

use super::handles::Handles;
use super::Result;
use crate::page_cache;
use crate::segment::log::ColdRange;
use napi_derive::napi;
use std::path::Path;

/// Ranges from `PartitionLog.coldRange`, waiting for `warmRange`.
pub(super) static COLD: Handles<ColdRange> = Handles::new();

/// Writes out and evicts the file at `path` from the page cache
/// (fsync, then posix_fadvise DONTNEED): benchmarks and tests read it cold
/// without root or dropping the whole machine's cache. Filesystems that keep
/// everything in memory (tmpfs) ignore it.
#[napi(js_name = "evictFromPageCache")]
pub fn evict_from_page_cache(path: String) -> Result<()> {
    Ok(page_cache::evict(Path::new(&path))?)
}

/// Whether the byte at `at` of the file at `path` is in the page cache:
/// "cached", "cold", or "unknown" where the kernel or filesystem cannot tell
/// (then the fetch path treats every read as cached). Tests check with it
/// that an eviction took before they expect a cold read.
#[napi(js_name = "pageCacheResidency")]
pub fn page_cache_residency(path: String, at: i64) -> Result<&'static str> {
    Ok(page_cache::residency_of(Path::new(&path), at.max(0) as u64)?.name())
}

/// Drops a range from `PartitionLog.coldRange` that will not be warmed.
#[napi(js_name = "discardColdRange")]
pub fn discard_cold_range(id: u32) {
    COLD.remove(id);
}

/// Reads a range from `PartitionLog.coldRange` into the page cache (on a
/// worker: it waits for the disk). Unknown handles are ignored.
#[napi(js_name = "warmRange")]
pub fn warm_range(id: u32) -> Result<()> {
    match COLD.take(id) {
        Some(r) => Ok(r.warm()?),
        None => Ok(()),
    }
}
