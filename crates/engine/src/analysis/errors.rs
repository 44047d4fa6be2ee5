//! `errors`: error hotspots grouped by fingerprint, and failed API calls by endpoint.

use super::trend::OTHER;
use super::{codes, dimension, hotspots, i64_col, str_col, ts_ms, Bucket};
use crate::dataset::Dataset;
use crate::enrich::page::{normalise_path, url_path};
use crate::error::Result;
use crate::filter::{fmt_ts, Filter};
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorsOptions {
    /// Hotspots returned (most frequent first).
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// Split every hotspot by this dimension.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default = "default_bucket")]
    pub bucket: Bucket,
    /// Top pages / browsers listed per hotspot.
    #[serde(default = "default_top")]
    pub top: usize,
    /// Also return the page × browser counts of this fingerprint.
    #[serde(default)]
    pub heatmap_for: Option<String>,
    /// Without `heatmap_for`: the heatmap of the top hotspot's fingerprint.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub heatmap_top: Option<bool>,
    /// Compute the failing API endpoints (default yes); `false` when only hotspots are wanted.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub api: Option<bool>,
}

fn default_limit() -> usize {
    50
}
fn default_bucket() -> Bucket {
    Bucket::Auto
}
fn default_top() -> usize {
    3
}

impl Default for ErrorsOptions {
    fn default() -> Self {
        ErrorsOptions {
            limit: default_limit(),
            by: None,
            bucket: Bucket::Auto,
            top: default_top(),
            heatmap_for: None,
            heatmap_top: None,
            api: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Count {
    pub value: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorHotspot {
    pub fingerprint: String,
    /// Value of the split dimension (with `by`).
    pub key: Option<String>,
    pub error_type: Option<String>,
    /// One original message of this fingerprint.
    pub example_message: Option<String>,
    pub count: u64,
    pub sessions: u64,
    /// Sessions affected as a share (0–1) of all sessions in the filtered data.
    pub session_share: f64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub top_pages: Vec<Count>,
    pub top_browsers: Vec<Count>,
    /// Error count per bucket, aligned with [`Errors::bucket_starts_ms`].
    pub trend: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApiHotspot {
    /// `METHOD /normalised/path`.
    pub endpoint: String,
    pub calls: u64,
    pub failures: u64,
    pub failure_rate: f64,
    /// Sessions with at least one failed call.
    pub sessions: u64,
    /// Most frequent failing statuses (0 = network error / timeout).
    pub statuses: Vec<Count>,
    pub first_failure_ms: Option<i64>,
    pub last_failure_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Errors {
    pub total_errors: u64,
    pub total_sessions: u64,
    pub by: Option<String>,
    pub bucket_width_ms: i64,
    pub bucket_starts_ms: Vec<i64>,
    pub hotspots: Vec<ErrorHotspot>,
    pub api: Vec<ApiHotspot>,
    /// Page × browser counts of `heatmap_for`.
    pub heatmap: Option<Heatmap>,
    pub filter: String,
}

/// Error counts of one fingerprint by page group (rows) and browser (columns): the most
/// frequent ones, the rest merged into `(other)`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Heatmap {
    pub fingerprint: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<u64>>,
}

pub const HEATMAP_ROWS: usize = 15;
pub const HEATMAP_COLUMNS: usize = 10;

fn heatmap(errs: &LazyFrame, fingerprint: &str) -> Result<Heatmap> {
    let df = errs
        .clone()
        .filter(col("fingerprint").eq(lit(fingerprint.to_string())))
        .group_by([col("page_group"), col("browser")])
        .agg([len().alias("n")])
        .collect()?;
    let pages = str_col(&df, "page_group")?;
    let browsers = str_col(&df, "browser")?;
    let ns = i64_col(&df, "n")?;
    let label = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unknown)".to_string());
    let top = |keys: &[Option<String>], k: usize| -> Vec<String> {
        let mut totals: HashMap<String, i64> = HashMap::new();
        for (key, n) in keys.iter().zip(&ns) {
            *totals.entry(label(key)).or_default() += n.unwrap_or(0);
        }
        let mut v: Vec<(String, i64)> = totals.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut names: Vec<String> = v.iter().take(k).map(|(s, _)| s.clone()).collect();
        if v.len() > k {
            names.push(OTHER.to_string());
        }
        names
    };
    let rows = top(&pages, HEATMAP_ROWS);
    let columns = top(&browsers, HEATMAP_COLUMNS);
    let index = |names: &[String], key: &Option<String>| {
        let l = label(key);
        names.iter().position(|n| *n == l).unwrap_or(names.len() - 1)
    };
    let mut counts = vec![vec![0u64; columns.len()]; rows.len()];
    for i in 0..df.height() {
        counts[index(&rows, &pages[i])][index(&columns, &browsers[i])] += ns[i].unwrap_or(0) as u64;
    }
    Ok(Heatmap {
        fingerprint: fingerprint.to_string(),
        rows,
        columns,
        counts,
    })
}

pub fn errors(ds: &Dataset, filter: &Filter, opts: &ErrorsOptions) -> Result<Errors> {
    let by = opts.by.as_deref().map(dimension).transpose()?;
    let (total_sessions, span) = codes::sessions_and_span(ds, filter)?;
    let width = opts.bucket.resolve(span.map_or(0, |(lo, hi)| hi - lo));
    let first_bucket = span.map_or(0, |(lo, _)| lo.div_euclid(width) * width);
    let n_buckets = span.map_or(0, |(_, hi)| {
        ((hi.div_euclid(width) * width - first_bucket) / width + 1) as usize
    });

    let mut cols = vec![
        col("fingerprint"),
        col("error_type"),
        col("error_message"),
        col("session_id"),
        col("ts"),
        col("page_group"),
        col("browser"),
    ];
    if let Some(b) = by {
        if ![
            "page_group",
            "browser",
            "error_type",
            "error_message",
            "fingerprint",
            "session_id",
        ]
        .contains(&b)
        {
            cols.push(col(b));
        }
    }
    let errs = ds.run(ds.events(filter, Some(&["error"]))?.select(cols))?;
    let (total_errors, hotspots) = hotspots::hotspots(
        &errs,
        &hotspots::Spec {
            by,
            limit: opts.limit,
            top: opts.top,
            width,
            first_bucket,
            n_buckets,
            total_sessions,
        },
    )?;
    let heatmap_fp = opts.heatmap_for.clone().or_else(|| {
        opts.heatmap_top
            .unwrap_or(false)
            .then(|| hotspots.first().map(|h| h.fingerprint.clone()))
            .flatten()
    });
    let heatmap = match heatmap_fp.as_deref() {
        Some(fp) => {
            let errs = errs
                .lazy()
                .with_column(col("fingerprint").fill_null(lit(hotspots::NO_FINGERPRINT)));
            Some(heatmap(&errs, fp)?)
        }
        None => None,
    };
    Ok(Errors {
        total_errors,
        total_sessions,
        by: by.map(str::to_string),
        bucket_width_ms: width,
        bucket_starts_ms: (0..n_buckets).map(|i| first_bucket + i as i64 * width).collect(),
        hotspots,
        api: if opts.api.unwrap_or(true) {
            api_failures(ds, &ds.events(filter, Some(&["resource"]))?, opts.limit)?
        } else {
            Vec::new()
        },
        heatmap,
        filter: filter.describe(),
    })
}

/// An API call: a fetch/xhr resource, or any resource with a method.
pub(crate) fn is_api_call() -> Expr {
    col("event_type").eq(lit("resource")).and(
        col("resource_type")
            .is_in(lit(Series::new("t".into(), ["fetch", "xhr"])).implode(false), false)
            .or(col("method").is_not_null()),
    )
}

/// A failed call: status ≥ 400, or 0 (network error, timeout, abort). Null status: unknown.
pub(crate) fn is_failed_call() -> Expr {
    col("status_code").gt_eq(lit(400)).or(col("status_code").eq(lit(0)))
}

/// API calls grouped by endpoint.
fn api_failures(ds: &Dataset, lf: &LazyFrame, limit: usize) -> Result<Vec<ApiHotspot>> {
    // Two passes that each hold little: calls counted per distinct (method, URL), and the
    // failed calls themselves (a small share). Neither keeps every call in memory, so this
    // also answers on a dataset streamed from disk.
    let calls = lf.clone().filter(is_api_call());
    let pairs = ds.run(
        calls
            .clone()
            .group_by([col("method"), col("resource_url")])
            .agg([len().alias("calls")]),
    )?;
    let failed = ds.run(calls.filter(is_failed_call().fill_null(lit(false))).select([
        col("method"),
        col("resource_url"),
        col("status_code"),
        col("session_id"),
        ts_ms().alias("t"),
    ]))?;
    let endpoint_of = |df: &DataFrame| -> Result<Column> {
        let methods = str_col(df, "method")?;
        let urls = str_col(df, "resource_url")?;
        let endpoints: Vec<String> = methods
            .iter()
            .zip(&urls)
            .map(|(m, u)| {
                format!(
                    "{} {}",
                    m.as_deref().unwrap_or("GET"),
                    normalise_path(url_path(u.as_deref().unwrap_or("")))
                )
            })
            .collect();
        Ok(Column::new("endpoint".into(), endpoints))
    };
    let mut pairs = pairs;
    pairs.with_column(endpoint_of(&pairs)?)?;
    let mut failed = failed;
    failed.with_column(endpoint_of(&failed)?)?;
    let per_endpoint = pairs
        .lazy()
        .group_by([col("endpoint")])
        .agg([col("calls").cast(DataType::Int64).sum().alias("calls")]);
    let failed = failed.lazy();
    let agg = failed
        .clone()
        .group_by([col("endpoint")])
        .agg([
            len().cast(DataType::Int64).alias("failures"),
            col("session_id").drop_nulls().n_unique().alias("sessions"),
            col("t").min().alias("first"),
            col("t").max().alias("last"),
        ])
        .join(
            per_endpoint,
            [col("endpoint")],
            [col("endpoint")],
            JoinArgs::new(JoinType::Left),
        )
        .sort_by_exprs(
            [col("failures"), col("endpoint")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(limit as IdxSize)
        .collect()?;
    let statuses = failed
        .group_by([col("endpoint"), col("status_code")])
        .agg([len().alias("n")])
        .sort_by_exprs(
            [col("n"), col("status_code")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let mut status_map: HashMap<String, Vec<Count>> = HashMap::new();
    {
        let e = str_col(&statuses, "endpoint")?;
        let s = i64_col(&statuses, "status_code")?;
        let n = i64_col(&statuses, "n")?;
        for i in 0..statuses.height() {
            let v = status_map.entry(e[i].clone().unwrap_or_default()).or_default();
            if v.len() < 3 {
                v.push(Count {
                    value: s[i].map(|x| x.to_string()),
                    count: n[i].unwrap_or(0) as u64,
                });
            }
        }
    }
    let e = str_col(&agg, "endpoint")?;
    let (calls, failures, sessions, first, last) = (
        i64_col(&agg, "calls")?,
        i64_col(&agg, "failures")?,
        i64_col(&agg, "sessions")?,
        i64_col(&agg, "first")?,
        i64_col(&agg, "last")?,
    );
    Ok((0..agg.height())
        .map(|i| {
            let c = calls[i].unwrap_or(0) as u64;
            let f = failures[i].unwrap_or(0) as u64;
            let endpoint = e[i].clone().unwrap_or_default();
            ApiHotspot {
                statuses: status_map.remove(&endpoint).unwrap_or_default(),
                endpoint,
                calls: c,
                failures: f,
                failure_rate: if c > 0 { f as f64 / c as f64 } else { 0.0 },
                sessions: sessions[i].unwrap_or(0) as u64,
                first_failure_ms: first[i],
                last_failure_ms: last[i],
            }
        })
        .collect())
}

fn counts_text(c: &[Count]) -> String {
    c.iter()
        .map(|c| format!("{} ({})", c.value.as_deref().unwrap_or("(none)"), c.count))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ToTable for Errors {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    /// Error hotspots.
    fn to_table(&self) -> Table {
        let mut cols = vec!["rank", "fingerprint"];
        if let Some(b) = &self.by {
            cols.push(b.as_str());
        }
        cols.extend([
            "count",
            "sessions",
            "session_share",
            "first_seen",
            "last_seen",
            "top_pages",
            "top_browsers",
            "example_message",
            "trend",
        ]);
        let mut t = Table::new(&cols);
        for (i, h) in self.hotspots.iter().enumerate() {
            let mut row: Vec<Value> = vec![(i as u64 + 1).into(), h.fingerprint.clone().into()];
            if self.by.is_some() {
                row.push(h.key.clone().into());
            }
            row.extend([
                h.count.into(),
                h.sessions.into(),
                h.session_share.into(),
                fmt_ts(h.first_seen_ms).into(),
                fmt_ts(h.last_seen_ms).into(),
                counts_text(&h.top_pages).into(),
                counts_text(&h.top_browsers).into(),
                h.example_message.clone().into(),
                h.trend.iter().map(u64::to_string).collect::<Vec<_>>().join(" ").into(),
            ]);
            t.push(row);
        }
        t
    }
}

impl Errors {
    /// Failed API endpoints.
    pub fn api_table(&self) -> Table {
        let mut t = Table::new(&[
            "endpoint",
            "calls",
            "failures",
            "failure_rate",
            "sessions",
            "statuses",
            "first_failure",
            "last_failure",
        ]);
        for a in &self.api {
            t.push(vec![
                a.endpoint.clone().into(),
                a.calls.into(),
                a.failures.into(),
                a.failure_rate.into(),
                a.sessions.into(),
                counts_text(&a.statuses).into(),
                a.first_failure_ms.map(fmt_ts).into(),
                a.last_failure_ms.map(fmt_ts).into(),
            ]);
        }
        t
    }
}
