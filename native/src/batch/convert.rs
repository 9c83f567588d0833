//! Re-compression of a validated batch into another codec (the topic's
//! `compression.type` when it differs from the producer's), as Kafka's
//! `LogValidator` does: same header fields (producer id, epoch, sequence,
//! timestamps, transactional flag), records re-encoded, new length and CRC.

use super::validate::with_records;
use super::*;
use crate::compression::{self, Codec, Compression};
use crate::error::Result;

/// Appends to `out` the batch `batch` (already validated, header `h`) with its
/// records encoded by `target`.
pub fn convert_batch(
    batch: &[u8],
    h: &BatchHeader,
    target: Compression,
    out: &mut Vec<u8>,
) -> Result<()> {
    let source = Codec::from_id(h.compression()).unwrap_or(Codec::None);
    let start = out.len();
    out.extend_from_slice(&batch[..HEADER_SIZE]);
    let r = with_records(batch, source, |records| {
        compression::compress(target, records, out)
    });
    if let Err(e) = r {
        out.truncate(start);
        return Err(e);
    }
    let b = &mut out[start..];
    let length = (b.len() - LOG_OVERHEAD) as i32;
    b[LENGTH_OFFSET..LENGTH_OFFSET + 4].copy_from_slice(&length.to_be_bytes());
    set_attributes(b, (h.attributes & !COMPRESSION_MASK) | target.codec as i16);
    update_crc(b);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::builder::BatchBuilder;
    use super::super::validate::validate_batches;
    use super::*;

    #[test]
    fn converts_between_all_codecs_keeping_the_records() {
        let plain = BatchBuilder::new()
            .producer(9, 2, 40)
            .record(Some(b"k"), Some(b"v"), 0)
            .records(50)
            .build();
        for from in 0..=4u8 {
            let src = BatchBuilder::new()
                .producer(9, 2, 40)
                .record(Some(b"k"), Some(b"v"), 0)
                .records(50)
                .compression(from)
                .build();
            for to in [
                Codec::None,
                Codec::Gzip,
                Codec::Snappy,
                Codec::Lz4,
                Codec::Zstd,
            ] {
                let h = BatchHeader::parse(&src).unwrap();
                let mut out = Vec::new();
                convert_batch(
                    &src,
                    &h,
                    Compression {
                        codec: to,
                        level: None,
                    },
                    &mut out,
                )
                .unwrap();
                let mut v = Vec::new();
                validate_batches(&out, 1 << 20, &mut v).unwrap();
                let n = BatchHeader::parse(&out).unwrap();
                assert_eq!(n.compression(), to as u8);
                assert_eq!(
                    (n.producer_id, n.producer_epoch, n.base_sequence),
                    (9, 2, 40)
                );
                assert_eq!(n.records_count, 51);
                // Back to none gives the very bytes of the plain batch.
                let mut back = Vec::new();
                convert_batch(
                    &out,
                    &n,
                    Compression {
                        codec: Codec::None,
                        level: None,
                    },
                    &mut back,
                )
                .unwrap();
                assert_eq!(back, plain, "{from} -> {to:?} -> none");
            }
        }
    }
}
