//! Writing a response to a socket from native code: in-memory parts with
//! `write(2)`, segment file ranges with `sendfile(2)` (file -> socket in the
//! kernel, no copy through user space).
//!
//! Threading and ownership rules (DESIGN.md "Sharing a socket with native
//! code"): the caller hands over a socket only while Node has nothing queued on
//! it and writes nothing until [`send_parts`] returns. The descriptor stays
//! non-blocking (libuv reads it concurrently); when the socket buffer is full
//! this code waits for writability with its own `poll(2)`, on the worker
//! thread it runs on, never on the event loop. The descriptor passed in is a
//! `dup` owned by [`OwnedSocket`], so Node closing its own descriptor (peer
//! reset, idle close) can never make us write to a reused fd number.

use crate::error::{Error, Result};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// One piece of a response, in order.
#[derive(Debug, Clone)]
pub enum Part {
    Bytes(Vec<u8>),
    File {
        file: Arc<File>,
        position: u64,
        length: u64,
    },
}

impl Part {
    pub fn len(&self) -> u64 {
        match self {
            Part::Bytes(b) => b.len() as u64,
            Part::File { length, .. } => *length,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A response handed from the main thread to a pool worker: our duplicate
/// of the socket and what to write to it.
#[derive(Debug)]
pub struct PreparedSend {
    pub socket: OwnedSocket,
    pub parts: Vec<Part>,
}

/// Our own duplicate of a socket descriptor, closed on drop.
#[derive(Debug)]
pub struct OwnedSocket(OwnedFd);

impl OwnedSocket {
    /// Duplicates `fd` (close-on-exec). Must be called while `fd` is known
    /// to be open, i.e. on the thread that owns it.
    pub fn dup(fd: RawFd) -> Result<OwnedSocket> {
        // SAFETY: fcntl(F_DUPFD_CLOEXEC) only reads `fd` and returns a new descriptor or -1.
        let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if new < 0 {
            return Err(net(
                "duplicating socket descriptor",
                io::Error::last_os_error(),
            ));
        }
        // SAFETY: `new` is a fresh descriptor that nothing else owns.
        Ok(OwnedSocket(unsafe { OwnedFd::from_raw_fd(new) }))
    }

    pub fn raw(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// shutdown(2) in both directions; errors (already closed, not a socket) are ignored.
pub fn shutdown(fd: RawFd) {
    // SAFETY: shutdown only reads `fd`; on a bad descriptor it returns -1 (EBADF/ENOTSOCK).
    unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
}

fn net(what: &str, e: io::Error) -> Error {
    Error::NetworkException(format!("{what}: {e}"))
}

/// How far a send got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub bytes_written: u64,
    /// `None`: everything was written. `Some((part, offset))`: the peer
    /// stopped taking bytes; `parts[part]` was written up to `offset` bytes
    /// (relative to the part) and the rest is left to the caller.
    pub stopped_at: Option<(usize, u64)>,
}

/// Writes `parts` to `sock` in order. When the socket buffer is full it
/// waits up to `wait_ms` for the peer to take more (poll(2)); a peer that
/// takes nothing for that long is not an error: the send returns where it
/// stopped, so a slow reader never holds the calling thread longer than
/// `wait_ms` at a time. Errors: the connection failed, or a file ended
/// inside its range.
///
/// `fd` must stay open for the call: our own duplicate ([`OwnedSocket`]) on
/// a worker thread, or Node's descriptor borrowed on the thread that owns it.
pub fn send_parts(fd: RawFd, parts: &[Part], wait_ms: i32) -> Result<Progress> {
    let mut total = 0u64;
    for (i, part) in parts.iter().enumerate() {
        let stopped = |at: u64, total: u64| Progress {
            bytes_written: total,
            stopped_at: Some((i, at)),
        };
        match part {
            Part::Bytes(b) => {
                let mut at = 0usize;
                while at < b.len() {
                    // SAFETY: the pointer and length describe the live slice `b[at..]`.
                    let n = unsafe { libc::write(fd, b[at..].as_ptr().cast(), b.len() - at) };
                    if n >= 0 {
                        at += n as usize;
                        total += n as u64;
                    } else if !retry_or_wait(fd, wait_ms, "writing response")? {
                        return Ok(stopped(at as u64, total));
                    }
                }
            }
            Part::File {
                file,
                position,
                length,
            } => {
                let mut offset = *position as libc::off_t;
                let end = (*position + *length) as libc::off_t;
                while offset < end {
                    let count = (end - offset).min(1 << 30) as usize;
                    // SAFETY: both descriptors are open for the duration of the call; the kernel
                    // advances `offset` by what it sent.
                    let n = unsafe { libc::sendfile(fd, file.as_raw_fd(), &mut offset, count) };
                    if n > 0 {
                        total += n as u64;
                    } else if n == 0 {
                        // The file ended before the range did: it was truncated under us.
                        return Err(Error::KafkaStorageError(format!(
                            "segment ended at byte {offset} inside a fetched range ending at {end}"
                        )));
                    } else if !retry_or_wait(fd, wait_ms, "sendfile")? {
                        return Ok(stopped(offset as u64 - position, total));
                    }
                }
            }
        }
    }
    Ok(Progress {
        bytes_written: total,
        stopped_at: None,
    })
}

/// After a failed write: retry on EINTR, wait for POLLOUT on EAGAIN (false:
/// still not writable after `wait_ms`), fail otherwise.
fn retry_or_wait(fd: RawFd, wait_ms: i32, what: &str) -> Result<bool> {
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINTR) => Ok(true),
        Some(libc::EAGAIN) => wait_writable(fd, wait_ms),
        _ => Err(net(what, e)),
    }
}

fn wait_writable(fd: RawFd, wait_ms: i32) -> Result<bool> {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    loop {
        // SAFETY: `p` is one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut p, 1, wait_ms) };
        if r > 0 {
            if p.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0
                && p.revents & libc::POLLOUT == 0
            {
                return Err(Error::NetworkException(
                    "connection closed by the peer during a fetch response".into(),
                ));
            }
            return Ok(true);
        }
        if r == 0 {
            return Ok(false);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(net("poll", e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;

    fn file_with(dir: &TempDir, bytes: &[u8]) -> Arc<File> {
        let path = dir.path().join("seg");
        File::create(&path).unwrap().write_all(bytes).unwrap();
        Arc::new(File::open(&path).unwrap())
    }

    #[test]
    fn interleaves_bytes_and_file_ranges_through_a_full_socket_buffer() {
        let dir = TempDir::new("sendfile");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let file = file_with(&dir, &data);
        let (a, mut b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let parts = vec![
            Part::Bytes(b"head".to_vec()),
            Part::File {
                file: file.clone(),
                position: 10,
                length: 2_000_000,
            },
            Part::Bytes(b"middle".to_vec()),
            Part::File {
                file,
                position: 2_500_000,
                length: 500_000,
            },
        ];
        let expected: Vec<u8> = [
            b"head".as_slice(),
            &data[10..2_000_010],
            b"middle",
            &data[2_500_000..],
        ]
        .concat();
        let sock = OwnedSocket::dup(a.as_raw_fd()).unwrap();
        drop(a); // our dup keeps the socket open
                 // A slow reader: the socket buffer fills and the sender must poll.
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = vec![0u8; 4096];
            loop {
                std::thread::sleep(std::time::Duration::from_micros(50));
                match b.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) => panic!("{e}"),
                }
            }
            got
        });
        let n = send_parts(sock.raw(), &parts, 10_000).unwrap();
        assert_eq!(n.bytes_written as usize, expected.len());
        assert_eq!(n.stopped_at, None);
        drop(sock);
        assert!(reader.join().unwrap() == expected);
    }

    #[test]
    fn a_reader_that_stops_reading_gets_the_rest_later_from_where_the_send_stopped() {
        let dir = TempDir::new("sendfile-stall");
        let data: Vec<u8> = (0..(8u32 << 20)).map(|i| (i * 7 % 253) as u8).collect();
        let file = file_with(&dir, &data);
        let (a, mut b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let sock = OwnedSocket::dup(a.as_raw_fd()).unwrap();
        let parts = vec![
            Part::Bytes(b"head".to_vec()),
            Part::File {
                file,
                position: 100,
                length: (8 << 20) - 100,
            },
        ];
        let started = std::time::Instant::now();
        let p = send_parts(sock.raw(), &parts, 50).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let (part, offset) = p.stopped_at.expect("the socket buffer cannot hold 8 MiB");
        assert_eq!(part, 1);
        assert_eq!(p.bytes_written, 4 + offset);
        // Resume with the rest of the file range, as the caller does, while a reader drains.
        let rest = vec![match &parts[1] {
            Part::File {
                file,
                position,
                length,
            } => Part::File {
                file: file.clone(),
                position: position + offset,
                length: length - offset,
            },
            Part::Bytes(_) => unreachable!(),
        }];
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).unwrap();
            got
        });
        let q = send_parts(sock.raw(), &rest, 10_000).unwrap();
        assert_eq!(q.stopped_at, None);
        drop(sock);
        drop(a);
        let got = reader.join().unwrap();
        assert_eq!(&got[..4], b"head");
        assert!(got[4..] == data[100..]);
    }

    #[test]
    fn closed_peer_and_truncated_file_are_errors() {
        let dir = TempDir::new("sendfile-err");
        let file = file_with(&dir, b"short");
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let sock = OwnedSocket::dup(a.as_raw_fd()).unwrap();
        let e = send_parts(
            sock.raw(),
            &[Part::File {
                file: file.clone(),
                position: 0,
                length: 100,
            }],
            1000,
        )
        .unwrap_err();
        assert!(matches!(e, Error::KafkaStorageError(_)), "{e:?}");
        drop(b);
        let e = send_parts(sock.raw(), &[Part::Bytes(vec![1; 1 << 20])], 1000).unwrap_err();
        assert!(matches!(e, Error::NetworkException(_)), "{e:?}");
    }
}
