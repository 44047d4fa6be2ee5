//! `overview`: one tile per Core Web Vital (p75 with CI, n, rating shares, p75 trend) plus
//! error, session and API-failure counts, for the app's first screen.

use super::breakdown::{breakdown, BreakdownOptions, BreakdownRow};
use super::errors::{is_api_call, is_failed_call};
use super::i64_col;
use super::trend::{trend, Stat, TrendOptions, TrendPoint};
use super::Bucket;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::filter::Filter;
use crate::schema::{self, Thresholds};
use polars::prelude::*;
use serde::Serialize;

/// The Core Web Vitals and companions shown as tiles, in order.
pub const VITALS: [&str; 5] = ["lcp_ms", "inp_ms", "cls", "fcp_ms", "ttfb_ms"];

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VitalTile {
    pub metric: String,
    pub unit: String,
    pub thresholds: Option<Thresholds>,
    /// p75, CI, shares and n of the filtered views (absent when no view has the metric).
    pub stats: Option<BreakdownRow>,
    /// p75 per time bucket.
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub vitals: Vec<VitalTile>,
    pub bucket_width_ms: i64,
    pub events: u64,
    pub views: u64,
    pub sessions: u64,
    pub errors: u64,
    /// Errors per 100 page views.
    pub errors_per_100_views: Option<f64>,
    pub sessions_with_errors: u64,
    /// Share (0–1) of sessions with at least one error.
    pub session_error_share: Option<f64>,
    pub api_calls: u64,
    pub api_failures: u64,
    pub api_failure_rate: Option<f64>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub filter: String,
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

pub fn overview(ds: &Dataset, filter: &Filter) -> Result<Overview> {
    let lf = ds.filtered(filter)?;
    let is_error = col("event_type").eq(lit("error"));
    let counts = lf.clone().select([
        len().alias("events"),
        col("event_type")
            .eq(lit("view"))
            .cast(DataType::UInt64)
            .sum()
            .alias("views"),
        col("session_id").drop_nulls().n_unique().alias("sessions"),
        is_error.clone().cast(DataType::UInt64).sum().alias("errors"),
        col("session_id")
            .filter(is_error)
            .drop_nulls()
            .n_unique()
            .alias("sessions_with_errors"),
        is_api_call().cast(DataType::UInt64).sum().alias("api_calls"),
        is_api_call()
            .and(is_failed_call().fill_null(lit(false)))
            .cast(DataType::UInt64)
            .sum()
            .alias("api_failures"),
        col("ts").dt().timestamp(TimeUnit::Milliseconds).min().alias("from"),
        col("ts").dt().timestamp(TimeUnit::Milliseconds).max().alias("to"),
    ]);
    let counts = ds.run(counts)?;
    let get =
        |c: &str| -> Result<u64> { Ok(i64_col(&counts, c)?.first().copied().flatten().unwrap_or(0).max(0) as u64) };
    let (events, views, sessions, errors) = (get("events")?, get("views")?, get("sessions")?, get("errors")?);
    let (sessions_with_errors, api_calls, api_failures) =
        (get("sessions_with_errors")?, get("api_calls")?, get("api_failures")?);
    let from_ms = i64_col(&counts, "from")?.first().copied().flatten();
    let to_ms = i64_col(&counts, "to")?.first().copied().flatten();
    let bucket = Bucket::Auto.resolve(from_ms.zip(to_ms).map_or(0, |(a, b)| b - a));

    let mut vitals = Vec::new();
    for m in VITALS {
        let def = schema::column(m).map(|c| c.unit).unwrap_or("");
        let b = breakdown(ds, filter, &BreakdownOptions::new(m, &[]))?;
        let mut t = TrendOptions::new(m, Stat::P75);
        t.bucket = Bucket::Ms(bucket);
        let tr = trend(ds, filter, &t)?;
        vitals.push(VitalTile {
            metric: m.to_string(),
            unit: def.to_string(),
            thresholds: schema::cwv_thresholds(m),
            stats: b.rows.into_iter().next(),
            trend: tr.points,
        });
    }
    Ok(Overview {
        vitals,
        bucket_width_ms: bucket,
        events,
        views,
        sessions,
        errors,
        errors_per_100_views: ratio(errors * 100, views),
        sessions_with_errors,
        session_error_share: ratio(sessions_with_errors, sessions),
        api_calls,
        api_failures,
        api_failure_rate: ratio(api_failures, api_calls),
        from_ms,
        to_ms,
        filter: filter.describe(),
    })
}
