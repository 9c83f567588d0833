#![deny(clippy::all)]
//! Gregor's native hot path: exports only; logic lives in the modules.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// CRC32C (Castagnoli) of `data`, hardware-accelerated where the CPU allows.
#[napi]
pub fn crc32c(data: Buffer) -> u32 {
    crc32c::crc32c(&data)
}
