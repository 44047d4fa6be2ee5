//! The analyses. Each takes a [`Dataset`](crate::Dataset), a [`Filter`](crate::Filter) and its
//! options and returns a typed, serialisable result that also renders as a table.

pub mod breakdown;
pub(crate) mod codes;
pub mod compare;
pub mod errors;
pub mod funnel;
pub mod groups;
pub mod hist;
mod hotspots;
pub mod overview;
pub mod summary;
pub mod trend;

use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::filter::Filter;
use crate::schema::{self, ColumnDef};
use polars::prelude::*;

/// Resolve a metric name (`lcp`, `lcp_ms`, `duration`, any numeric column).
pub fn metric(name: &str) -> Result<&'static ColumnDef> {
    schema::resolve_metric(name).ok_or_else(|| {
        let known: Vec<&str> = schema::metrics().map(|c| c.name).collect();
        EngineError::invalid(format!(
            "unknown metric `{name}`; numeric columns are: {}",
            known.join(", ")
        ))
    })
}

/// Resolve a dimension name to a canonical string column.
pub fn dimension(name: &str) -> Result<&'static str> {
    match schema::column(name) {
        Some(c) if matches!(c.kind, schema::Kind::Dim | schema::Kind::Text) => Ok(c.name),
        _ => {
            let known: Vec<&str> = schema::dimensions().map(|c| c.name).collect();
            Err(EngineError::invalid(format!(
                "unknown dimension `{name}`; dimensions are: {}",
                known.join(", ")
            )))
        }
    }
}

/// The event type a metric is measured on by default: view timings on views, everything
/// else on whatever events carry it.
pub fn default_event_type(metric: &ColumnDef) -> Option<&'static str> {
    (metric.group == "view timings").then_some("view")
}

/// The filtered events of one event type (all types when `None`).
pub fn of_event_type(ds: &Dataset, filter: &Filter, event_type: Option<&str>) -> Result<LazyFrame> {
    ds.events(filter, event_type.as_ref().map(std::slice::from_ref))
}

/// Rows of `lf` counted per `group` into column `count`, most first, equal counts ordered by
/// column `tie` (nulls last).
pub(crate) fn ranked_counts(lf: LazyFrame, group: Vec<Expr>, count: &str, tie: &str) -> LazyFrame {
    lf.group_by(group).agg([len().alias(count)]).sort_by_exprs(
        [col(count), col(tie)],
        SortMultipleOptions::default()
            .with_order_descending_multi([true, false])
            .with_nulls_last(true),
    )
}

pub(crate) fn str_col(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = df.column(name)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

pub(crate) fn f64_col(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(name)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

pub(crate) fn i64_col(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let s = df.column(name)?.cast(&DataType::Int64)?;
    Ok(s.i64()?.iter().collect())
}

/// Epoch-ms expression of `ts`.
pub(crate) fn ts_ms() -> Expr {
    col("ts").dt().timestamp(TimeUnit::Milliseconds)
}

/// A time bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Auto,
    Ms(i64),
}

impl Bucket {
    /// `auto`, or `<n><unit>` with unit `s`, `m`, `h`, `d`, `w`.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s == "auto" {
            return Ok(Bucket::Auto);
        }
        let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        let n: i64 = num
            .parse()
            .map_err(|_| EngineError::invalid(format!("bad bucket `{s}`: use auto, 1m, 15m, 1h, 6h, 1d…")))?;
        let unit_ms = match unit {
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            _ => {
                return Err(EngineError::invalid(format!(
                    "bad bucket unit in `{s}`: use s, m, h, d or w"
                )))
            }
        };
        if n <= 0 {
            return Err(EngineError::invalid("bucket must be positive"));
        }
        Ok(Bucket::Ms(n * unit_ms))
    }

    /// Resolve against a time span: `auto` picks the smallest round width giving ≤ 200 buckets.
    pub fn resolve(self, span_ms: i64) -> i64 {
        match self {
            Bucket::Ms(ms) => ms,
            Bucket::Auto => {
                const CANDIDATES: [i64; 13] = [
                    60_000,
                    300_000,
                    900_000,
                    1_800_000,
                    3_600_000,
                    3 * 3_600_000,
                    6 * 3_600_000,
                    12 * 3_600_000,
                    86_400_000,
                    2 * 86_400_000,
                    7 * 86_400_000,
                    14 * 86_400_000,
                    30 * 86_400_000,
                ];
                CANDIDATES
                    .iter()
                    .copied()
                    .find(|b| span_ms / b < 200)
                    .unwrap_or(30 * 86_400_000)
            }
        }
    }
}

/// Human form of a bucket width.
pub fn bucket_label(ms: i64) -> String {
    for (unit, size) in [
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert_eq!(Bucket::parse("1h").unwrap(), Bucket::Ms(3_600_000));
        assert_eq!(Bucket::parse("15m").unwrap(), Bucket::Ms(900_000));
        assert!(Bucket::parse("1x").is_err());
        assert_eq!(Bucket::Auto.resolve(28 * 86_400_000), 6 * 3_600_000);
        assert_eq!(bucket_label(6 * 3_600_000), "6h");
    }
}
