//! Reading files that may be in a vendor format: sniff the first records, pick the canonical
//! reader or an adapter (or the one forced with `--input-format`), convert record by record.

use super::adapters::{self, Adapter, Context};
use super::sources::{io_reason, FileFormat, InputFile};
use super::{ImportReport, Reject};
use crate::error::{EngineError, Result};
use crate::schema::{Builder, Cell};
use polars::prelude::*;
use serde_json::Value;
use std::io::Read;

/// Bytes read to decide a file's format.
const SNIFF_BYTES: usize = 1 << 20;
/// Records shown to `detect`.
const SNIFF_RECORDS: usize = 50;

/// What a file is.
pub enum Detected {
    Canonical,
    Vendor(&'static dyn Adapter, String),
}

fn open(file: &InputFile) -> Result<Box<dyn Read>> {
    let f = std::fs::File::open(&file.path).map_err(|e| EngineError::file(&file.path, io_reason(&e)))?;
    Ok(match file.format {
        FileFormat::NdjsonGz => Box::new(flate2::read::MultiGzDecoder::new(f)),
        _ => Box::new(f),
    })
}

fn read_all(file: &InputFile, limit: Option<usize>) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let r = open(file)?;
    let res = match limit {
        Some(n) => r.take(n as u64).read_to_end(&mut buf),
        None => {
            let mut r = r;
            r.read_to_end(&mut buf)
        }
    };
    res.map_err(|e| EngineError::file(&file.path, format!("read error: {}", io_reason(&e))))?;
    Ok(buf)
}

fn is_canonical(v: &Value) -> bool {
    v.get("event_type").is_some() && v.get("ts").is_some()
}

/// Split text into records: the whole text as one JSON document when it is one, else one
/// record per non-empty line (JSON when it parses, the raw line as a string otherwise).
/// Returns `(record number, record)`; numbers are line numbers for line files.
fn records(text: &str, adapter: Option<&dyn Adapter>) -> (bool, Vec<(u64, Value)>) {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(doc) = serde_json::from_str::<Value>(text) {
            // One JSON document (or a file holding a single JSON line).
            if text.trim().lines().count() > 1 || doc.is_array() || adapter.is_some() {
                let items = match adapter {
                    Some(a) => a.split(doc),
                    None => match doc {
                        Value::Array(v) => v,
                        o => vec![o],
                    },
                };
                return (true, items.into_iter().zip(1..).map(|(v, i)| (i, v)).collect());
            }
        }
    }
    let recs = text
        .lines()
        .zip(1..)
        .filter(|(l, _)| !l.trim().is_empty())
        .map(|(l, i)| {
            (
                i,
                serde_json::from_str::<Value>(l).unwrap_or_else(|_| Value::String(l.to_string())),
            )
        })
        .collect();
    (false, recs)
}

/// Decide how to read a file from its first records.
pub fn detect(file: &InputFile, forced: Option<&str>) -> Result<Detected> {
    match forced {
        Some("canonical") => return Ok(Detected::Canonical),
        Some(name) => {
            let a = adapters::by_name(name).ok_or_else(|| {
                EngineError::invalid(format!(
                    "unknown input format `{name}`; run `rumlens formats` for the list"
                ))
            })?;
            return Ok(Detected::Vendor(a, format!("forced with --input-format {name}")));
        }
        None => {}
    }
    let text = sniff_text(file)?;
    let (_, recs) = records(&text, None);
    let sample: Vec<Value> = recs.into_iter().take(SNIFF_RECORDS).map(|(_, v)| v).collect();
    if sample.is_empty() || sample.iter().any(is_canonical) {
        return Ok(Detected::Canonical);
    }
    if let Some((a, why)) = adapters::detect(&sample) {
        return Ok(Detected::Vendor(a, why));
    }
    if !sample.iter().any(Value::is_object) {
        // Nothing JSON-like at all: let the canonical reader reject line by line.
        return Ok(Detected::Canonical);
    }
    let known: Vec<&str> = adapters::all().iter().map(|a| a.name()).collect();
    Err(EngineError::UnknownFormat {
        path: file.path.clone(),
        reason: format!(
            "unrecognised format: not canonical rumlens events (needs `event_type` and `ts`) nor {}; \
             force one with --input-format NAME or give a column mapping with --mapping FILE",
            if known.is_empty() {
                "a known vendor export".to_string()
            } else {
                known.join(", ")
            }
        ),
    })
}

/// The first records of a file (at most `n`), as `detect` sees them.
pub(crate) fn sample(file: &InputFile, n: usize) -> Result<Vec<Value>> {
    let text = sniff_text(file)?;
    let (_, recs) = records(&text, None);
    Ok(recs.into_iter().take(n).map(|(_, v)| v).collect())
}

/// The start of a file (a whole JSON document when it is one), cut at a line end.
fn sniff_text(file: &InputFile) -> Result<String> {
    let head = read_all(file, Some(SNIFF_BYTES))?;
    let mut text = String::from_utf8_lossy(&head).into_owned();
    // A document too big for the sniff window: read it whole to parse it.
    let t = text.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && head.len() == SNIFF_BYTES
        && serde_json::from_str::<Value>(t.lines().next().unwrap_or("")).is_err()
    {
        text = String::from_utf8_lossy(&read_all(file, None)?).into_owned();
    } else if head.len() == SNIFF_BYTES {
        // Drop the partial last line.
        if let Some(cut) = text.rfind('\n') {
            text.truncate(cut);
        }
    }
    Ok(text)
}

/// Every row needs an event type and a timestamp.
fn check_required(rows: &[adapters::Converted]) -> std::result::Result<(), adapters::RecordError> {
    for c in rows {
        for req in crate::schema::REQUIRED {
            let i = crate::schema::index_of(req).unwrap_or(0);
            if c.row.cells[i] == Cell::Null {
                return Err((
                    Some(req.to_string()),
                    "no value for this required field in the record".into(),
                ));
            }
        }
    }
    Ok(())
}

/// Read a whole file with `adapter`.
pub fn read_file(file: &InputFile, adapter: &dyn Adapter, report: &mut ImportReport) -> Result<DataFrame> {
    let bytes = read_all(file, None)?;
    let text = String::from_utf8_lossy(&bytes);
    let (_, recs) = records(&text, Some(adapter));
    let mut ctx = Context::default();
    let mut out = Vec::new();
    for (no, rec) in recs {
        ctx.record = no;
        let before = out.len();
        let mut res = adapter.convert(&rec, &mut ctx, &mut out);
        if res.is_ok() {
            res = check_required(&out[before..]);
        }
        if let Err((field, reason)) = res {
            out.truncate(before);
            report.add_reject(Reject {
                file: file.path.clone(),
                line: no,
                field,
                reason,
            });
        }
    }
    let mut b = Builder::new();
    let source = crate::schema::index_of("source_format");
    for mut row in adapters::dedup(out) {
        if let Some(i) = source {
            if row.cells[i] == Cell::Null {
                row.cells[i] = Cell::Str(adapter.name().to_string());
            }
        }
        b.push(row);
    }
    Ok(b.finish()?)
}
