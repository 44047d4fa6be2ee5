//! Printing results: aligned table, RFC 4180 CSV or JSON (`{"rows": [...]}` with keys equal
//! to the CSV header).

use rumlens_engine::import::ImportReport;
use rumlens_engine::table::{Table, ToTable};
use rumlens_engine::EngineError;
use std::io::Write;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Aligned, human-readable
    Table,
    /// RFC 4180, header row
    Csv,
    /// {"rows": [{column: value}]}
    Json,
}

/// Rejected rows go to stderr so stdout stays machine-readable.
pub fn print_rejects(report: &ImportReport) {
    if report.rejected == 0 {
        return;
    }
    eprintln!(
        "rumlens: {} row(s) rejected; the first {} (file:line: field: reason):",
        report.rejected,
        report.reject_examples.len()
    );
    for r in &report.reject_examples {
        eprintln!("  {r}");
    }
}

fn io(e: std::io::Error) -> EngineError {
    EngineError::Io {
        path: "<stdout>".into(),
        source: e,
    }
}

pub fn emit(
    format: Format,
    title: &str,
    result: &impl ToTable,
    extra: Option<(&str, Table)>,
) -> Result<(), EngineError> {
    emit_table(format, title, &result.to_table(), result.filter_description(), extra)
}

pub fn emit_table(
    format: Format,
    title: &str,
    table: &Table,
    filter: &str,
    extra: Option<(&str, Table)>,
) -> Result<(), EngineError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => {
            writeln!(out, "{title}").map_err(io)?;
            if !filter.is_empty() {
                writeln!(out, "filters: {filter}").map_err(io)?;
            }
            writeln!(out).map_err(io)?;
            if table.rows.is_empty() {
                writeln!(out, "(no rows match)").map_err(io)?;
            } else {
                write!(out, "{}", table.to_text()).map_err(io)?;
            }
            if let Some((name, t)) = extra {
                writeln!(out, "\n{name}\n").map_err(io)?;
                if t.rows.is_empty() {
                    writeln!(out, "(none)").map_err(io)?;
                } else {
                    write!(out, "{}", t.to_text()).map_err(io)?;
                }
            }
        }
        Format::Csv => table.write_csv(&mut out).map_err(io)?,
        Format::Json => {
            let mut obj = serde_json::Map::new();
            obj.insert("title".into(), title.into());
            obj.insert("columns".into(), table.columns.clone().into());
            obj.insert("rows".into(), table.json_rows().into());
            if let Some((name, t)) = extra {
                obj.insert(name.replace(' ', "_"), t.json_rows().into());
            }
            serde_json::to_writer_pretty(&mut out, &obj).map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}
