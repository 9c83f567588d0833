//! lz4 (codec 3): the LZ4 frame format, written as `KafkaLZ4BlockOutputStream`
//! does (independent blocks of at most 64 KiB, no block or content checksum,
//! header checksum present), which Kafka's Java reader requires: it decodes
//! each block on its own, without the previous block as dictionary.
//!
//! Levels follow Kafka's `compression.lz4.level` (1..=17, default 9): the
//! default keeps LZ4's fast compressor, as Kafka did before KIP-390; any
//! other level selects LZ4 HC at that level.

use super::{corrupt, read_bounded, Codec};
use crate::error::{Error, Result};
use lz4::liblz4::BlockChecksum;
use lz4::{BlockMode, BlockSize, ContentChecksum};
use std::io::Write;

const DEFAULT_LEVEL: i32 = 9;

const MAGIC: u32 = 0x184D_2204;
const FLG_VERSION_MASK: u8 = 0xC0;
const FLG_VERSION_1: u8 = 0x40;
const FLG_BLOCK_INDEPENDENT: u8 = 0x20;
const FLG_BLOCK_CHECKSUM: u8 = 0x10;
const FLG_CONTENT_SIZE: u8 = 0x08;
const FLG_CONTENT_CHECKSUM: u8 = 0x04;
const BLOCK_UNCOMPRESSED: u32 = 0x8000_0000;

/// Decodes one LZ4 frame. Independent blocks (what Kafka, librdkafka and the
/// project's client write) are decoded block by block here, so a torn frame
/// is an error; linked blocks go through liblz4's streaming decoder.
pub fn decompress(src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
    let bad = |what: &str| corrupt(Codec::Lz4, what);
    if src.len() < 7 || u32::from_le_bytes([src[0], src[1], src[2], src[3]]) != MAGIC {
        return Err(bad("not an LZ4 frame (bad magic)"));
    }
    let flg = src[4];
    if flg & FLG_VERSION_MASK != FLG_VERSION_1 {
        return Err(bad("unsupported LZ4 frame version"));
    }
    if flg & FLG_BLOCK_INDEPENDENT == 0 {
        return read_bounded(
            Codec::Lz4,
            lz4::Decoder::new(src).map_err(|e| corrupt(Codec::Lz4, e))?,
            out,
            limit,
        );
    }
    let block_max = match (src[5] >> 4) & 0x7 {
        4 => 64 << 10,
        5 => 256 << 10,
        6 => 1 << 20,
        7 => 4 << 20,
        _ => return Err(bad("invalid LZ4 block maximum size")),
    };
    let mut at = 6 + if flg & FLG_CONTENT_SIZE != 0 { 8 } else { 0 };
    at += 1; // header checksum
    let start = out.len();
    loop {
        if at + 4 > src.len() {
            return Err(bad("truncated LZ4 frame (no end mark)"));
        }
        let word = u32::from_le_bytes([src[at], src[at + 1], src[at + 2], src[at + 3]]);
        at += 4;
        if word == 0 {
            break;
        }
        let size = (word & !BLOCK_UNCOMPRESSED) as usize;
        if size > block_max || at + size > src.len() {
            return Err(bad("LZ4 block overruns the frame"));
        }
        let block = &src[at..at + size];
        let room = block_max.min(limit.saturating_sub(out.len() - start));
        if word & BLOCK_UNCOMPRESSED != 0 {
            if size > room {
                return Err(super::too_big(Codec::Lz4, limit));
            }
            out.extend_from_slice(block);
        } else {
            let pos = out.len();
            out.resize(pos + room, 0);
            match lz4::block::decompress_to_buffer(block, Some(room as i32), &mut out[pos..]) {
                Ok(n) => out.truncate(pos + n),
                Err(_) if room < block_max => {
                    out.truncate(pos);
                    return Err(super::too_big(Codec::Lz4, limit));
                }
                Err(e) => {
                    out.truncate(pos);
                    return Err(corrupt(Codec::Lz4, e));
                }
            }
        }
        at += size;
        if flg & FLG_BLOCK_CHECKSUM != 0 {
            at += 4;
        }
    }
    if flg & FLG_CONTENT_CHECKSUM != 0 {
        at += 4;
    }
    if at > src.len() {
        return Err(bad("truncated LZ4 frame (checksum)"));
    }
    Ok(())
}

pub fn compress(src: &[u8], level: Option<i32>, out: &mut Vec<u8>) -> Result<()> {
    let level = match level.unwrap_or(DEFAULT_LEVEL) {
        DEFAULT_LEVEL => 0, // liblz4's fast mode
        l => l.clamp(3, 16) as u32,
    };
    let mut e = lz4::EncoderBuilder::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(BlockMode::Independent)
        .checksum(ContentChecksum::NoChecksum)
        .block_checksum(BlockChecksum::NoBlockChecksum)
        .level(level)
        .build(out)
        .map_err(io)?;
    e.write_all(src).map_err(io)?;
    let (_, r) = e.finish();
    r.map_err(io)
}

fn io(e: std::io::Error) -> Error {
    Error::KafkaStorageError(format!("lz4 compression failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_header_is_kafkas() {
        let mut out = Vec::new();
        compress(&[7u8; 100_000], None, &mut out).unwrap();
        // magic, FLG 0x60 (v1, independent blocks, no checksums), BD 0x40 (64 KiB), HC 0x82.
        assert_eq!(&out[..7], &[0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
        assert_eq!(&out[out.len() - 4..], &[0, 0, 0, 0]);
    }

    #[test]
    fn reads_what_the_project_client_writes() {
        // A 3-byte input stored as an uncompressed block (high bit of the size).
        let frame = [
            0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 3, 0, 0, 0x80, b'a', b'b', b'c', 0, 0, 0, 0,
        ];
        let mut out = Vec::new();
        decompress(&frame, &mut out, 100).unwrap();
        assert_eq!(out, b"abc");
    }
}
