//! `summary`: what is in the (filtered) dataset.

use super::{i64_col, ranked_counts, str_col, ts_ms};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::filter::{fmt_ts, Filter};
use crate::import::Reject;
use crate::schema;
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SummaryOptions {
    /// Values listed per dimension (the distinct count is always exact).
    pub top_values: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions { top_values: 25 }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValueCount {
    pub value: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionSummary {
    pub column: String,
    /// Distinct non-null values.
    pub distinct: u64,
    /// Most frequent values first (null counted as a value).
    pub values: Vec<ValueCount>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub rows: u64,
    pub by_event_type: Vec<ValueCount>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub sessions: u64,
    pub dimensions: Vec<DimensionSummary>,
    pub rejected: u64,
    pub reject_examples: Vec<Reject>,
    /// Negative or non-finite measures in typed inputs, set to null (column, count); whole
    /// dataset, before filters.
    pub invalid_values: Vec<ValueCount>,
    pub filter: String,
}

fn value_counts(ds: &Dataset, lf: &LazyFrame, column: &str, top: usize) -> Result<(u64, Vec<ValueCount>)> {
    let df = ds.run(ranked_counts(lf.clone(), vec![col(column)], "count", column))?;
    let values = str_col(&df, column)?;
    let counts = i64_col(&df, "count")?;
    let distinct = values.iter().filter(|v| v.is_some()).count() as u64;
    let list = values
        .into_iter()
        .zip(counts)
        .take(top)
        .map(|(value, count)| ValueCount {
            value,
            count: count.unwrap_or(0) as u64,
        })
        .collect();
    Ok((distinct, list))
}

pub fn summary(ds: &Dataset, filter: &Filter, opts: &SummaryOptions) -> Result<Summary> {
    let lf = ds.filtered(filter)?;
    // One pass for the scalars.
    let dims: Vec<&str> = schema::dimensions().map(|c| c.name).collect();
    let needed: Vec<Expr> = std::iter::once(col("ts"))
        .chain(std::iter::once(col("session_id")))
        .chain(dims.iter().map(|d| col(*d)))
        .collect();
    // In memory, the columns once; streaming, one pass over the files per count instead of
    // holding every dimension of every event.
    let lf = if ds.is_streaming() {
        lf.select(needed)
    } else {
        lf.select(needed).collect()?.lazy()
    };
    let scal = ds.run(lf.clone().select([
        len().alias("rows"),
        ts_ms().min().alias("lo"),
        ts_ms().max().alias("hi"),
        col("session_id").drop_nulls().n_unique().alias("sessions"),
    ]))?;
    let rows = i64_col(&scal, "rows")?.first().copied().flatten().unwrap_or(0) as u64;
    let from_ms = i64_col(&scal, "lo")?.first().copied().flatten();
    let to_ms = i64_col(&scal, "hi")?.first().copied().flatten();
    let sessions = i64_col(&scal, "sessions")?.first().copied().flatten().unwrap_or(0) as u64;
    let (_, by_event_type) = value_counts(ds, &lf, "event_type", usize::MAX)?;
    let mut dimensions = Vec::new();
    for d in dims {
        if d == "event_type" {
            continue;
        }
        let (distinct, values) = value_counts(ds, &lf, d, opts.top_values)?;
        dimensions.push(DimensionSummary {
            column: d.to_string(),
            distinct,
            values,
        });
    }
    Ok(Summary {
        rows,
        by_event_type,
        from_ms,
        to_ms,
        sessions,
        dimensions,
        rejected: ds.report.rejected,
        reject_examples: ds.report.reject_examples.clone(),
        invalid_values: ds
            .invalid_values()?
            .into_iter()
            .map(|(c, n)| ValueCount {
                value: Some(c),
                count: n,
            })
            .collect(),
        filter: filter.describe(),
    })
}

impl ToTable for Summary {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    /// One row per fact: `section, name, value, count`.
    fn to_table(&self) -> Table {
        let mut t = Table::new(&["section", "name", "value", "count"]);
        let mut fact = |section: &str, name: &str, value: Value, count: Value| {
            t.push(vec![section.into(), name.into(), value, count]);
        };
        fact("dataset", "rows", Value::Null, self.rows.into());
        fact("dataset", "sessions", Value::Null, self.sessions.into());
        fact("dataset", "from", self.from_ms.map(fmt_ts).into(), Value::Null);
        fact("dataset", "to", self.to_ms.map(fmt_ts).into(), Value::Null);
        fact("dataset", "rejected_rows", Value::Null, self.rejected.into());
        fact("dataset", "filter", self.filter.clone().into(), Value::Null);
        for v in &self.by_event_type {
            fact("event_type", "event_type", v.value.clone().into(), v.count.into());
        }
        for d in &self.dimensions {
            fact("distinct", &d.column, Value::Null, d.distinct.into());
        }
        for d in &self.dimensions {
            for v in &d.values {
                fact("value", &d.column, v.value.clone().into(), v.count.into());
            }
        }
        for v in &self.invalid_values {
            fact(
                "invalid_values",
                v.value.as_deref().unwrap_or(""),
                Value::Null,
                v.count.into(),
            );
        }
        for r in &self.reject_examples {
            fact(
                "reject",
                &format!("{}:{}", r.file.display(), r.line),
                format!(
                    "{}{}",
                    r.field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default(),
                    r.reason
                )
                .into(),
                Value::Null,
            );
        }
        t
    }
}
