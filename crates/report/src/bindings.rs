//! TypeScript bindings (ts-rs) of the report spec, for the desktop app's "Export report".

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Export the spec types (and everything they reference) into `dir`, one file per type.
pub fn export(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    crate::spec::ReportSpec::export_all(&cfg)?;
    Ok(())
}
