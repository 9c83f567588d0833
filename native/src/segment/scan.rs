//! Buffered forward scanning of batch headers in a segment file.
//!
//! Reads the file in chunks with `pread` (no shared file cursor, so readers
//! on other threads never interfere) and yields one header per batch without
//! loading whole batches; CRCs are verified by streaming through the chunks.

use crate::batch::{
    be_i32, BatchHeader, HEADER_SIZE, LENGTH_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2,
};
use crate::crc32c::crc32c_append;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Chunk size for whole-segment scans (recovery, state rebuild).
pub const SCAN_CHUNK: usize = 256 * 1024;
/// Chunk size for short scans from an index entry (fetch, timestamp lookups).
pub const LOOKUP_CHUNK: usize = 16 * 1024;
/// Bytes read after a forward jump (a page or two around the next header).
const SKIP_READ: usize = 8 * 1024;

#[derive(Debug)]
pub enum ScanStep {
    /// A batch whose header is sane and whose bytes all lie before the end.
    Batch { position: u64, header: BatchHeader },
    /// Clean end: the last batch ended exactly at the scan end.
    End,
    /// Torn or garbage bytes at `position` (why in the string).
    Stop { position: u64, reason: String },
}

pub struct BatchScanner<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    buf_start: u64,
    buf_len: usize,
}

impl<'f> BatchScanner<'f> {
    /// Scans `[start, end)` of `file`, reading `chunk` bytes at a time.
    pub fn new(file: &'f File, start: u64, end: u64, chunk: usize) -> Self {
        BatchScanner {
            file,
            pos: start,
            end,
            buf: vec![0u8; chunk.max(HEADER_SIZE)],
            buf_start: start,
            buf_len: 0,
        }
    }

    /// Makes `[at, at + n)` available in the buffer; `Ok(false)` if the file
    /// ends first. Keeps already-buffered bytes from `at` on.
    fn ensure(&mut self, at: u64, n: usize) -> io::Result<bool> {
        let buf_end = self.buf_start + self.buf_len as u64;
        if at >= self.buf_start && at + n as u64 <= buf_end {
            return Ok(true);
        }
        // Sequential access refills the whole chunk; a jump past the buffer
        // (skipping a large batch) reads only a little around what is needed,
        // so header-only scans of big batches do not drag their bodies in.
        let limit = if at >= self.buf_start && at <= buf_end {
            let off = (at - self.buf_start) as usize;
            self.buf.copy_within(off..self.buf_len, 0);
            self.buf_len -= off;
            self.buf.len().max(n)
        } else {
            self.buf_len = 0;
            n.max(SKIP_READ).min(self.buf.len().max(n))
        };
        self.buf_start = at;
        if self.buf.len() < n {
            self.buf.resize(n, 0);
        }
        while self.buf_len < n {
            let at = self.buf_start + self.buf_len as u64;
            match self.file.read_at(&mut self.buf[self.buf_len..limit], at) {
                Ok(0) => return Ok(false),
                Ok(r) => self.buf_len += r,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    #[inline]
    fn slice(&self, at: u64, n: usize) -> &[u8] {
        let off = (at - self.buf_start) as usize;
        &self.buf[off..off + n]
    }

    /// Position of the next batch to be returned.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The next batch header, or why scanning stops.
    pub fn next_batch(&mut self) -> io::Result<ScanStep> {
        let position = self.pos;
        if position >= self.end {
            return Ok(ScanStep::End);
        }
        let stop = |reason: &str| {
            Ok(ScanStep::Stop {
                position,
                reason: reason.to_string(),
            })
        };
        let remaining = self.end - position;
        let want = remaining.min(HEADER_SIZE as u64) as usize;
        if !self.ensure(position, want)? {
            return stop("file shorter than expected");
        }
        if want < LOG_OVERHEAD {
            return stop("torn batch prefix");
        }
        let b = self.slice(position, want);
        let batch_length = be_i32(b, LENGTH_OFFSET);
        if want > MAGIC_OFFSET && b[MAGIC_OFFSET] as i8 != MAGIC_V2 {
            return stop("bad magic byte");
        }
        if want < HEADER_SIZE {
            return stop("torn batch header");
        }
        if batch_length < (HEADER_SIZE - LOG_OVERHEAD) as i32 {
            return stop("batch length below header size");
        }
        let header = match BatchHeader::parse(b) {
            Some(h) => h,
            None => return stop("torn batch header"),
        };
        if header.size() > remaining {
            return stop("torn batch: length runs past end of file");
        }
        self.pos = position + header.size();
        Ok(ScanStep::Batch { position, header })
    }

    /// Verifies the CRC32C of the batch at `position` by streaming its bytes.
    pub fn crc_matches(&mut self, position: u64, header: &BatchHeader) -> io::Result<bool> {
        let end = position + header.size();
        let mut at = position + crate::batch::ATTRIBUTES_OFFSET as u64;
        let chunk = self.buf.len() as u64;
        let mut crc = 0u32;
        while at < end {
            let n = (end - at).min(chunk) as usize;
            if !self.ensure(at, n)? {
                return Ok(false);
            }
            crc = crc32c_append(crc, self.slice(at, n));
            at += n as u64;
        }
        Ok(crc == header.crc)
    }
}

/// Reads `len` bytes at `position` into a fresh vector.
pub fn read_exact(file: &File, position: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut out = vec![0u8; len];
    file.read_exact_at(&mut out, position)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::builder::BatchBuilder;

    #[test]
    fn scans_headers_and_stops_at_garbage() {
        let dir = crate::test_util::TempDir::new("scan");
        let path = dir.path().join("s.log");
        let mut data = Vec::new();
        let mut sizes = Vec::new();
        for i in 0..50 {
            let b = BatchBuilder::new()
                .base_offset(i * 3)
                .sized_records(3, 500)
                .build();
            sizes.push(b.len());
            data.extend(b);
        }
        let good = data.len() as u64;
        data.extend_from_slice(&[0xAB; 40]);
        std::fs::write(&path, &data).unwrap();
        let f = File::open(&path).unwrap();
        // A tiny chunk forces refills and streaming CRC across chunks.
        let mut s = BatchScanner::new(&f, 0, data.len() as u64, 64);
        let mut n = 0;
        loop {
            match s.next_batch().unwrap() {
                ScanStep::Batch { position, header } => {
                    assert_eq!(header.base_offset, n * 3);
                    assert!(s.crc_matches(position, &header).unwrap());
                    n += 1;
                }
                ScanStep::Stop { position, .. } => {
                    assert_eq!(position, good);
                    break;
                }
                ScanStep::End => panic!("expected garbage"),
            }
        }
        assert_eq!(n, 50);
        let mut s = BatchScanner::new(&f, 0, good, SCAN_CHUNK);
        let mut m = 0;
        while let ScanStep::Batch { .. } = s.next_batch().unwrap() {
            m += 1;
        }
        assert_eq!(m, 50);
        assert!(matches!(s.next_batch().unwrap(), ScanStep::End));
    }

    #[test]
    fn detects_bad_crc_and_torn_tail() {
        let dir = crate::test_util::TempDir::new("scan2");
        let path = dir.path().join("s.log");
        let mut a = BatchBuilder::new().records(2).build();
        let b = BatchBuilder::new().base_offset(2).records(2).build();
        let n = a.len();
        a[n - 1] ^= 1;
        let mut data = a.clone();
        data.extend_from_slice(&b[..b.len() - 5]);
        std::fs::write(&path, &data).unwrap();
        let f = File::open(&path).unwrap();
        let mut s = BatchScanner::new(&f, 0, data.len() as u64, SCAN_CHUNK);
        match s.next_batch().unwrap() {
            ScanStep::Batch { position, header } => {
                assert!(!s.crc_matches(position, &header).unwrap())
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(s.next_batch().unwrap(), ScanStep::Stop { position, .. } if position == n as u64)
        );
    }
}
