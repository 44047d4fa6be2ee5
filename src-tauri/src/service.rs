//! What the commands do, without Tauri types: open a dataset with progress and cancel.

use crate::error::AppError;
use crate::progress::{ImportProgress, Throttle};
use rumlens_engine::analysis::summary::{summary, Summary, SummaryOptions};
use rumlens_engine::import::cache::DEFAULT_MAX_BYTES;
use rumlens_engine::import::{ImportCache, ImportReport, Mapping};
use rumlens_engine::{Dataset, Filter, OpenOptions};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DatasetInfo {
    pub paths: Vec<String>,
    /// The bundled sample data.
    pub sample: bool,
    pub report: ImportReport,
    /// Summary of the whole dataset (no filter): counts, time range, dimension values.
    pub summary: Summary,
    /// Whether the events were loaded into memory or are scanned from the files by each query.
    pub storage: DatasetStorage,
}

/// Where a dataset's events are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum StorageMode {
    /// Loaded into memory (compactly): queries read it there.
    Memory,
    /// Too large for the memory budget: every query scans the files with Polars' streaming
    /// engine (memory bounded, slower).
    Streaming,
}

/// How an opened dataset is held, and why.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DatasetStorage {
    pub mode: StorageMode,
    /// `memory`: bytes the loaded events take. `streaming`: bytes loading them would take
    /// (estimated from the Parquet footers' row counts).
    pub bytes: Option<u64>,
    /// Memory the app lets a dataset take: 40% of the machine's memory, or
    /// `RUMLENS_MEMORY_BUDGET_MB` (MiB) when set at start.
    pub budget_bytes: u64,
}

/// The import cache shared with the CLI (`rumlens cache`): parsed NDJSON / vendor exports kept
/// as Parquet, so opening an unchanged export again skips parsing.
pub fn import_cache() -> Option<ImportCache> {
    ImportCache::default_dir().map(|d| ImportCache::new(d, DEFAULT_MAX_BYTES))
}

/// Where the import cache is and how many bytes it holds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CacheInfo {
    pub dir: Option<String>,
    pub bytes: u64,
}

pub fn cache_info() -> CacheInfo {
    let cache = import_cache();
    CacheInfo {
        dir: cache.as_ref().map(|c| c.dir().display().to_string()),
        bytes: cache.as_ref().map_or(0, |c| c.size()),
    }
}

/// Values listed per dimension in the filter chips.
pub const CHIP_VALUES: usize = 200;

/// Import and enrich `paths`, through `mapping` when given, and load them into memory unless
/// they would take more than `budget` bytes (then they stay on disk and every query streams
/// them). `send` receives throttled progress; `cancel` stops the import at the next progress
/// tick.
pub fn open(
    paths: &[String],
    sample: bool,
    mapping: Option<&Mapping>,
    budget: u64,
    send: &(dyn Fn(ImportProgress) + Sync),
    cancel: &AtomicBool,
) -> Result<(Dataset, DatasetInfo), AppError> {
    let throttle = Throttle::default();
    let total = AtomicU64::new(0);
    let rows = AtomicU64::new(0);
    let on_progress = |done: u64, t: u64| -> bool {
        total.store(t, Ordering::Relaxed);
        if throttle.should_send(Instant::now()) {
            let r = rows.load(Ordering::Relaxed);
            send(ImportProgress {
                done_bytes: done,
                total_bytes: t,
                rows: (r > 0).then_some(r),
                finished: false,
            });
        }
        !cancel.load(Ordering::Relaxed)
    };
    let cache = import_cache();
    // Opened as streaming, which costs nothing until a query runs (Parquet: footers and lazy
    // checks only); `materialize` below loads it and turns streaming off.
    let ds = Dataset::open_cached(
        paths,
        &OpenOptions {
            page_rules: None,
            on_progress: Some(&on_progress),
            input_format: None,
            rows_read: Some(&rows),
            mapping,
            streaming: true,
        },
        cache.as_ref(),
    )?;
    if cancel.load(Ordering::Relaxed) {
        return Err(rumlens_engine::EngineError::Cancelled.into());
    }
    let (ds, storage) = hold(ds, budget)?;
    let summary = summary(
        &ds,
        &Filter::default(),
        &SummaryOptions {
            top_values: CHIP_VALUES,
        },
    )?;
    let t = total.load(Ordering::Relaxed);
    send(ImportProgress {
        done_bytes: t,
        total_bytes: t,
        rows: Some(summary.rows),
        finished: true,
    });
    let info = DatasetInfo {
        paths: paths.to_vec(),
        sample,
        report: ds.report.clone(),
        summary,
        storage,
    };
    Ok((ds, info))
}

/// Load `ds` into memory when its estimated size fits `budget`, or when the size is unknown
/// before reading it (NDJSON and vendor files, parsed into memory by the import anyway); keep
/// it streaming otherwise.
fn hold(ds: Dataset, budget: u64) -> Result<(Dataset, DatasetStorage), AppError> {
    if let Some(estimate) = ds.memory_estimate().filter(|&e| e > budget) {
        debug_assert!(ds.is_streaming(), "opened as streaming");
        let storage = DatasetStorage {
            mode: StorageMode::Streaming,
            bytes: Some(estimate),
            budget_bytes: budget,
        };
        return Ok((ds, storage));
    }
    let ds = ds.materialize()?;
    let storage = DatasetStorage {
        mode: StorageMode::Memory,
        bytes: ds.memory().map(|(bytes, _)| bytes as u64),
        budget_bytes: budget,
    };
    Ok((ds, storage))
}
