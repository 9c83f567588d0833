//! Record batch checks for benchmarks and tools: CRC32C and the validation an
//! append runs, without writing anything.

use super::Result;
use crate::{batch, crc32c};
use napi::bindgen_prelude::BufferSlice;
use napi_derive::napi;

/// CRC32C (Castagnoli) of `data`, hardware-accelerated where the CPU allows.
#[napi(js_name = "crc32c")]
pub fn crc32c_js(data: BufferSlice) -> u32 {
    crc32c::crc32c(&data)
}

/// Validates one or more RecordBatch v2 exactly as an append would (header,
/// CRC32C, sizes, record framing) without writing anything; returns the
/// number of batches. Used by benchmarks and tools.
#[napi(js_name = "validateBatches")]
pub fn validate_batches_js(records: BufferSlice, max_message_bytes: i64) -> Result<u32> {
    let mut out = Vec::new();
    batch::validate::validate_batches(&records, max_message_bytes, &mut out)?;
    Ok(out.len() as u32)
}
