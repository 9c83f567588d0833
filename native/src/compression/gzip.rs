//! gzip (codec 1): RFC 1952, what `java.util.zip.GZIPOutputStream` writes.

use super::{read_bounded, Codec};
use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use std::io::Write;

/// Kafka's `compression.gzip.level` default (zlib's 6).
const DEFAULT_LEVEL: i32 = 6;

pub fn decompress(src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
    read_bounded(Codec::Gzip, MultiGzDecoder::new(src), out, limit)
}

pub fn compress(src: &[u8], level: Option<i32>, out: &mut Vec<u8>) -> Result<()> {
    let level = level.unwrap_or(DEFAULT_LEVEL).clamp(0, 9) as u32;
    let mut e = GzEncoder::new(out, flate2::Compression::new(level));
    e.write_all(src).map_err(io)?;
    e.finish().map_err(io)?;
    Ok(())
}

fn io(e: std::io::Error) -> Error {
    Error::KafkaStorageError(format!("gzip compression failed: {e}"))
}
