//! Compression codecs of RecordBatch v2 (attributes bits 0-2), byte-compatible
//! with what Kafka's Java client, librdkafka and kafkajs write:
//!
//! - gzip: an RFC 1952 stream (concatenated members accepted on read);
//! - snappy: xerial framing (`SnappyOutputStream`: 16-byte header, then blocks
//!   of `[i32 BE length][raw snappy]`) on write; xerial or plain raw snappy on
//!   read (librdkafka and kafkajs write raw);
//! - lz4: the LZ4 frame format as `KafkaLZ4BlockOutputStream` writes it
//!   (independent 64 KiB blocks, no checksums, correct header checksum);
//! - zstd: a standard zstd frame.
//!
//! Decompression is bounded: output beyond `limit` bytes is an error, so a
//! small batch cannot expand into unbounded memory (a "zip bomb").

mod gzip;
mod lz4;
mod snappy;
mod zstd;

use crate::error::{Error, Result};

/// Codec ids as stored in the batch attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

impl Codec {
    /// `None` for ids Kafka does not define (5..=7).
    pub fn from_id(id: u8) -> Option<Codec> {
        match id {
            0 => Some(Codec::None),
            1 => Some(Codec::Gzip),
            2 => Some(Codec::Snappy),
            3 => Some(Codec::Lz4),
            4 => Some(Codec::Zstd),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::None => "none",
            Codec::Gzip => "gzip",
            Codec::Snappy => "snappy",
            Codec::Lz4 => "lz4",
            Codec::Zstd => "zstd",
        }
    }
}

/// A codec with its level, as the topic's `compression.type` and
/// `compression.<codec>.level` ask. `level: None` is the codec's default
/// (Kafka's: gzip 6, lz4 9, zstd 3; snappy has no levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    pub codec: Codec,
    pub level: Option<i32>,
}

impl Compression {
    /// Checks a level against Kafka's ranges (KIP-390).
    pub fn validate(&self) -> Result<()> {
        let (lo, hi) = match self.codec {
            Codec::Gzip => (1, 9),
            Codec::Lz4 => (1, 17),
            Codec::Zstd => (-131072, 22),
            Codec::None | Codec::Snappy => return Ok(()),
        };
        match self.level {
            Some(l) if l < lo || l > hi => Err(Error::InvalidConfig(format!(
                "compression.{}.level = {l}: must be in [{lo}, {hi}]",
                self.codec.name()
            ))),
            _ => Ok(()),
        }
    }
}

/// Bytes a batch may expand to when decompressed, whatever it declares.
pub const DEFAULT_DECOMPRESS_LIMIT: usize = 256 << 20;

/// Appends the decompressed `src` to `out`; at most `limit` bytes are produced.
pub fn decompress(codec: Codec, src: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<()> {
    let start = out.len();
    let r = match codec {
        Codec::None => {
            if src.len() > limit {
                Err(too_big(codec, limit))
            } else {
                out.extend_from_slice(src);
                Ok(())
            }
        }
        Codec::Gzip => gzip::decompress(src, out, limit),
        Codec::Snappy => snappy::decompress(src, out, limit),
        Codec::Lz4 => lz4::decompress(src, out, limit),
        Codec::Zstd => zstd::decompress(src, out, limit),
    };
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// Appends the compressed `src` to `out`.
pub fn compress(c: Compression, src: &[u8], out: &mut Vec<u8>) -> Result<()> {
    c.validate()?;
    match c.codec {
        Codec::None => {
            out.extend_from_slice(src);
            Ok(())
        }
        Codec::Gzip => gzip::compress(src, c.level, out),
        Codec::Snappy => snappy::compress(src, out),
        Codec::Lz4 => lz4::compress(src, c.level, out),
        Codec::Zstd => zstd::compress(src, c.level, out),
    }
}

fn too_big(codec: Codec, limit: usize) -> Error {
    Error::CorruptMessage(format!(
        "{} data expands beyond {limit} bytes",
        codec.name()
    ))
}

fn corrupt(codec: Codec, what: impl std::fmt::Display) -> Error {
    Error::CorruptMessage(format!("cannot decompress {} data: {what}", codec.name()))
}

/// Reads `r` to its end into `out`, failing past `limit` bytes.
fn read_bounded(
    codec: Codec,
    r: impl std::io::Read,
    out: &mut Vec<u8>,
    limit: usize,
) -> Result<()> {
    use std::io::Read;
    let start = out.len();
    let mut limited = r.take(limit as u64 + 1);
    limited.read_to_end(out).map_err(|e| corrupt(codec, e))?;
    if out.len() - start > limit {
        return Err(too_big(codec, limit));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Codec; 5] = [
        Codec::None,
        Codec::Gzip,
        Codec::Snappy,
        Codec::Lz4,
        Codec::Zstd,
    ];

    fn sample(n: usize) -> Vec<u8> {
        // Compressible but not trivial: a counter in text plus a pseudo-random tail.
        let mut v = Vec::with_capacity(n);
        let mut x: u32 = 12345;
        while v.len() < n {
            x = x.wrapping_mul(1103515245).wrapping_add(12345);
            if v.len() % 7 == 0 {
                v.push((x >> 24) as u8);
            } else {
                v.extend_from_slice(format!("{} ", v.len() % 1000).as_bytes());
            }
        }
        v.truncate(n);
        v
    }

    #[test]
    fn ids() {
        assert_eq!(Codec::from_id(0), Some(Codec::None));
        assert_eq!(Codec::from_id(4), Some(Codec::Zstd));
        assert_eq!(Codec::from_id(5), None);
    }

    #[test]
    fn round_trips_every_codec_and_size() {
        for codec in ALL {
            for n in [0usize, 1, 100, 65_535, 65_536, 65_537, 300_000] {
                let data = sample(n);
                let mut z = Vec::new();
                compress(Compression { codec, level: None }, &data, &mut z).unwrap();
                let mut back = vec![9u8]; // appends after what is there
                decompress(codec, &z, &mut back, 1 << 20).unwrap();
                assert_eq!(&back[1..], &data[..], "{codec:?} n={n}");
            }
        }
    }

    #[test]
    fn levels() {
        let data = sample(200_000);
        for (codec, levels) in [
            (Codec::Gzip, vec![1, 9]),
            (Codec::Lz4, vec![1, 9, 12, 17]),
            (Codec::Zstd, vec![-5, 1, 19]),
        ] {
            for l in levels {
                let mut z = Vec::new();
                compress(
                    Compression {
                        codec,
                        level: Some(l),
                    },
                    &data,
                    &mut z,
                )
                .unwrap();
                let mut back = Vec::new();
                decompress(codec, &z, &mut back, 1 << 20).unwrap();
                assert_eq!(back, data, "{codec:?} level {l}");
            }
        }
        let bad = Compression {
            codec: Codec::Gzip,
            level: Some(10),
        };
        assert!(matches!(
            compress(bad, &data, &mut Vec::new()),
            Err(Error::InvalidConfig(_))
        ));
    }

    #[test]
    fn limit_stops_expansion() {
        let data = vec![0u8; 1 << 20];
        for codec in ALL {
            let mut z = Vec::new();
            compress(Compression { codec, level: None }, &data, &mut z).unwrap();
            let mut out = Vec::new();
            let e = decompress(codec, &z, &mut out, 1000).unwrap_err();
            assert!(matches!(e, Error::CorruptMessage(_)), "{codec:?}");
            assert!(out.is_empty(), "{codec:?} left partial output");
        }
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        let junk: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
        for codec in [Codec::Gzip, Codec::Snappy, Codec::Lz4, Codec::Zstd] {
            let mut out = Vec::new();
            assert!(
                matches!(
                    decompress(codec, &junk, &mut out, 1 << 20),
                    Err(Error::CorruptMessage(_))
                ),
                "{codec:?}"
            );
            // Truncated valid data too.
            let mut z = Vec::new();
            compress(Compression { codec, level: None }, &sample(10_000), &mut z).unwrap();
            assert!(
                decompress(codec, &z[..z.len() / 2], &mut out, 1 << 20).is_err(),
                "{codec:?}"
            );
        }
    }
}
