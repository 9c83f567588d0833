//! `FetchSlice`: the result of a fetch lookup, kept as a file range until it
//! is sent (`ResponseWriter.file`, sendfile) or read (the copying path).

use super::Result;
use crate::segment::log as core;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// Whole batches of one partition located in a segment file, with the
/// offsets to report beside them. Committed bytes never change, so the range
/// stays valid after the log's lock is released (the file stays open while
/// this object lives, even if retention deletes the segment).
#[napi]
pub struct FetchSlice {
    pub(super) slice: Option<core::FileSlice>,
    high_watermark: i64,
    log_start_offset: i64,
    log_end_offset: i64,
    next_offset: i64,
}

impl From<core::Located> for FetchSlice {
    fn from(loc: core::Located) -> Self {
        FetchSlice {
            slice: loc.slice,
            high_watermark: loc.high_watermark,
            log_start_offset: loc.log_start_offset,
            log_end_offset: loc.log_end_offset,
            next_offset: loc.next_offset,
        }
    }
}

#[napi]
impl FetchSlice {
    #[napi(getter)]
    pub fn byte_length(&self) -> f64 {
        self.slice.as_ref().map_or(0.0, |s| s.length as f64)
    }
    #[napi(getter)]
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }
    #[napi(getter)]
    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }
    #[napi(getter)]
    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }
    /// One past the last offset of the located batches (the fetch offset when none).
    #[napi(getter)]
    pub fn next_offset(&self) -> i64 {
        self.next_offset
    }

    /// The copying path: the range read into a Buffer handed to JS without a
    /// further copy.
    #[napi]
    pub fn read(&self) -> Result<Buffer> {
        match &self.slice {
            Some(s) => Ok(s.read()?.into()),
            None => Ok(Vec::new().into()),
        }
    }

    /// `length` bytes of the range from `skip` bytes in (clamped to the
    /// range): a chunk for a reader too slow for the worker's sendfile.
    #[napi]
    pub fn read_range(&self, skip: f64, length: f64) -> Result<Buffer> {
        match &self.slice {
            Some(s) => {
                let skip = (skip.max(0.0) as u64).min(s.length);
                let len = (length.max(0.0) as u64).min(s.length - skip);
                let part = core::FileSlice {
                    file: s.file.clone(),
                    position: s.position + skip,
                    length: len,
                };
                Ok(part.read()?.into())
            }
            None => Ok(Vec::new().into()),
        }
    }
}
