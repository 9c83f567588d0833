//! Group commit: several requests' records appended to one log under one
//! lock acquisition, each all-or-nothing, one outcome each. The main thread
//! calls it through `PartitionLog.appendManySync`; a pool worker through
//! `appendByHandle`, on the log registered under a handle.

use super::log::{core_options, log_of, AppendOptions, AppendResult};
use super::Result;
use crate::error::{self, Error};
use crate::segment::log as core;
use napi::bindgen_prelude::Uint8ArraySlice;
use napi_derive::napi;
use std::sync::{Mutex, PoisonError};

/// One append of a group commit: its result, or the Kafka error name that refused it.
#[napi(object)]
pub struct AppendOutcome {
    pub result: Option<AppendResult>,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

fn outcome(r: error::Result<core::AppendInfo>) -> AppendOutcome {
    match r {
        Ok(r) => AppendOutcome {
            result: Some(super::log::append_result(r)),
            error_code: None,
            message: None,
        },
        Err(e) => AppendOutcome {
            result: None,
            error_code: Some(e.name().to_string()),
            message: Some(e.message().to_string()),
        },
    }
}

/// Appends each buffer as its own all-or-nothing append under one lock
/// acquisition (group commit); one outcome per buffer.
pub(super) fn append_all<'a>(
    log: &Mutex<Option<core::Log>>,
    dir: &str,
    records: impl Iterator<Item = &'a mut [u8]>,
    opts: &core::AppendOptions,
) -> Vec<AppendOutcome> {
    let mut guard = log.lock().unwrap_or_else(PoisonError::into_inner);
    records
        .map(|r| {
            outcome(match guard.as_mut() {
                Some(log) => log.append(r, opts),
                None => Err(Error::NotLeaderOrFollower(format!(
                    "partition log {dir} is closed"
                ))),
            })
        })
        .collect()
}

/// Group commit on a worker thread: `PartitionLog.appendManySync` for the
/// log registered under `handle`. The arrays are used in place (offsets are
/// rewritten in them); the caller must not touch them until this returns.
///
/// Buffers: a worker receives views of `SharedArrayBuffer`s (no copy on the
/// way), which napi gives us as typed arrays; the append rewrites them in
/// place exactly as the main-thread call does.
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

/// A follower's append (`PartitionLog.appendAsFollower`) on a worker thread,
/// for the log registered under `handle`: batches fetched from the leader,
/// stored as they are (offsets, leader epochs and timestamps kept). Large
/// fetches take their CRC checks and segment writes off the event loop.
#[napi(js_name = "appendAsFollowerByHandle")]
pub fn append_as_follower_by_handle(
    handle: u32,
    records: Uint8ArraySlice,
    now_ms: i64,
) -> Result<AppendResult> {
    let log = log_of(handle)?;
    let mut guard = log.lock().unwrap_or_else(PoisonError::into_inner);
    let r = match guard.as_mut() {
        Some(log) => log.append_as_follower(records.as_ref(), now_ms),
        None => Err(Error::NotLeaderOrFollower(format!(
            "partition log handle {handle} is closed"
        ))),
    };
    Ok(super::log::append_result(r?))
}
