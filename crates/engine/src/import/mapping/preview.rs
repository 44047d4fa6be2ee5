//! Column previews and the canonical column list for the app's mapping dialog.

use super::*;
use crate::error::{EngineError, Result};
use crate::import::sources::{resolve_inputs, FileFormat};
use crate::schema::{Kind, COLUMNS};
use polars::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// One input column with its first non-null values, as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnPreview {
    /// Input column name (a dotted path into nested JSON records), as in a [`Mapping`].
    pub name: String,
    pub samples: Vec<String>,
}

/// A canonical column a mapping can target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CanonicalColumn {
    pub name: String,
    /// Storage kind: dim, text, float, int, timestamp.
    pub kind: String,
    /// Unit (`ms`, `bytes`…; empty when unitless).
    pub unit: String,
    /// A duration in ms: a mapping may give its input `unit`.
    pub duration: bool,
}

/// Every canonical column, in schema order.
pub fn canonical_columns() -> Vec<CanonicalColumn> {
    COLUMNS
        .iter()
        .map(|d| CanonicalColumn {
            name: d.name.to_string(),
            kind: kind_name(d.kind).to_string(),
            unit: d.unit.to_string(),
            duration: is_duration(d),
        })
        .collect()
}

pub(super) fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Dim => "dim",
        Kind::Text => "text",
        Kind::Float => "float",
        Kind::Int => "int",
        Kind::Timestamp => "timestamp",
    }
}

/// Leaves of a JSON record as `(dotted name, text)`; nulls and empty strings give no text.
pub(super) fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Option<String>)>) {
    for_each_leaf(prefix, v, &mut |name, x| {
        let text = match x {
            Value::Null => None,
            Value::String(t) if t.is_empty() => None,
            Value::String(t) => Some(t.clone()),
            other => Some(other.to_string()),
        };
        out.push((name.to_string(), text));
    });
}

/// Add `value` to the column `name` (created at the end when new), up to `n` samples.
pub(super) fn push_sample(cols: &mut Vec<ColumnPreview>, name: String, value: Option<String>, n: usize) {
    let i = match cols.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            cols.push(ColumnPreview {
                name,
                samples: Vec::new(),
            });
            cols.len() - 1
        }
    };
    if let Some(v) = value {
        if cols[i].samples.len() < n {
            cols[i].samples.push(v);
        }
    }
}

pub(super) fn parquet_preview(path: &Path, n: usize) -> Result<Vec<ColumnPreview>> {
    let fail = |e: PolarsError| EngineError::file(path, format!("cannot read Parquet: {e}"));
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| EngineError::file(path, e.to_string()))?;
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(false);
    let df = LazyFrame::scan_parquet(pl_path, args)
        .map_err(fail)?
        .limit(SUGGEST_SAMPLE as IdxSize)
        .collect()
        .map_err(fail)?;
    let mut out = Vec::with_capacity(df.width());
    for c in df.columns() {
        let samples: Vec<String> = match c.cast(&DataType::String) {
            Ok(s) => s
                .str()
                .map_err(fail)?
                .iter()
                .flatten()
                .filter(|x| !x.is_empty())
                .take(n)
                .map(str::to_string)
                .collect(),
            // Nested types: Polars' own rendering.
            Err(_) => c
                .as_materialized_series()
                .iter()
                .filter(|v| !v.is_null())
                .take(n)
                .map(|v| v.to_string())
                .collect(),
        };
        out.push(ColumnPreview {
            name: c.name().to_string(),
            samples,
        });
    }
    Ok(out)
}

/// The input columns of a file (the first one of a folder or glob) with their first `n`
/// non-null values as text, in file order: NDJSON/JSON from the records [`suggest_mapping`]
/// samples (nested objects as dotted names), Parquet from its first [`SUGGEST_SAMPLE`] rows.
pub fn preview(path: &Path, n: usize) -> Result<Vec<ColumnPreview>> {
    let files = resolve_inputs(&[path.to_string_lossy().into_owned()])?;
    let file = files
        .first()
        .ok_or_else(|| EngineError::NoInput(path.display().to_string()))?;
    match file.format {
        FileFormat::Parquet => parquet_preview(&file.path, n),
        FileFormat::Ndjson | FileFormat::NdjsonGz => {
            let recs = crate::import::vendor::sample(file, SUGGEST_SAMPLE)?;
            if !recs.iter().any(Value::is_object) {
                return Err(EngineError::file(&file.path, "no JSON object in the first records"));
            }
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for r in recs.iter().filter(|r| r.is_object()) {
                vals.clear();
                leaves("", r, &mut vals);
                for (name, v) in vals.drain(..) {
                    push_sample(&mut cols, name, v, n);
                }
            }
            Ok(cols)
        }
    }
}
