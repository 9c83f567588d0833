#![deny(clippy::all)]
//! Gregor's native hot path. `napi/` holds every `#[napi]` item, thin glue
//! over the plain Rust modules below, which `cargo test` checks without Node.

pub mod batch;
pub mod compression;
pub mod crc32c;
pub mod error;
pub mod index;
pub mod leader_epoch;
pub mod napi;
pub mod page_cache;
pub mod producer_snapshot;
pub mod producer_state;
pub mod rlimit;
pub mod segment;
pub mod sendfile;
#[cfg(test)]
mod test_util;
