//! The open-file limit from JS: the broker raises it at start and logs it.

use crate::rlimit;
use napi_derive::napi;

/// `RLIMIT_NOFILE` before and after the raise; -1 stands for unlimited.
#[napi(object)]
pub struct OpenFileLimit {
    /// The soft limit the process started with.
    pub before: f64,
    /// The soft limit it runs with now.
    pub soft: f64,
    /// The hard limit.
    pub hard: f64,
}

fn number(n: u64) -> f64 {
    if n == libc::RLIM_INFINITY {
        -1.0
    } else {
        n as f64
    }
}

/// Raises the process's soft open-file limit to its hard limit (never
/// lowers it); the limits before and after. Throws when the limit cannot
/// even be read.
#[napi(js_name = "raiseOpenFileLimit")]
pub fn raise_open_file_limit() -> napi::Result<OpenFileLimit> {
    let l = rlimit::raise_open_file_limit()
        .map_err(|e| napi::Error::from_reason(format!("getrlimit(RLIMIT_NOFILE): {e}")))?;
    Ok(OpenFileLimit {
        before: number(l.before),
        soft: number(l.soft),
        hard: number(l.hard),
    })
}
