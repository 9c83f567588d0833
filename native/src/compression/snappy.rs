//! snappy (codec 2). Written with xerial framing, which every Kafka client
//! reads; read in either xerial framing or plain raw snappy.
//!
//! xerial `SnappyOutputStream`: magic `82 'SNAPPY' 00`, i32 BE version (1),
//! i32 BE minimum compatible version (1), then blocks of
//! `[i32 BE compressed length][raw snappy block]` of at most 32 KiB input each.

use super::{corrupt, too_big, Codec};
use crate::error::Result;

const MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
const HEADER: [u8; 16] = [
    0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1,
];
const BLOCK: usize = 32 * 1024;

pub fn decompress(src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
    let start = out.len();
    if src.len() < HEADER.len() || src[..MAGIC.len()] != MAGIC {
        return raw_block(src, out, start, limit);
    }
    let mut at = HEADER.len();
    while at < src.len() {
        if at + 4 > src.len() {
            return Err(corrupt(Codec::Snappy, "truncated xerial block length"));
        }
        let len = i32::from_be_bytes([src[at], src[at + 1], src[at + 2], src[at + 3]]);
        at += 4;
        if len < 0 || at + len as usize > src.len() {
            return Err(corrupt(
                Codec::Snappy,
                format!("xerial block of {len} bytes overruns the data"),
            ));
        }
        raw_block(&src[at..at + len as usize], out, start, limit)?;
        at += len as usize;
    }
    Ok(())
}

/// Appends one raw snappy block, keeping the total since `start` within `limit`.
fn raw_block(block: &[u8], out: &mut Vec<u8>, start: usize, limit: usize) -> Result<()> {
    let n = snap::raw::decompress_len(block).map_err(|e| corrupt(Codec::Snappy, e))?;
    if out.len() - start + n > limit {
        return Err(too_big(Codec::Snappy, limit));
    }
    let at = out.len();
    out.resize(at + n, 0);
    let got = snap::raw::Decoder::new()
        .decompress(block, &mut out[at..])
        .map_err(|e| corrupt(Codec::Snappy, e))?;
    out.truncate(at + got);
    Ok(())
}

pub fn compress(src: &[u8], out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(&HEADER);
    let mut enc = snap::raw::Encoder::new();
    for chunk in src.chunks(BLOCK) {
        let len_at = out.len();
        out.extend_from_slice(&[0; 4]);
        let at = out.len();
        out.resize(at + snap::raw::max_compress_len(chunk.len()), 0);
        let n = enc
            .compress(chunk, &mut out[at..])
            .map_err(|e| corrupt(Codec::Snappy, e))?;
        out.truncate(at + n);
        out[len_at..len_at + 4].copy_from_slice(&(n as i32).to_be_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_raw_snappy_as_librdkafka_writes_it() {
        let data = b"hello hello hello hello snappy".repeat(50);
        let raw = snap::raw::Encoder::new().compress_vec(&data).unwrap();
        let mut out = Vec::new();
        decompress(&raw, &mut out, 1 << 20).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn writes_xerial_header() {
        let mut out = Vec::new();
        compress(b"abc", &mut out).unwrap();
        assert_eq!(&out[..16], &HEADER);
        assert_eq!(
            i32::from_be_bytes([out[16], out[17], out[18], out[19]]) as usize,
            out.len() - 20
        );
    }
}
