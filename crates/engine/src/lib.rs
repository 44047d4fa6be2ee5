//! rumlens engine: the canonical RUM event schema, import, enrichment, filters and every
//! analysis. No UI, no Tauri, no rendering: front ends call these functions and render the
//! typed results.

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
/// mimalloc (the binaries' allocator): freed pages go back to the system after 10 ms instead of
/// 1 s, and arenas are committed as used rather than up front. Loading 10M events frees as
/// much as it keeps (decoded row groups, merged pieces): peak RSS ~1.92 -> ~1.66 GB for ~10%
/// more load time (docs/benchmarks.md). `MIMALLOC_PURGE_DELAY` /
/// `MIMALLOC_ARENA_EAGER_COMMIT` in the environment win.
pub fn configure_process() {
    for (key, value) in [("POLARS_ROW_GROUP_PREFETCH_SIZE", "4")] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
    // Option numbers of mimalloc v3 (`mi_option_e` in mimalloc.h of libmimalloc-sys 0.1.49);
    // the Rust bindings name them for v2 only.
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    for (key, option, value) in [
        ("MIMALLOC_PURGE_DELAY", PURGE_DELAY, 10),
        ("MIMALLOC_ARENA_EAGER_COMMIT", ARENA_EAGER_COMMIT, 0),
    ] {
        if std::env::var_os(key).is_none() {
            // SAFETY: sets a process-wide option; called before other threads start.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}
