//! Parquet: a mapping applied with Polars expressions, lazily.

use super::*;
use crate::schema::{Cell, Kind, REQUIRED};
use polars::prelude::*;
use std::collections::BTreeMap;

/// RFC 3339 strings to epoch ms (unparseable → null, which the row checks reject).
pub(super) fn rfc3339_ms(c: Column) -> PolarsResult<Column> {
    let s = c.as_materialized_series();
    let out: Int64Chunked = s
        .str()?
        .iter()
        .map(|o| {
            o.and_then(|x| {
                chrono::DateTime::parse_from_rfc3339(x.trim())
                    .ok()
                    .map(|d| d.timestamp_millis())
            })
        })
        .collect();
    Ok(out.with_name(c.name().clone()).into_series().into_column())
}

pub(super) fn source_expr(c: &Resolved, dt: &DataType) -> std::result::Result<Expr, String> {
    let src = col(c.source.as_str());
    let def = c.def;
    let bad = |want: &str| {
        format!(
            "column `{}` (mapped to `{}`) has type {dt}; expected {want}",
            c.source, def.name
        )
    };
    let numeric = dt.is_primitive_numeric() || dt.is_null();
    Ok(match def.kind {
        Kind::Dim | Kind::Text => src.cast(DataType::String),
        Kind::Float if numeric => src.cast(DataType::Float64) * lit(c.unit.unwrap_or(Unit::Ms).to_ms()),
        Kind::Int if numeric => src.cast(DataType::Int64),
        Kind::Float | Kind::Int => return Err(bad("a number")),
        Kind::Timestamp => match (dt, c.time) {
            (DataType::Datetime(_, _) | DataType::Date, _) => src
                .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
                .cast(DataType::Int64),
            (DataType::String, None | Some(TimeFormat::Rfc3339)) => {
                src.map(rfc3339_ms, |_, f| Ok(Field::new(f.name().clone(), DataType::Int64)))
            }
            (dt, Some(TimeFormat::Rfc3339)) => return Err(bad(&format!("RFC 3339 strings, not {dt}"))),
            (dt, fmt) if numeric || dt == &DataType::String => {
                let f = fmt.and_then(TimeFormat::to_ms).unwrap_or(1.0);
                (src.cast(DataType::Float64) * lit(f)).cast(DataType::Int64)
            }
            _ => return Err(bad("a timestamp, epoch number or RFC 3339 string")),
        },
    })
}

pub(super) fn cell_lit(cell: &Cell) -> Expr {
    match cell {
        Cell::Null => lit(NULL),
        Cell::Str(s) => lit(s.clone()),
        Cell::F64(x) => lit(*x),
        Cell::I64(x) => lit(*x),
    }
}

/// Apply a mapping to a scanned frame: rename, cast and scale to canonical names and units
/// (timestamps as epoch ms), ready for the canonical conform. Lazy.
pub(crate) fn apply_lazy(lf: LazyFrame, input: &Schema, mapping: &Mapping) -> std::result::Result<LazyFrame, String> {
    let plan = mapping.plan()?;
    let mut exprs: BTreeMap<&'static str, Expr> = BTreeMap::new();
    let passthrough = plan.passthrough.iter().map(|def| Resolved {
        source: def.name.to_string(),
        def,
        unit: None,
        time: None,
    });
    for c in plan.columns.iter().cloned().chain(passthrough) {
        match input.get(&c.source) {
            Some(dt) => {
                exprs.insert(c.def.name, source_expr(&c, dt)?);
            }
            None if REQUIRED.contains(&c.def.name) && !mapping.defaults.contains_key(c.def.name) => {
                return Err(format!(
                    "column `{}` (mapped to the required `{}`) is not in the file",
                    c.source, c.def.name
                ));
            }
            None => {}
        }
    }
    for (def, cell) in &plan.defaults {
        let e = match exprs.remove(def.name) {
            Some(e) => e.fill_null(cell_lit(cell)),
            None => cell_lit(cell),
        };
        exprs.insert(def.name, e);
    }
    Ok(lf.select(exprs.into_iter().map(|(name, e)| e.alias(name)).collect::<Vec<_>>()))
}
