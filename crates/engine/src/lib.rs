//! rumlens engine: the canonical RUM event schema, import, enrichment, filters and every
//! analysis. No UI, no Tauri, no rendering: front ends call these functions and render the
//! typed results.

mod alloc;
pub mod analysis;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod dataset;
pub mod enrich;
pub mod error;
pub mod export;
pub mod filter;
pub mod gen;
pub mod import;
pub mod schema;
pub mod stats;
pub mod store;
pub mod table;

pub use dataset::{Dataset, OpenOptions};
pub use error::{EngineError, Result};
pub use filter::Filter;

/// Process-wide settings, for the binaries to call first thing (before any thread starts).
///
/// Polars: the streaming Parquet reader prefetches 4 row groups instead of 16: on 10M events a
/// streaming scan's peak memory drops from 2.6 GB to ~1.4 GB, and unlike 1 it keeps both
/// threads decoding (a CLI breakdown at 10M: 0.20 s with 1, 0.13 s with 4; docs/benchmarks.md).
/// A value already in the environment wins.
///
/// mimalloc (the binaries' allocator) commits its arenas as they are used rather than up
/// front (`MIMALLOC_ARENA_EAGER_COMMIT` in the environment wins); loading lowers its purge
/// delay for as long as it runs ([`alloc::PromptPurge`]).
pub fn configure_process() {
    for (key, value) in [("POLARS_ROW_GROUP_PREFETCH_SIZE", "4")] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
    if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
        alloc::set_option(alloc::ARENA_EAGER_COMMIT, 0);
    }
}
