//! zstd (codec 4): one standard zstd frame.

use super::{corrupt, read_bounded, Codec};
use crate::error::{Error, Result};
use std::io::Write;

/// Kafka's `compression.zstd.level` default.
const DEFAULT_LEVEL: i32 = 3;

pub fn decompress(src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
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
