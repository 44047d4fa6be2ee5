//! Import of the canonical format: Parquet (scanned lazily) and NDJSON (`.ndjson`, `.jsonl`,
//! optionally gzip-compressed), from files, globs and directories with hive-style
//! `key=value/` partitions.

pub mod adapters;
pub mod cache;
pub mod mapping;
mod ndjson;
mod parquet;
mod sources;
pub mod vendor;

pub use mapping::{canonical_columns, preview, suggest_mapping, CanonicalColumn, ColumnPreview, Mapping};
pub use ndjson::parse_ndjson_reader;
pub use sources::{resolve_inputs, FileFormat, InputFile};

use crate::error::{EngineError, Result};
use adapters::Adapter;
use polars::prelude::*;
use serde::Serialize;
use std::path::PathBuf;

/// How many rejected rows are kept as examples.
pub const MAX_REJECT_EXAMPLES: usize = 20;

/// A row that could not be interpreted.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reject {
    pub file: PathBuf,
    /// 1-based line number.
    pub line: u64,
    /// Offending field, when one field is to blame.
    pub field: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Per-file import outcome.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    pub path: PathBuf,
    pub format: FileFormat,
    /// Rows accepted; `None` for lazily scanned Parquet (counted at query time).
    pub rows: Option<u64>,
    pub rejected: u64,
    /// Format of the file and why: "canonical", or e.g. "Datadog RUM: found `_dd` and `type`".
    pub detected: String,
}

/// What an import did: files read, rows kept, rows rejected with the first examples.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub rejected: u64,
    pub reject_examples: Vec<Reject>,
}

impl ImportReport {
    pub(crate) fn add_reject(&mut self, r: Reject) {
        self.rejected += 1;
        if self.reject_examples.len() < MAX_REJECT_EXAMPLES {
            self.reject_examples.push(r);
        }
    }
}

/// Progress callback: `(done, total) -> keep_going`. Returning `false` cancels.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) -> bool + Sync);

/// Options for [`import`].
#[derive(Default, Clone, Copy)]
pub struct ImportOptions<'a> {
    pub on_progress: Option<Progress<'a>>,
    /// Force a format (`canonical` or an adapter name) instead of detecting it per file.
    pub input_format: Option<&'a str>,
    /// Cache of parsed NDJSON / vendor files (see [`cache`]); `None` parses every time.
    pub cache: Option<&'a ImportCache>,
    /// Incremented with the rows accepted so far (NDJSON and vendor files), for progress.
    pub rows_read: Option<&'a std::sync::atomic::AtomicU64>,
    /// Column mapping applied to every input instead of detecting its format.
    pub mapping: Option<&'a Mapping>,
}

/// Import every input into one canonical (not yet enriched) LazyFrame.
/// The imported events.
pub struct Imported {
    /// Canonical events, not yet enriched.
    pub lf: LazyFrame,
    /// The same rows before invalid measures were set to null (Parquet), for counting them.
    pub raw: LazyFrame,
    pub report: ImportReport,
    /// Every input is a Parquet file rumlens wrote from a dataset (already enriched).
    pub enriched: bool,
}

pub use cache::ImportCache;
pub use parquet::parquet_rows;
pub(crate) use parquet::value_checks;

pub fn import(inputs: &[String], opts: ImportOptions<'_>) -> Result<Imported> {
    let mapper = match opts.mapping {
        Some(_) if opts.input_format.is_some() => {
            return Err(EngineError::invalid(
                "a column mapping and an input format cannot be combined",
            ))
        }
        Some(m) => {
            Some(mapping::MappingAdapter::new(m).map_err(|r| EngineError::invalid(format!("invalid mapping: {r}")))?)
        }
        None => None,
    };
    let files = resolve_inputs(inputs)?;
    let total_bytes: u64 = files.iter().map(|f| f.size).sum();
    let mut done_bytes = 0u64;
    let mut report = ImportReport::default();
    let mut frames = Vec::with_capacity(files.len());
    let mut raw_frames = Vec::with_capacity(files.len());
    let mut enriched = opts.mapping.is_none();
    for file in &files {
        let offset = done_bytes;
        let progress =
            move |done: u64, _total: u64| -> bool { opts.on_progress.is_none_or(|p| p(offset + done, total_bytes)) };
        let lf = match file.format {
            FileFormat::Parquet => {
                enriched &= parquet::marked_enriched(&file.path);
                let (lf, raw, rejected) = parquet::scan(file, opts.mapping, &mut report)?;
                report.files.push(FileReport {
                    path: file.path.clone(),
                    format: file.format,
                    rows: None,
                    rejected,
                    detected: if opts.mapping.is_some() {
                        "column mapping"
                    } else {
                        "canonical Parquet"
                    }
                    .into(),
                });
                raw_frames.push(raw);
                lf
            }
            FileFormat::Ndjson | FileFormat::NdjsonGz => {
                enriched = false;
                // The options that change the rows read from the same bytes.
                let options = format!(
                    "{:?}|{}",
                    opts.input_format,
                    opts.mapping.and_then(|m| m.to_json().ok()).unwrap_or_default()
                );
                let key = opts.cache.and_then(|c| c.key(file, &options));
                if let Some(hit) = opts.cache.zip(key.as_deref()).and_then(|(c, k)| c.get(k, file)) {
                    let n = hit.examples.len() as u64;
                    for r in hit.examples {
                        report.add_reject(r);
                    }
                    report.rejected += hit.report.rejected.saturating_sub(n);
                    if let Some(r) = opts.rows_read {
                        r.fetch_add(hit.report.rows.unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
                    }
                    report.files.push(hit.report);
                    let lf = hit
                        .lf
                        .with_column(col("source_format").fill_null(lit("canonical")).alias("source_format"));
                    raw_frames.push(lf.clone());
                    done_bytes += file.size;
                    frames.push(lf);
                    continue;
                }
                let before = report.rejected;
                let examples_before = report.reject_examples.len();
                let (df, detected) = match &mapper {
                    Some(m) => (vendor::read_file(file, m, &mut report)?, m.title().to_string()),
                    None => match vendor::detect(file, opts.input_format)? {
                        vendor::Detected::Canonical => (
                            ndjson::read_file(file, &mut report, &progress, opts.rows_read)?,
                            "canonical".to_string(),
                        ),
                        vendor::Detected::Vendor(adapter, why) => (
                            vendor::read_file(file, adapter, &mut report)?,
                            format!("{}: {why}", adapter.title()),
                        ),
                    },
                };
                if let (Some(r), true) = (opts.rows_read, !detected.starts_with("canonical")) {
                    r.fetch_add(df.height() as u64, std::sync::atomic::Ordering::Relaxed);
                }
                let file_report = FileReport {
                    path: file.path.clone(),
                    format: file.format,
                    rows: Some(df.height() as u64),
                    rejected: report.rejected - before,
                    detected,
                };
                let mut df = df;
                if let (Some(c), Some(k)) = (opts.cache, key.as_deref()) {
                    // Only a complete example list can be replayed; beyond the kept examples
                    // the count still is exact.
                    c.put(k, &mut df, &file_report, &report.reject_examples[examples_before..]);
                }
                report.files.push(file_report);
                let lf = df
                    .lazy()
                    .with_column(col("source_format").fill_null(lit("canonical")).alias("source_format"));
                raw_frames.push(lf.clone());
                lf
            }
        };
        done_bytes += file.size;
        if !opts.on_progress.is_none_or(|p| p(done_bytes, total_bytes)) {
            return Err(EngineError::Cancelled);
        }
        frames.push(lf);
    }
    let lf = union(frames, inputs)?;
    let raw = union(raw_frames, inputs)?;
    Ok(Imported {
        lf,
        raw,
        report,
        enriched,
    })
}

fn union(mut frames: Vec<LazyFrame>, inputs: &[String]) -> Result<LazyFrame> {
    if frames.len() == 1 {
        return frames.pop().ok_or_else(|| EngineError::NoInput(inputs.join(" ")));
    }
    Ok(concat(
        frames,
        UnionArgs {
            rechunk: false,
            ..Default::default()
        },
    )?)
}
