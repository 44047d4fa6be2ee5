//! Writing canonical datasets to Parquet or NDJSON (optionally gzip), atomically: a temporary
//! file in the target directory is renamed over the target only when complete.

use crate::error::{EngineError, Result};
use crate::schema::{Kind, COLUMNS};
use polars::prelude::*;
use std::io::{BufWriter, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Parquet,
    Ndjson,
    NdjsonGz,
    /// RFC 4180 CSV of the canonical columns, formulas neutralised.
    Csv,
}

impl OutFormat {
    pub fn from_path(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.ends_with(".parquet") {
            Ok(OutFormat::Parquet)
        } else if name.ends_with(".ndjson.gz") || name.ends_with(".jsonl.gz") {
            Ok(OutFormat::NdjsonGz)
        } else if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
            Ok(OutFormat::Ndjson)
        } else if name.ends_with(".csv") {
            Ok(OutFormat::Csv)
        } else {
            Err(EngineError::invalid(format!(
                "cannot tell the output format of {}: use .parquet, .ndjson, .ndjson.gz or .csv",
                path.display()
            )))
        }
    }
}

/// Write `path` atomically with `write`.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    atomic_file(path, |file| {
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        w.flush().map_err(|e| EngineError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    })
}

/// Write `path` atomically: `fill` writes a temporary file in the same directory (through an
/// owned handle), which then replaces `path`.
fn atomic_file(path: &Path, fill: impl FnOnce(std::fs::File) -> Result<()>) -> Result<()> {
    let io = |e: std::io::Error| EngineError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".rumlens-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    fill(tmp.as_file().try_clone().map_err(io)?)?;
    // tempfile creates 0600 files: keep the replaced file's permissions, else the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file().set_permissions(perms).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Rows per row group of [`sink_dataset_parquet`].
const SINK_ROWS: usize = 256 * 1024;

/// Stream a dataset's canonical events (`lf`) into the Parquet file `path`, marked like
/// [`write_dataset_events`]: batch by batch on the streaming engine, so memory holds a few
/// batches however many events there are. Returns the rows written.
pub fn sink_dataset_parquet(lf: LazyFrame, path: &Path) -> Result<u64> {
    use std::num::NonZeroUsize;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Mutex;
    let schema = lf.clone().collect_schema()?;
    let rows = Arc::new(AtomicU64::new(0));
    let panicked = || PolarsError::ComputeError("the Parquet writer panicked".into());
    atomic_file(path, |file| {
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(marker()))
            .batched(&schema)?;
        let shared = Arc::new(Mutex::new(writer));
        let (sink, count) = (shared.clone(), rows.clone());
        lf.sink_batches(
            PlanCallback::new(move |df: DataFrame| {
                sink.lock().map_err(|_| panicked())?.write_batch(&df)?;
                count.fetch_add(df.height() as u64, Ordering::Relaxed);
                Ok(false)
            }),
            true,
            NonZeroUsize::new(SINK_ROWS),
        )?
        .collect_with_engine(Engine::Streaming)?;
        shared.lock().map_err(|_| panicked())?.finish()?;
        Ok(())
    })?;
    Ok(rows.load(Ordering::Relaxed))
}

fn marker() -> KeyValueMetadata {
    KeyValueMetadata::from_static(vec![(ENRICHED_KEY.to_string(), ENRICHED_VERSION.to_string())])
}

/// Parquet key-value metadata marking a file rumlens wrote from a dataset: every row passed
/// the import checks and enrichment has been applied (by this enrichment version), so opening
/// it skips both (see `import::parquet`). Bump the value when enrichment changes.
pub const ENRICHED_KEY: &str = "rumlens.enriched";
pub const ENRICHED_VERSION: &str = "1";

/// Write a canonical frame in the format its extension names.
pub fn write_events(df: &mut DataFrame, path: &Path) -> Result<()> {
    write(df, path, false)
}

/// [`write_events`] for the events of a dataset (validated and enriched): a Parquet file is
/// marked as such, so opening it again skips the row checks and the enrichment scans.
pub fn write_dataset_events(df: &mut DataFrame, path: &Path) -> Result<()> {
    write(df, path, true)
}

fn write(df: &mut DataFrame, path: &Path, enriched: bool) -> Result<()> {
    match OutFormat::from_path(path)? {
        OutFormat::Parquet => write_atomic(path, |w| {
            ParquetWriter::new(w)
                .with_compression(ParquetCompression::Zstd(None))
                .with_key_value_metadata(enriched.then(marker))
                .finish(df)?;
            Ok(())
        }),
        OutFormat::Ndjson => write_atomic(path, |w| write_ndjson(df, w)),
        OutFormat::Csv => write_atomic(path, |w| write_csv(df, w)),
        OutFormat::NdjsonGz => write_atomic(path, |w| {
            let mut gz = flate2::write::GzEncoder::new(w, flate2::Compression::default());
            write_ndjson(df, &mut gz)?;
            gz.finish().map_err(|e| EngineError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            Ok(())
        }),
    }
}

/// Events as RFC 4180 CSV (UTF-8, header row, CRLF), every canonical column present, `ts` as
/// RFC 3339; text cells that could run as spreadsheet formulas are neutralised (OWASP).
pub fn write_csv(df: &DataFrame, w: &mut dyn Write) -> Result<()> {
    use crate::table::{Table, Value};
    enum Col {
        Text(StringChunked),
        Float(Float64Chunked),
        Int(Int64Chunked),
    }
    let mut names = Vec::new();
    let mut cols = Vec::new();
    for def in COLUMNS {
        let Ok(c) = df.column(def.name) else { continue };
        let s = c.as_materialized_series();
        let col = match def.kind {
            Kind::Timestamp => Col::Text(
                s.cast(&DataType::Int64)?
                    .i64()?
                    .iter()
                    .map(|v| {
                        v.and_then(chrono::DateTime::from_timestamp_millis)
                            .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                    })
                    .collect(),
            ),
            Kind::Float => Col::Float(s.cast(&DataType::Float64)?.f64()?.clone()),
            Kind::Int => Col::Int(s.cast(&DataType::Int64)?.i64()?.clone()),
            Kind::Dim | Kind::Text => Col::Text(s.cast(&DataType::String)?.str()?.clone()),
        };
        names.push(def.name);
        cols.push(col);
    }
    let io = |e: std::io::Error| EngineError::Io {
        path: "<csv>".into(),
        source: e,
    };
    let mut t = Table::new(&names);
    let mut buf = Vec::with_capacity(1 << 16);
    t.write_csv(&mut buf).map_err(io)?;
    w.write_all(&buf).map_err(io)?;
    for i in 0..df.height() {
        t.rows.clear();
        t.rows.push(
            cols.iter()
                .map(|c| match c {
                    Col::Text(c) => c.get(i).map_or(Value::Null, |s| s.into()),
                    Col::Float(c) => c.get(i).into(),
                    Col::Int(c) => c.get(i).map_or(Value::Null, Value::Int),
                })
                .collect(),
        );
        buf.clear();
        t.write_csv_rows(&mut buf).map_err(io)?;
        w.write_all(&buf).map_err(io)?;
    }
    Ok(())
}

/// Canonical NDJSON: one object per event, null fields omitted, `ts` as RFC 3339 (ms, UTC).
pub fn write_ndjson(df: &DataFrame, w: &mut dyn Write) -> Result<()> {
    let mut cols = Vec::new();
    for def in COLUMNS {
        let Ok(c) = df.column(def.name) else { continue };
        let s = c.as_materialized_series().clone();
        let s = if def.kind == Kind::Timestamp {
            s.cast(&DataType::Int64)?
        } else {
            s
        };
        cols.push((def, s));
    }
    let io = |e: std::io::Error| EngineError::Io {
        path: "<ndjson>".into(),
        source: e,
    };
    for i in 0..df.height() {
        let mut m = serde_json::Map::new();
        for (def, s) in &cols {
            let v = match def.kind {
                Kind::Dim | Kind::Text => s.str()?.get(i).map(|x| serde_json::Value::String(x.to_string())),
                Kind::Float => s
                    .f64()?
                    .get(i)
                    .and_then(serde_json::Number::from_f64)
                    .map(serde_json::Value::Number),
                Kind::Int => s.i64()?.get(i).map(serde_json::Value::from),
                Kind::Timestamp => s
                    .i64()?
                    .get(i)
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map(|d| serde_json::Value::String(d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())),
            };
            if let Some(v) = v {
                m.insert(def.name.to_string(), v);
            }
        }
        serde_json::to_writer(&mut *w, &m).map_err(|e| io(e.into()))?;
        w.write_all(b"\n").map_err(io)?;
    }
    Ok(())
}
