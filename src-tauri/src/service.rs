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

/// Import, enrich and load `paths` into memory, through `mapping` when given. `send` receives
/// throttled progress; `cancel` stops the import at the next progress tick.
pub fn open(
    paths: &[String],
    sample: bool,
    mapping: Option<&Mapping>,
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
    let ds = Dataset::open_cached(
        paths,
        &OpenOptions {
            page_rules: None,
            on_progress: Some(&on_progress),
            input_format: None,
            rows_read: Some(&rows),
            mapping,
            streaming: false,
        },
        cache.as_ref(),
    )?;
    if cancel.load(Ordering::Relaxed) {
        return Err(rumlens_engine::EngineError::Cancelled.into());
    }
    let ds = ds.materialize()?;
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
    };
    Ok((ds, info))
}
