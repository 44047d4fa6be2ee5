//! Canonical Parquet: scanned lazily and conformed to the canonical schema.

use super::sources::{io_reason, InputFile};
use crate::error::{EngineError, Result};
use crate::schema::{self, Kind, COLUMNS, REQUIRED};
use polars::prelude::*;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Cheap structural check: Parquet files start and end with `PAR1`. Catches empty, truncated
/// and non-Parquet files before any query runs.
fn check_magic(path: &Path) -> Result<()> {
    let bad = |reason: &str| EngineError::file(path, reason.to_string());
    let mut f = std::fs::File::open(path).map_err(|e| EngineError::file(path, io_reason(&e)))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Err(bad("not a Parquet file: the file is empty"));
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 4];
    if len < 12 || f.read_exact(&mut head).is_err() || &head != b"PAR1" {
        return Err(bad("not a Parquet file: missing the PAR1 header"));
    }
    f.seek(SeekFrom::End(-4))
        .and_then(|_| f.read_exact(&mut tail))
        .map_err(|e| EngineError::file(path, io_reason(&e)))?;
    if &tail != b"PAR1" {
        return Err(bad("truncated Parquet file: the footer is missing"));
    }
    Ok(())
}

/// A lazy scan of one canonical Parquet file, conformed to the canonical schema.
pub(super) fn scan(file: &InputFile) -> Result<LazyFrame> {
    let path = &file.path;
    check_magic(path)?;
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| EngineError::file(path, e.to_string()))?;
    // Hive partitions are read by `sources` for every format alike; Polars' own detection is off.
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(false);
    let mut lf = LazyFrame::scan_parquet(pl_path, args)
        .map_err(|e| EngineError::file(path, format!("cannot read Parquet: {e}")))?;
    let file_schema = lf
        .collect_schema()
        .map_err(|e| EngineError::file(path, format!("cannot read Parquet metadata: {e}")))?;
    conform(lf, &file_schema, &file.partitions, "canonical").map_err(|reason| EngineError::file(path, reason))
}

/// Select the canonical columns from a frame with an arbitrary schema: present columns are
/// cast, partitions fill absent ones, the rest are null.
pub(crate) fn conform(
    lf: LazyFrame,
    input: &Schema,
    partitions: &[(String, String)],
    source_format: &str,
) -> std::result::Result<LazyFrame, String> {
    for req in REQUIRED {
        if input.get(req).is_none() && !partitions.iter().any(|(k, _)| k == req) {
            return Err(format!("missing required column `{req}`"));
        }
    }
    let mut exprs = Vec::with_capacity(COLUMNS.len());
    for def in COLUMNS {
        let target = schema::dtype(def.kind);
        let partition = partitions
            .iter()
            .find(|(k, _)| k == def.name)
            .map(|(_, v)| lit(v.clone()).cast(target.clone()));
        // Values in the file win; partition values fill the gaps.
        let e = match (input.get(def.name), partition) {
            (Some(dt), Some(p)) => conform_column(def.name, dt, def.kind)?.fill_null(p),
            (Some(dt), None) => conform_column(def.name, dt, def.kind)?,
            (None, Some(p)) => p,
            (None, None) => lit(NULL).cast(target.clone()),
        };
        exprs.push(e.alias(def.name));
    }
    let lf = lf.select(exprs).with_column(
        col("source_format")
            .fill_null(lit(source_format.to_string()))
            .alias("source_format"),
    );
    Ok(lf)
}

fn conform_column(name: &str, dt: &DataType, kind: Kind) -> std::result::Result<Expr, String> {
    let target = schema::dtype(kind);
    let c = col(name);
    Ok(match kind {
        Kind::Timestamp => match dt {
            DataType::Datetime(_, _) => c
                .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
                .cast(DataType::Int64)
                .cast(target),
            DataType::Date => c
                .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
                .cast(DataType::Int64)
                .cast(target),
            dt if dt.is_integer() || dt.is_float() => c.cast(DataType::Int64).cast(target),
            other => {
                return Err(format!(
                    "column `{name}` has type {other}; expected a timestamp or epoch milliseconds"
                ))
            }
        },
        Kind::Float | Kind::Int if !(dt.is_primitive_numeric() || dt.is_null()) => {
            return Err(format!("column `{name}` has type {dt}; expected a number"));
        }
        _ => c.cast(target),
    })
}
