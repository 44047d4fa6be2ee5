//! TypeScript bindings (ts-rs) of every type the desktop app exchanges with its UI.

use crate::analysis::{breakdown, compare, errors, funnel, hist, overview, summary, trend};
use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Export the engine's types (and everything they reference) into `dir`, one file per type.
pub fn export(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    crate::filter::Filter::export_all(&cfg)?;
    crate::import::ImportReport::export_all(&cfg)?;
    crate::import::Mapping::export_all(&cfg)?;
    summary::Summary::export_all(&cfg)?;
    breakdown::Breakdown::export_all(&cfg)?;
    breakdown::BreakdownOptions::export_all(&cfg)?;
    trend::Trend::export_all(&cfg)?;
    trend::TrendOptions::export_all(&cfg)?;
    hist::Histogram::export_all(&cfg)?;
    hist::HistOptions::export_all(&cfg)?;
    errors::Errors::export_all(&cfg)?;
    errors::ErrorsOptions::export_all(&cfg)?;
    funnel::Funnel::export_all(&cfg)?;
    funnel::FunnelOptions::export_all(&cfg)?;
    overview::Overview::export_all(&cfg)?;
    compare::Compare::export_all(&cfg)?;
    Ok(())
}
