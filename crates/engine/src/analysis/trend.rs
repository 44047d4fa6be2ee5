//! `trend`: a statistic of a metric per time bucket, optionally split by one dimension.

use super::{bucket_label, codes, default_event_type, dimension, groups, metric, of_event_type, str_col, Bucket};
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
    let lf = of_event_type(ds, filter, event_type)?.select(cols).filter(
        col(m)
            .is_not_null()
            .and(col(m).is_nan().not())
            .and(col("ts").is_not_null()),
    );
    let frame = ds.run(lf)?;
    let (width, mut points, order) = points(&frame, m, by, opts)?;
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

/// The bucket width, the points of the rows of `frame` (`ts`, the metric `m` as f64, the
/// split column `by`) and the split values in rank order: every statistic from one
/// selection pass per bucket and split value (analysis::groups).
fn points(
    frame: &DataFrame,
    m: &str,
    by: Option<&str>,
    opts: &TrendOptions,
) -> Result<(i64, Vec<TrendPoint>, Vec<Option<String>>)> {
    let ts = codes::epoch_ms(frame.column("ts")?.as_materialized_series())?;
    let ts = ts.i64()?;
    let span = codes::min_max(ts);
    let width = opts.bucket.resolve(span.map_or(0, |(lo, hi)| hi - lo));
    let Some((lo, _)) = span.filter(|_| width > 0) else {
        return Ok((width, Vec::new(), Vec::new()));
    };
    // Bucket numbers from the first bucket; each bucket starts at a multiple of the width.
    let origin = lo.div_euclid(width) * width;
    let mut numbers = Vec::with_capacity(ts.len());
    for arr in ts.downcast_iter() {
        numbers.extend(arr.values().iter().map(|&t| ((t - origin) / width) as u64));
    }
    let mut keys = vec![groups::Key::of_numbers(numbers)];
    // The split values, most frequent first; beyond `max_series`, merged into `(other)`.
    let mut order: Vec<Option<String>> = Vec::new();
    if let Some(b) = by {
        let (split, names) = ranked_split(frame, b, opts.max_series)?;
        keys.push(split);
        order = names;
    }
    let quantile = opts.stat.quantile();
    let wanted = groups::Wanted {
        quantiles: quantile.as_slice(),
        ci: quantile.filter(|_| opts.ci),
        bands: None,
    };
    let values = frame.column(m)?.as_materialized_series().f64()?.clone();
    let n_split = keys.get(1).map_or(1, |k| u64::from(k.n.max(1)));
    let points = groups::summarize_by(&values, m, &keys, &wanted)?
        .into_iter()
        .map(|g| {
            let t = ts.get(g.first as usize).unwrap_or(origin);
            let s = g.summary;
            TrendPoint {
                bucket_ms: origin + (t - origin) / width * width,
                key: by.and_then(|_| order.get((g.combo % n_split) as usize).cloned().flatten()),
                value: match opts.stat {
                    Stat::Mean => Some(s.mean),
                    Stat::Count => Some(s.n as f64),
                    _ => s.quantiles.first().copied(),
                },
                n: s.n,
                ci_low: s.ci_low,
                ci_high: s.ci_high,
            }
        })
        .collect();
    Ok((width, points, order))
}

/// The split column's key, its values numbered by rank (most rows first, equal counts by
/// value, null last), and the value of each number; beyond `max`, one more number for
/// [`OTHER`] takes every remaining value.
fn ranked_split(frame: &DataFrame, b: &str, max: usize) -> Result<(groups::Key, Vec<Option<String>>)> {
    let mut key = groups::Key::of(frame, b)?;
    let n = key.n as usize;
    let mut counts = vec![0u64; n];
    let mut first = vec![0 as IdxSize; n];
    for (row, &id) in key.ids.iter().enumerate() {
        if counts[id as usize] == 0 {
            first[id as usize] = row as IdxSize;
        }
        counts[id as usize] += 1;
    }
    let names = str_col(&frame.select([b])?.take(&IdxCa::from_vec("first".into(), first))?, b)?;
    let mut ranked: Vec<usize> = (0..n).collect();
    // Most rows first; equal counts by value, null last.
    ranked.sort_by(|&x, &y| {
        let (a, b) = (&names[x], &names[y]);
        counts[y]
            .cmp(&counts[x])
            .then(a.is_none().cmp(&b.is_none()))
            .then(a.cmp(b))
    });
    let kept = ranked.len().min(max);
    let mut rank = vec![0u32; n];
    for (r, &id) in ranked.iter().enumerate() {
        rank[id] = r.min(kept) as u32;
    }
    key.ids.iter_mut().for_each(|id| *id = rank[*id as usize]);
    let mut order: Vec<Option<String>> = ranked[..kept].iter().map(|&id| names[id].clone()).collect();
    if kept < n {
        order.push(Some(OTHER.to_string()));
    }
    key.n = order.len() as u32;
    Ok((key, order))
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
