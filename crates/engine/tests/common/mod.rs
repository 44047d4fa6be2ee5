//! Helpers shared by the vendor-adapter integration tests: fixture paths, opening files as a
//! `Dataset`, the collected table as JSON maps or text columns, temporary input files, and the
//! records the importer shows to an adapter's `detect`.
#![allow(dead_code)]

use polars::prelude::*;
use rumlens_engine::{Dataset, OpenOptions};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// `crates/engine/tests/fixtures/vendors`.
pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vendors")
}

/// A fixture of one vendor folder (`datadog`, `web-vitals`, …).
pub fn fixture(vendor: &str, name: &str) -> PathBuf {
    fixtures_root().join(vendor).join(name)
}

/// The canonical sample data set at the repository root.
pub fn shop_ndjson() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data/shop.ndjson")
}

/// Open several files as one dataset with the default options.
pub fn open_all(paths: &[&Path]) -> Dataset {
    let inputs: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    Dataset::open(&inputs, &OpenOptions::default()).unwrap()
}

/// Open one file with the default options.
pub fn open(path: &Path) -> Dataset {
    open_all(&[path])
}

/// Write `lines` (one per line, newline-terminated) to `dir/name`.
pub fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

/// Write JSON values as NDJSON lines to `dir/name`.
pub fn ndjson(dir: &Path, name: &str, lines: &[Value]) -> PathBuf {
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    write_lines(dir, name, &text)
}

/// Every row as a JSON map of every column, in file order of the kept rows (numbers as
/// f64/i64, `ts` as epoch ms, dimensions as strings, nulls as `null`).
pub fn table(ds: &Dataset) -> Vec<Map<String, Value>> {
    let df = ds.collect().unwrap();
    let mut out = vec![Map::new(); df.height()];
    for col in df.columns() {
        let name = col.name().to_string();
        let s = col.as_materialized_series();
        let vals: Vec<Value> = match s.dtype() {
            DataType::Float64 => s
                .f64()
                .unwrap()
                .iter()
                .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                .collect(),
            DataType::Int64 => s
                .i64()
                .unwrap()
                .iter()
                .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                .collect(),
            DataType::Datetime(..) => {
                let c = s.cast(&DataType::Int64).unwrap();
                c.i64()
                    .unwrap()
                    .iter()
                    .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                    .collect()
            }
            _ => {
                let c = s.cast(&DataType::String).unwrap();
                c.str()
                    .unwrap()
                    .iter()
                    .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                    .collect()
            }
        };
        for (i, v) in vals.into_iter().enumerate() {
            out[i].insert(name.clone(), v);
        }
    }
    out
}

/// One row per event as column → value with the nulls left out, in file order of the kept rows.
pub fn rows(ds: &Dataset) -> Vec<Map<String, Value>> {
    table(ds)
        .into_iter()
        .map(|r| r.into_iter().filter(|(_, v)| !v.is_null()).collect())
        .collect()
}

/// [`rows`] sorted by `ts`, then event type (stable: ties keep file order).
pub fn rows_by_time(ds: &Dataset) -> Vec<Map<String, Value>> {
    let mut out = rows(ds);
    out.sort_by_key(|r| (r["ts"].as_i64(), r["event_type"].as_str().map(str::to_string)));
    out
}

/// A column of a [`rows`] map, `null` when absent.
pub fn get<'a>(r: &'a Map<String, Value>, k: &str) -> &'a Value {
    r.get(k).unwrap_or(&Value::Null)
}

/// Rows as the given columns rendered as text (`ts` as epoch ms), in file order.
pub fn text_rows(ds: &Dataset, cols: &[&str]) -> Vec<Vec<Option<String>>> {
    let df = ds.collect().unwrap();
    let mut out = vec![Vec::new(); df.height()];
    for c in cols {
        let s = df.column(c).unwrap();
        let s = if matches!(s.dtype(), DataType::Datetime(_, _)) {
            s.cast(&DataType::Int64).unwrap()
        } else {
            s.clone()
        };
        let s = s.cast(&DataType::String).unwrap();
        for (i, v) in s.str().unwrap().iter().enumerate() {
            out[i].push(v.map(str::to_string));
        }
    }
    out
}

pub fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

/// `(line, field)` of every kept reject example, in order.
pub fn reject_lines(ds: &Dataset) -> Vec<(u64, Option<String>)> {
    ds.report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.clone()))
        .collect()
}

/// Bytes the importer reads to decide a file's format (`SNIFF_BYTES` in import/vendor.rs).
const SNIFF_BYTES: usize = 1 << 20;
/// Records the importer shows to `detect` (`SNIFF_RECORDS` in import/vendor.rs).
const SNIFF_RECORDS: usize = 50;

/// Records of a text the way the importer splits it before detection: the whole text as one
/// JSON document when it is one (an array, or spread over several lines), else one record per
/// non-empty line (JSON when it parses, the raw line as a string otherwise); the first 50.
pub fn records(text: &str) -> Vec<Value> {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(doc) = serde_json::from_str::<Value>(text) {
            if text.trim().lines().count() > 1 || doc.is_array() {
                return match doc {
                    Value::Array(v) => v,
                    o => vec![o],
                }
                .into_iter()
                .take(SNIFF_RECORDS)
                .collect();
            }
        }
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_RECORDS)
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| Value::String(l.to_string())))
        .collect()
}

/// The first records of a file as the importer shows them to `detect`: the first MiB (a JSON
/// document that does not fit is read whole; otherwise the partial last line is dropped),
/// decoded lossily, split by [`records`].
pub fn sample(p: &Path) -> Vec<Value> {
    let bytes = std::fs::read(p).unwrap();
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    let t = text.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && head.len() == SNIFF_BYTES
        && serde_json::from_str::<Value>(t.lines().next().unwrap_or("")).is_err()
    {
        text = String::from_utf8_lossy(&bytes).into_owned();
    } else if head.len() == SNIFF_BYTES {
        if let Some(cut) = text.rfind('\n') {
            text.truncate(cut);
        }
    }
    records(&text)
}
