//! Codec ids from JS: the record-batch codecs for tools, and the topic's
//! `compression.type` an append converts to.

use super::Result;
use crate::compression::{self, Codec, Compression};
use crate::error::Error;
use napi::bindgen_prelude::{Buffer, BufferSlice};
use napi_derive::napi;

/// The topic's `compression.type` (a codec id, absent or -1 for `producer`)
/// and its `compression.<codec>.level`, checked.
pub(super) fn target_compression(
    id: Option<i32>,
    level: Option<i32>,
) -> Result<Option<Compression>> {
    let id = match id {
        None | Some(-1) => return Ok(None),
        Some(id) => id,
    };
    let codec = u8::try_from(id)
        .ok()
        .and_then(Codec::from_id)
        .ok_or_else(|| Error::InvalidConfig(format!("compression type id {id} is not 0..=4")))?;
    let c = Compression { codec, level };
    c.validate()?;
    Ok(Some(c))
}

fn codec_of(id: u32) -> Result<Codec> {
    u8::try_from(id)
        .ok()
        .and_then(Codec::from_id)
        .ok_or_else(|| {
            Error::UnsupportedCompressionType(format!("unknown compression codec id {id}")).into()
        })
}

/// Compresses `data` with codec `codec` (0 none .. 4 zstd) exactly as the
/// records of a RecordBatch are stored; `level` as `compression.<codec>.level`.
/// Used by benchmarks and tools; the output is handed to JS without a copy.
#[napi(js_name = "compress")]
pub fn compress_js(codec: u32, data: BufferSlice, level: Option<i32>) -> Result<Buffer> {
    let mut out = Vec::new();
    compression::compress(
        Compression {
            codec: codec_of(codec)?,
            level,
        },
        &data,
        &mut out,
    )?;
    Ok(out.into())
}

/// Decompresses what `compress` (or any Kafka client) wrote with `codec`.
#[napi(js_name = "decompress")]
pub fn decompress_js(codec: u32, data: BufferSlice) -> Result<Buffer> {
    let mut out = Vec::new();
    compression::decompress(
        codec_of(codec)?,
        &data,
        &mut out,
        compression::DEFAULT_DECOMPRESS_LIMIT,
    )?;
    Ok(out.into())
}
