//! The JavaScript face of the crate: every `#[napi]` item lives below this
//! module, as thin glue that converts arguments and results and calls the
//! plain Rust modules (`batch`, `compression`, `segment`, `sendfile`, ...),
//! which know nothing of Node and are checked by `cargo test` alone.
//!
//! Threading: objects made on the main thread are reached from the pool's
//! worker threads by number through the handle tables (`handles.rs`); the
//! slow operations a worker runs (`appendByHandle`, `compactByHandle`,
//! `sendPrepared`, `warmRange`) sit in the file of the object they serve,
//! beside their synchronous twin where there is one.
//!
//! The generated `index.d.ts` lists items in expansion order, so the
//! `PartitionLog` impl blocks keep their order: compaction, lifecycle, log.

pub mod append;
pub mod batch;
pub mod compaction;
pub mod compression;
pub mod error;
pub mod fetch;
pub mod handles;
pub mod lifecycle;
pub mod log;
pub mod page_cache;
pub mod response_writer;
pub mod rlimit;

/// Errors thrown to JS carry the Kafka error name as `code` (see `error.rs`).
type Result<T> = napi::Result<T, &'static str>;
