//! zstd (codec 4): one standard zstd frame.

use super::{corrupt, read_bounded, too_big, Codec};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::io::Write;

/// Kafka's `compression.zstd.level` default.
const DEFAULT_LEVEL: i32 = 3;

thread_local! {
    /// One decompression context per thread, reused: creating one costs more than
    /// decompressing a small batch.
    static DCTX: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

pub fn decompress(src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
    // Fast path: a frame that declares its size (librdkafka, zstd-napi, ours) is decoded in one call
    // into exactly that much room; anything else (no size, several frames) streams.
    if let Ok(Some(size)) = zstd::zstd_safe::get_frame_content_size(src) {
        if size > limit as u64 {
            return Err(too_big(Codec::Zstd, limit));
        }
        let at = out.len();
        out.resize(at + size as usize, 0);
        let done = DCTX.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = zstd::bulk::Decompressor::new().ok();
            }
            cell.as_mut()
                .map(|d| d.decompress_to_buffer(src, &mut out[at..]))
        });
        if let Some(Ok(n)) = done {
            if n as u64 == size {
                return Ok(());
            }
        }
        out.truncate(at);
    }
    let d = zstd::stream::read::Decoder::with_buffer(src).map_err(|e| corrupt(Codec::Zstd, e))?;
    read_bounded(Codec::Zstd, d, out, limit)
}

pub fn compress(src: &[u8], level: Option<i32>, out: &mut Vec<u8>) -> Result<()> {
    let mut e =
        zstd::stream::write::Encoder::new(out, level.unwrap_or(DEFAULT_LEVEL)).map_err(io)?;
    e.set_pledged_src_size(Some(src.len() as u64)).map_err(io)?;
    e.include_contentsize(true).map_err(io)?;
    e.write_all(src).map_err(io)?;
    e.finish().map_err(io)?;
    Ok(())
}

fn io(e: std::io::Error) -> Error {
    Error::KafkaStorageError(format!("zstd compression failed: {e}"))
}
