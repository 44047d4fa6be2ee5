//! What the commands do, without Tauri types: open a dataset with progress and cancel.

use crate::error::AppError;
use crate::progress::{ImportProgress, Throttle};
use rumlens_engine::analysis::summary::{summary, Summary, SummaryOptions};
use rumlens_engine::import::{ImportReport, Mapping};
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
    let ds = Dataset::open(
        paths,
        &OpenOptions {
            page_rules: None,
            on_progress: Some(&on_progress),
            input_format: None,
            rows_read: Some(&rows),
            mapping,
        },
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
