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
