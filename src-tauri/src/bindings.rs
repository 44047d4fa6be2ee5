//! TypeScript bindings for the UI: the engine's types, the report spec's and the shell's own, into
//! `ui/src/lib/bindings/`. `tests/bindings.rs` fails when the committed files are stale.

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

pub fn export(dir: &Path) -> Result<(), ExportError> {
    rumlens_engine::bindings::export(dir)?;
    rumlens_report::bindings::export(dir)?;
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    crate::service::DatasetInfo::export_all(&cfg)?;
    crate::service::DatasetStorage::export_all(&cfg)?;
    crate::service::StorageMode::export_all(&cfg)?;
    crate::progress::ImportProgress::export_all(&cfg)?;
    crate::recent::RecentFile::export_all(&cfg)?;
    crate::service::CacheInfo::export_all(&cfg)?;
    crate::error::AppError::export_all(&cfg)?;
    crate::mappings::MappingProposal::export_all(&cfg)?;
    crate::export::ExportProgress::export_all(&cfg)?;
    crate::export::ReportFormat::export_all(&cfg)?;
    crate::export::ChartFormat::export_all(&cfg)?;
    Ok(())
}
