//! Shareable reports from the app, without Tauri types: the report spec of what is on screen,
//! and writing a spec, a report, one chart or one table to a path the shell got from a native
//! dialog (never from the webview). Every file is written atomically.

use crate::error::AppError;
use crate::state::Source;
use rumlens_engine::export::write_atomic;
use rumlens_engine::import::Mapping;
use rumlens_engine::{Dataset, EngineError, Filter};
use rumlens_report::output::png;
use rumlens_report::spec::{from_filter, Analysis, Paper, ReportSpec, Section, VERSION};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Document formats of "Export report".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Pdf,
    Html,
    /// One CSV per table, into a folder.
    Csv,
}

/// Formats of a single chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    Png,
    Svg,
}

impl ReportFormat {
    /// File extension; `None` for the CSV folder.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            ReportFormat::Pdf => Some("pdf"),
            ReportFormat::Html => Some("html"),
            ReportFormat::Csv => None,
        }
    }
}

impl ChartFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }
}

/// Progress of a report export: sections computed of the total (the first step is the
/// report's own summary); the files are written after the last.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
}

/// Title used when the user leaves it empty.
pub const DEFAULT_TITLE: &str = "rumlens report";

/// A dataset path as a spec input: absolute (relative ones are taken from the app's working
/// directory, as the import did), so the spec can be saved anywhere.
fn absolute(p: &str) -> String {
    std::path::absolute(p)
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_else(|_| p.to_string())
}

/// A spec that passed the same checks as one loaded from a file: specs from the webview are
/// not trusted, and the CLI would refuse an invalid one.
pub fn validate(spec: ReportSpec) -> Result<ReportSpec, AppError> {
    Ok(ReportSpec::from_json(&spec.to_json(), "report spec")?)
}

/// The report spec of `sections` over the window's dataset: its paths as inputs, the filter bar
/// as the report's filters and time window.
pub fn build_spec(
    title: &str,
    sections: Vec<Section>,
    filter: &Filter,
    source: &Source,
) -> Result<ReportSpec, AppError> {
    let (filters, from, to) = from_filter(filter);
    let title = title.trim();
    validate(ReportSpec {
        version: VERSION,
        title: if title.is_empty() { DEFAULT_TITLE } else { title }.to_string(),
        subtitle: None,
        inputs: source.paths.iter().map(|p| absolute(p)).collect(),
        input_format: None,
        mapping: None,
        page_rules: None,
        filters,
        from,
        to,
        paper: Paper::default(),
        sections,
    })
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    write_atomic(path, |w: &mut dyn Write| {
        w.write_all(bytes).map_err(|source| EngineError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    Ok(())
}

/// Write `spec` to `path`. When the dataset was opened through a column mapping, the mapping is
/// written beside it as `<stem>.mapping.json` and named in the spec (relative, so the two files
/// move together), so `rumlens report` reads the inputs the same way. Returns the files written,
/// the spec first.
pub fn save_spec(spec: &ReportSpec, mapping: Option<&Mapping>, path: &Path) -> Result<Vec<PathBuf>, AppError> {
    let mut spec = validate(spec.clone())?;
    let mut written = Vec::new();
    if let Some(m) = mapping {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("{}.mapping.json", if stem.is_empty() { "report" } else { &stem });
        let side = path.with_file_name(&name);
        write_bytes(&side, m.to_json()?.as_bytes())?;
        spec.mapping = Some(name);
        written.push(side);
    }
    write_bytes(path, spec.to_json().as_bytes())?;
    written.insert(0, path.to_path_buf());
    Ok(written)
}

/// Compute every section of `spec` over the open dataset and write it to `out` (a file for
/// PDF / HTML, a folder for CSV). `progress(done, total)` returning false cancels.
pub fn export_report(
    ds: &Dataset,
    spec: &ReportSpec,
    format: ReportFormat,
    out: &Path,
    progress: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Result<Vec<PathBuf>, AppError> {
    let spec = validate(spec.clone())?;
    let report = rumlens_report::run_on(&spec, ds, Some(progress))?;
    let target = match format {
        ReportFormat::Csv => {
            // A trailing separator says "folder" to the writer, whether it exists or not.
            let mut s = out.as_os_str().to_owned();
            s.push(std::path::MAIN_SEPARATOR_STR);
            PathBuf::from(s)
        }
        _ => out.to_path_buf(),
    };
    Ok(rumlens_report::write(&report, &target, None)?)
}

/// The spec of one view's section, for its chart or table (validated before the dialog).
pub fn section_spec(section: Section, filter: &Filter, source: &Source) -> Result<ReportSpec, AppError> {
    build_spec(DEFAULT_TITLE, vec![section], filter, source)
}

/// The chart of the first section of `spec` (one view), drawn as in reports (plotters), to `out`.
pub fn export_chart(ds: &Dataset, spec: &ReportSpec, format: ChartFormat, out: &Path) -> Result<PathBuf, AppError> {
    let section = rumlens_report::run::run_section(spec, ds, 0)?;
    let chart = rumlens_report::chart::render(&section)?
        .ok_or_else(|| AppError::new("invalid_argument", format!("{} has no chart", section.title)))?;
    match format {
        ChartFormat::Svg => write_bytes(out, chart.svg.as_bytes())?,
        ChartFormat::Png => write_bytes(out, &png(&chart, 2.0)?)?,
    }
    Ok(out.to_path_buf())
}

/// The main table of `spec` (one view): the first CSV the report would write, to `out`.
pub fn export_table(ds: &Dataset, spec: &ReportSpec, out: &Path) -> Result<PathBuf, AppError> {
    let section = rumlens_report::run::run_section(spec, ds, 0)?;
    let (_, table) = rumlens_report::tables::csv_tables(&section)
        .into_iter()
        .next()
        .ok_or_else(|| AppError::new("invalid_argument", "this view has no table to export"))?;
    write_bytes(out, table.to_csv_string().as_bytes())?;
    Ok(out.to_path_buf())
}

/// File-name-safe slug: lowercase ASCII letters, digits and `_`, other runs become `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-')
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The name offered in the save dialog for a report (`ext` None: the CSV folder).
pub fn report_file_name(title: &str, ext: Option<&str>) -> String {
    let base = match slug(title) {
        s if s.is_empty() => slug(DEFAULT_TITLE),
        s => s,
    };
    match ext {
        Some(ext) => format!("{base}.{ext}"),
        None => format!("{base}-csv"),
    }
}

/// The name offered for one view's chart or table: analysis, metric, split.
pub fn section_file_name(s: &Section, ext: &str) -> String {
    let (metric, by): (Option<&str>, Vec<&str>) = match &s.analysis {
        Analysis::Breakdown { metric, by, .. } => (Some(metric), by.iter().map(String::as_str).collect()),
        Analysis::Trend { metric, by, .. } => (Some(metric), by.iter().map(String::as_str).collect()),
        Analysis::Hist { metric, .. } => (Some(metric), vec![]),
        Analysis::Errors { by, .. } | Analysis::Funnel { by, .. } => (None, by.iter().map(String::as_str).collect()),
        Analysis::Summary { .. } | Analysis::Compare { .. } => (None, vec![]),
    };
    let mut name = s.analysis.kind().to_string();
    if let Some(m) = metric {
        name += &format!("-{m}");
    }
    if !by.is_empty() {
        name += &format!("-by-{}", by.join("-"));
    }
    format!("rumlens-{}.{ext}", slug(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(json: &str) -> Section {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            report_file_name("Mobile LCP / 1.5.0 <script>", Some("pdf")),
            "mobile-lcp-1-5-0-script.pdf"
        );
        assert_eq!(report_file_name("  ", None), "rumlens-report-csv");
        assert_eq!(report_file_name("../../etc/passwd", Some("html")), "etc-passwd.html");
        let s = section(r#"{"kind": "breakdown", "metric": "lcp_ms", "by": ["device_type", "browser"]}"#);
        assert_eq!(
            section_file_name(&s, "png"),
            "rumlens-breakdown-lcp_ms-by-device_type-browser.png"
        );
        let s = section(r#"{"kind": "errors"}"#);
        assert_eq!(section_file_name(&s, "csv"), "rumlens-errors.csv");
    }

    #[test]
    fn spec_from_the_window_is_absolute_and_valid() {
        let src = Source {
            paths: vec!["data/x.parquet".into()],
            mapping: None,
        };
        let mut f = Filter::default();
        f.add_spec("device_type=mobile").unwrap();
        f.from_ms = Some(1_791_158_400_000);
        let s = build_spec("", vec![section(r#"{"kind": "summary"}"#)], &f, &src).unwrap();
        assert_eq!(s.title, DEFAULT_TITLE);
        assert!(Path::new(&s.inputs[0]).is_absolute());
        assert!(s.inputs[0].ends_with("data/x.parquet"));
        assert_eq!(s.filters.len(), 1);
        assert!(s.from.is_some());
        // A funnel of one step is not a valid section.
        let bad = section(r#"{"kind": "funnel", "steps": ["/"]}"#);
        assert_eq!(build_spec("t", vec![bad], &f, &src).unwrap_err().code, "bad_spec");
        assert_eq!(build_spec("t", vec![], &f, &src).unwrap_err().code, "bad_spec");
    }

    #[test]
    fn a_mapping_is_saved_beside_the_spec() {
        let dir = tempfile::tempdir().unwrap();
        let src = Source {
            paths: vec![dir.path().join("w.ndjson").to_string_lossy().into_owned()],
            mapping: None,
        };
        let spec = build_spec("t", vec![section(r#"{"kind": "summary"}"#)], &Filter::default(), &src).unwrap();
        let mut m = Mapping::default();
        m.columns.insert(
            "t".into(),
            rumlens_engine::import::mapping::ColumnMap {
                to: "ts".into(),
                unit: None,
                time: None,
            },
        );
        m.defaults.insert("event_type".into(), "view".into());
        let out = dir.path().join("weekly.json");
        let written = save_spec(&spec, Some(&m), &out).unwrap();
        assert_eq!(written, vec![out.clone(), dir.path().join("weekly.mapping.json")]);
        let back = ReportSpec::load(&out).unwrap();
        assert_eq!(back.mapping.as_deref(), Some("weekly.mapping.json"));
        let (_, mapping, _) = back.resolve_paths(dir.path());
        assert_eq!(Mapping::load(&mapping.unwrap()).unwrap(), m);
    }
}
