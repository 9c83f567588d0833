//! Writing fetch responses to a socket from native code. `sendNow` writes
//! what the socket takes on the calling thread without waiting; `prepare`
//! hands the rest to a pool worker, which writes it with `sendPrepared`.

use super::fetch::FetchSlice;
use super::handles::Handles;
use super::Result;
use crate::error::{self, Error};
use crate::sendfile;
use napi::bindgen_prelude::BufferSlice;
use napi_derive::napi;

/// Responses prepared by `ResponseWriter.prepare`, waiting for a worker.
pub(super) static SENDS: Handles<sendfile::PreparedSend> = Handles::new();

/// A response assembled from in-memory bytes and segment file ranges, then
/// written to a socket by native code off the event loop (see sendfile.rs for
/// the rules of sharing a socket with Node).
#[napi]
#[derive(Default)]
pub struct ResponseWriter {
    parts: Vec<sendfile::Part>,
}

#[napi]
impl ResponseWriter {
    #[napi(constructor)]
    pub fn new() -> Self {
        ResponseWriter::default()
    }

    /// Appends a copy of `data` (response headers: small).
    #[napi]
    pub fn bytes(&mut self, data: BufferSlice) {
        if let Some(sendfile::Part::Bytes(last)) = self.parts.last_mut() {
            last.extend_from_slice(&data);
        } else {
            self.parts.push(sendfile::Part::Bytes(data.to_vec()));
        }
    }

    /// Appends the file range of `slice` from `skip` bytes in (nothing if
    /// that leaves nothing).
    #[napi]
    pub fn file(&mut self, slice: &FetchSlice, skip: Option<f64>) {
        if let Some(s) = &slice.slice {
            let skip = (skip.unwrap_or(0.0).max(0.0) as u64).min(s.length);
            if skip < s.length {
                self.parts.push(sendfile::Part::File {
                    file: s.file.clone(),
                    position: s.position + skip,
                    length: s.length - skip,
                });
            }
        }
    }

    /// Writes what socket `fd` takes right now, on the calling thread, never
    /// waiting (non-blocking write/sendfile; poll timeout 0), with Node's own
    /// descriptor: no duplicate is needed for a synchronous call on the
    /// thread that owns it. Empties the writer. Never throws.
    #[napi]
    pub fn send_now(&mut self, fd: i32) -> SendOutcome {
        let parts = std::mem::take(&mut self.parts);
        send_outcome(sendfile::send_parts(fd, &parts, 0))
    }

    /// Hands everything written so far, with a duplicate of socket `fd`
    /// (taken here, on the thread that owns `fd`), to a pool worker: returns
    /// the handle that worker passes to `sendPrepared`. The caller must have
    /// nothing queued on the socket and write nothing until that send
    /// settles; it may close its own descriptor meanwhile. A handle that
    /// will never be sent must be given to `discardPrepared`.
    #[napi]
    pub fn prepare(&mut self, fd: i32) -> Result<u32> {
        let socket = sendfile::OwnedSocket::dup(fd)?;
        let parts = std::mem::take(&mut self.parts);
        Ok(SENDS.insert(sendfile::PreparedSend { socket, parts }))
    }
}

#[napi(object)]
pub struct SendOutcome {
    pub bytes_written: f64,
    /// Set when the peer stopped taking bytes: the index of the part the
    /// send stopped in, and `stoppedOffset` bytes of it that were written.
    pub stopped_part: Option<u32>,
    pub stopped_offset: Option<f64>,
    /// The Kafka error name when the send failed (the connection must close).
    pub error_code: Option<String>,
    pub message: Option<String>,
}

fn send_outcome(r: error::Result<sendfile::Progress>) -> SendOutcome {
    match r {
        Ok(p) => SendOutcome {
            bytes_written: p.bytes_written as f64,
            stopped_part: p.stopped_at.map(|(i, _)| i as u32),
            stopped_offset: p.stopped_at.map(|(_, o)| o as f64),
            error_code: None,
            message: None,
        },
        Err(e) => SendOutcome {
            bytes_written: 0.0,
            stopped_part: None,
            stopped_offset: None,
            error_code: Some(e.name().to_string()),
            message: Some(e.message().to_string()),
        },
    }
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
        None => Err(Error::NetworkException(format!(
            "prepared send {id} is unknown (already sent or discarded)"
        ))),
    })
}

/// Drops a prepared send that will not be sent (closes its socket duplicate).
#[napi(js_name = "discardPrepared")]
pub fn discard_prepared(id: u32) {
    SENDS.remove(id);
}

/// shutdown(2) of socket `fd` in both directions: a send in progress on a
/// duplicate of it fails at once instead of waiting for a stalled reader
/// (closing Node's descriptor alone would leave our duplicate's socket open).
/// Call on the thread that owns `fd`, before it is closed.
#[napi(js_name = "shutdownSocket")]
pub fn shutdown_socket(fd: i32) {
    sendfile::shutdown(fd);
}
