//! `trend`: a statistic of a metric per time bucket, optionally split by one dimension.

use super::{
    bucket_label, default_event_type, dimension, f64_col, groups, i64_col, metric, of_event_type, ranked_counts,
    str_col, time_span, ts_ms, Bucket,
};
use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::filter::{fmt_ts, Filter};
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// The statistic plotted per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    P50,
    P75,
    P90,
    P95,
    P99,
    Mean,
    Count,
}

impl Stat {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "p50" | "median" => Stat::P50,
            "p75" => Stat::P75,
            "p90" => Stat::P90,
            "p95" => Stat::P95,
            "p99" => Stat::P99,
            "mean" | "avg" => Stat::Mean,
            "count" | "n" => Stat::Count,
            _ => {
                return Err(EngineError::invalid(format!(
                    "unknown statistic `{s}`: use p50, p75, p90, p95, p99, mean or count"
                )))
            }
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Stat::P50 => "p50",
            Stat::P75 => "p75",
            Stat::P90 => "p90",
            Stat::P95 => "p95",
            Stat::P99 => "p99",
            Stat::Mean => "mean",
            Stat::Count => "count",
        }
    }
    pub fn quantile(self) -> Option<f64> {
        match self {
            Stat::P50 => Some(0.5),
            Stat::P75 => Some(0.75),
            Stat::P90 => Some(0.9),
            Stat::P95 => Some(0.95),
            Stat::P99 => Some(0.99),
            Stat::Mean | Stat::Count => None,
        }
    }
    pub(crate) fn expr(self, m: &str) -> Expr {
        match self.quantile() {
            Some(p) => col(m).quantile(lit(p), QuantileMethod::Linear),
            None if self == Stat::Mean => col(m).mean(),
            None => len().cast(DataType::Float64),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrendOptions {
    pub metric: String,
    pub stat: Stat,
    pub bucket: Bucket,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
    /// With `by`: keep the most frequent split values only (others merged into `(other)`).
    #[serde(default = "default_max_series")]
    pub max_series: usize,
    /// Also compute the 95% confidence interval of a percentile statistic per bucket
    /// (order statistics, as in breakdown).
    #[serde(default)]
    pub ci: bool,
}

fn default_max_series() -> usize {
    10
}

impl TrendOptions {
    pub fn new(metric: &str, stat: Stat) -> Self {
        TrendOptions {
            metric: metric.to_string(),
            stat,
            bucket: Bucket::Auto,
            by: None,
            event_type: None,
            max_series: default_max_series(),
            ci: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrendPoint {
    /// Bucket start, epoch ms UTC.
    pub bucket_ms: i64,
    /// Split value (with `by`).
    pub key: Option<String>,
    pub value: Option<f64>,
    pub n: u64,
    /// 95% CI of a percentile (with `ci`); null where the bucket is too small to bound it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trend {
    pub metric: String,
    pub unit: String,
    pub stat: Stat,
    pub bucket_width_ms: i64,
    pub by: Option<String>,
    pub event_type: Option<String>,
    /// Points carry `ci_low` / `ci_high` (percentile statistics asked with `ci`).
    pub ci: bool,
    /// Ordered by split key (most frequent first), then time.
    pub points: Vec<TrendPoint>,
    pub filter: String,
}

pub const OTHER: &str = "(other)";

pub fn trend(ds: &Dataset, filter: &Filter, opts: &TrendOptions) -> Result<Trend> {
    let def = metric(&opts.metric)?;
    let m = def.name;
    let by = opts.by.as_deref().map(dimension).transpose()?;
    let event_type = opts.event_type.as_deref().or(default_event_type(def));
    let mut cols = vec![col("ts"), col(m).cast(DataType::Float64)];
    if let Some(b) = by {
        cols.push(col(b));
    }
    let lf = of_event_type(ds, filter, event_type)?
        .select(cols)
        .filter(col(m).is_not_null().and(col(m).is_nan().not()));
    let lf = ds.run(lf)?.lazy();
    let width = match time_span(&lf)? {
        Some((lo, hi)) => opts.bucket.resolve(hi - lo),
        None => opts.bucket.resolve(0),
    };
    // Keep the top split values; merge the rest.
    let mut lf = lf.with_column((ts_ms().floor_div(lit(width)) * lit(width)).alias("bucket"));
    let mut order: Vec<Option<String>> = Vec::new();
    if let Some(b) = by {
        let counts = ranked_counts(lf.clone(), vec![col(b)], "n", b).collect()?;
        let mut keys = str_col(&counts, b)?;
        if keys.len() > opts.max_series {
            keys.truncate(opts.max_series);
            let keep = Series::new("keep".into(), keys.iter().flatten().cloned().collect::<Vec<String>>());
            lf = lf.with_column(
                when(col(b).is_in(lit(keep).implode(false), false))
                    .then(col(b))
                    .otherwise(lit(OTHER))
                    .alias(b),
            );
            keys.push(Some(OTHER.to_string()));
        }
        order = keys;
    }
    let mut group = vec![col("bucket")];
    if let Some(b) = by {
        group.push(col(b));
    }
    let mut points = match opts.stat.quantile() {
        // Percentiles (and their CI) per bucket from one selection pass per group.
        Some(p) => {
            let frame = lf.collect()?;
            let wanted = groups::Wanted {
                quantiles: &[p],
                ci: opts.ci.then_some(p),
                bands: None,
            };
            let mut keys = vec!["bucket"];
            keys.extend(by);
            let (key_frame, stats) = groups::grouped(&frame, &keys, m, &wanted)?;
            let buckets = i64_col(&key_frame, "bucket")?;
            let split = match by {
                Some(b) => str_col(&key_frame, b)?,
                None => vec![None; stats.len()],
            };
            stats
                .into_iter()
                .enumerate()
                .map(|(i, st)| TrendPoint {
                    bucket_ms: buckets[i].unwrap_or(0),
                    key: split[i].clone(),
                    value: st.quantiles.first().copied(),
                    n: st.n,
                    ci_low: st.ci_low,
                    ci_high: st.ci_high,
                })
                .collect::<Vec<_>>()
        }
        None => {
            let df = lf
                .group_by(group)
                .agg([opts.stat.expr(m).alias("value"), len().alias("n")])
                .collect()?;
            let buckets = i64_col(&df, "bucket")?;
            let values = f64_col(&df, "value")?;
            let ns = i64_col(&df, "n")?;
            let keys = match by {
                Some(b) => str_col(&df, b)?,
                None => vec![None; df.height()],
            };
            (0..df.height())
                .map(|i| TrendPoint {
                    bucket_ms: buckets[i].unwrap_or(0),
                    key: keys[i].clone(),
                    value: values[i],
                    n: ns[i].unwrap_or(0) as u64,
                    ci_low: None,
                    ci_high: None,
                })
                .collect()
        }
    };
    fill_gaps(&mut points, width);
    let rank = |k: &Option<String>| order.iter().position(|o| o == k).unwrap_or(usize::MAX);
    points.sort_by(|a, b| rank(&a.key).cmp(&rank(&b.key)).then(a.bucket_ms.cmp(&b.bucket_ms)));
    Ok(Trend {
        metric: m.to_string(),
        unit: def.unit.to_string(),
        stat: opts.stat,
        bucket_width_ms: width,
        by: by.map(str::to_string),
        event_type: event_type.map(str::to_string),
        ci: opts.ci && opts.stat.quantile().is_some(),
        points,
        filter: filter.describe(),
    })
}

/// Empty buckets inside each series' time span get explicit points (`n` 0, no value), so
/// charts show a gap instead of a line across missing data. Skipped for a series spanning more
/// than [`MAX_FILLED_BUCKETS`] buckets.
fn fill_gaps(points: &mut Vec<TrendPoint>, width: i64) {
    if width <= 0 {
        return;
    }
    let mut span: std::collections::HashMap<Option<String>, (i64, i64)> = std::collections::HashMap::new();
    for p in points.iter() {
        let e = span.entry(p.key.clone()).or_insert((p.bucket_ms, p.bucket_ms));
        e.0 = e.0.min(p.bucket_ms);
        e.1 = e.1.max(p.bucket_ms);
    }
    let have: std::collections::HashSet<(Option<String>, i64)> =
        points.iter().map(|p| (p.key.clone(), p.bucket_ms)).collect();
    for (key, (lo, hi)) in span {
        let buckets = (hi - lo) / width + 1;
        if buckets > MAX_FILLED_BUCKETS {
            continue;
        }
        for b in 0..buckets {
            let bucket_ms = lo + b * width;
            if !have.contains(&(key.clone(), bucket_ms)) {
                points.push(TrendPoint {
                    bucket_ms,
                    key: key.clone(),
                    value: None,
                    n: 0,
                    ci_low: None,
                    ci_high: None,
                });
            }
        }
    }
}

/// Gap filling stops above this many buckets.
pub const MAX_FILLED_BUCKETS: i64 = 5_000;

impl Trend {
    pub fn bucket_label(&self) -> String {
        bucket_label(self.bucket_width_ms)
    }
}

impl ToTable for Trend {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    fn to_table(&self) -> Table {
        let stat = self.stat.name();
        let mut cols = vec!["bucket"];
        if let Some(b) = &self.by {
            cols.push(b.as_str());
        }
        cols.extend([stat, "n"]);
        if self.ci {
            cols.extend(["ci_low", "ci_high"]);
        }
        let mut t = Table::new(&cols);
        for p in &self.points {
            let mut row: Vec<Value> = vec![fmt_ts(p.bucket_ms).into()];
            if self.by.is_some() {
                row.push(p.key.clone().into());
            }
            row.push(p.value.into());
            row.push(p.n.into());
            if self.ci {
                row.push(p.ci_low.into());
                row.push(p.ci_high.into());
            }
            t.push(row);
        }
        t
    }
}
