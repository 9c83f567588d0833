//! napi entry points for the pool's worker threads (piscina workers that load
//! this same addon). Objects made on the main thread are reached through the
//! process-wide handle tables below; each call runs synchronously on the
//! worker's own thread, so the main thread's event loop never waits on it.
//!
//! Buffers: a worker receives views of `SharedArrayBuffer`s (no copy on the
//! way), which napi gives us as typed arrays; appends rewrite them in place
//! exactly as the main-thread calls do.

use crate::compaction_task::{self, CompactOptions, CompactResult};
use crate::handles::Handles;
use crate::{
    append_all, core_options, error, send_outcome, sendfile, AppendOptions, AppendOutcome, Result,
    SendOutcome, SharedLog,
};
use napi::bindgen_prelude::Uint8ArraySlice;
use napi_derive::napi;

/// Every open `PartitionLog`, by its `handle`.
pub(crate) static LOGS: Handles<SharedLog> = Handles::new();
/// Responses prepared by `ResponseWriter.prepare`, waiting for a worker.
pub(crate) static SENDS: Handles<sendfile::PreparedSend> = Handles::new();
/// Ranges from `PartitionLog.coldRange`, waiting for `warmRange`.
pub(crate) static COLD: Handles<crate::segment::log::ColdRange> = Handles::new();

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

fn log_of(handle: u32) -> Result<SharedLog> {
    LOGS.get(handle).ok_or_else(|| {
        error::Error::NotLeaderOrFollower(format!("partition log handle {handle} is closed")).into()
    })
}

/// Group commit on a worker thread: `PartitionLog.appendManySync` for the
/// log registered under `handle`. The arrays are used in place (offsets are
/// rewritten in them); the caller must not touch them until this returns.
#[napi(js_name = "appendByHandle")]
pub fn append_by_handle(
    handle: u32,
    mut records: Vec<Uint8ArraySlice>,
    opts: AppendOptions,
) -> Result<Vec<AppendOutcome>> {
    let o = core_options(&opts)?;
    let log = log_of(handle)?;
    let name = format!("handle {handle}");
    // SAFETY: each array is a view the caller gave up until this call returns (documented above);
    // the views do not overlap (one request's records each).
    let slices = records.iter_mut().map(|r| unsafe { r.as_mut() });
    Ok(append_all(&log, &name, slices, &o))
}

/// One compaction pass of the log registered under `handle`, on the calling
/// (worker) thread. Log errors come back as `errorCode`/`errorMessage`.
#[napi(js_name = "compactByHandle")]
pub fn compact_by_handle(handle: u32, options: CompactOptions) -> Result<CompactResult> {
    Ok(compaction_task::run(&log_of(handle)?, &options))
}

/// Writes a response prepared with `ResponseWriter.prepare` (write(2) for
/// bytes, sendfile(2) for file ranges, poll(2) while the socket buffer is
/// full, at most `waitMs` each time) and closes our socket duplicate. A peer
/// that takes nothing for `waitMs` ends the call early with `stoppedPart`/
/// `stoppedOffset` set: the caller writes the rest (so a slow reader never
/// holds a worker). Never throws: failures come back as `errorCode` (the
/// connection must close).
#[napi(js_name = "sendPrepared")]
pub fn send_prepared(id: u32, wait_ms: i32) -> SendOutcome {
    send_outcome(match SENDS.take(id) {
        Some(p) => sendfile::send_parts(p.socket.raw(), &p.parts, wait_ms),
        None => Err(error::Error::NetworkException(format!(
            "prepared send {id} is unknown (already sent or discarded)"
        ))),
    })
}

/// Drops a prepared send that will not be sent (closes its socket duplicate).
#[napi(js_name = "discardPrepared")]
pub fn discard_prepared(id: u32) {
    SENDS.remove(id);
}

/// Open logs, prepared sends and cold ranges in the handle tables (leak checks in tests).
#[napi(js_name = "handleCounts")]
pub fn handle_counts() -> Vec<u32> {
    vec![LOGS.len() as u32, SENDS.len() as u32, COLD.len() as u32]
}

/// shutdown(2) of socket `fd` in both directions: a send in progress on a
/// duplicate of it fails at once instead of waiting for a stalled reader
/// (closing Node's descriptor alone would leave our duplicate's socket open).
/// Call on the thread that owns `fd`, before it is closed.
#[napi(js_name = "shutdownSocket")]
pub fn shutdown_socket(fd: i32) {
    sendfile::shutdown(fd);
}
