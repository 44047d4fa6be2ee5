//! `breakdown`: percentiles of a metric by 0–3 dimensions, with Core Web Vitals rating
//! shares and a distribution-free 95% confidence interval for p75.

use super::{default_event_type, dimension, groups, metric, of_event_type, str_col};
use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::filter::Filter;
use crate::schema::{cwv_thresholds, Thresholds};
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BreakdownOptions {
    pub metric: String,
    #[serde(default)]
    pub by: Vec<String>,
    /// Event type the metric is read from; default: `view` for view timings, any otherwise.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Segments with fewer samples are flagged `low_n`.
    #[serde(default = "default_min_n")]
    pub min_n: u64,
}

fn default_min_n() -> u64 {
    50
}

impl BreakdownOptions {
    pub fn new(metric: &str, by: &[&str]) -> Self {
        BreakdownOptions {
            metric: metric.to_string(),
            by: by.iter().map(|s| s.to_string()).collect(),
            event_type: None,
            min_n: default_min_n(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BreakdownRow {
    /// Values of the `by` dimensions, in order.
    pub keys: Vec<Option<String>>,
    pub n: u64,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub mean: Option<f64>,
    pub p75_ci_low: Option<f64>,
    pub p75_ci_high: Option<f64>,
    /// Shares of samples in each Core Web Vitals band (CWV metrics only).
    pub good: Option<f64>,
    pub needs_improvement: Option<f64>,
    pub poor: Option<f64>,
    /// Rating of the segment's p75 (CWV metrics only).
    pub rating: Option<String>,
    pub low_n: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Breakdown {
    pub metric: String,
    pub unit: String,
    pub event_type: Option<String>,
    pub by: Vec<String>,
    pub thresholds: Option<Thresholds>,
    pub rows: Vec<BreakdownRow>,
    pub filter: String,
}

/// Rating of a value against thresholds: good ≤ good, poor > poor.
pub fn rating(v: f64, t: &Thresholds) -> &'static str {
    if v <= t.good {
        "good"
    } else if v > t.poor {
        "poor"
    } else {
        "needs-improvement"
    }
}

pub fn breakdown(ds: &Dataset, filter: &Filter, opts: &BreakdownOptions) -> Result<Breakdown> {
    if opts.by.len() > 3 {
        return Err(EngineError::invalid("breakdown takes at most 3 dimensions"));
    }
    let def = metric(&opts.metric)?;
    let m = def.name;
    let by: Vec<&str> = opts.by.iter().map(|d| dimension(d)).collect::<Result<_>>()?;
    let event_type = opts.event_type.as_deref().or(default_event_type(def));
    let thresholds = cwv_thresholds(m);

    let mut cols: Vec<Expr> = by.iter().map(|d| col(*d)).collect();
    cols.push(col(m).cast(DataType::Float64));
    let lf = of_event_type(ds, filter, event_type)?
        .select(cols)
        .filter(col(m).is_not_null().and(col(m).is_nan().not()));

    // The rows to summarise, then every statistic per group in one selection pass
    // (analysis::groups).
    let df = ds.run(lf)?;
    let wanted = groups::Wanted {
        quantiles: &[0.50, 0.75, 0.90, 0.95, 0.99],
        ci: Some(0.75),
        bands: thresholds.map(|t| (t.good, t.poor)),
    };
    let (key_frame, stats) = groups::grouped(&df, &by, m, &wanted)?;
    let keys: Vec<Vec<Option<String>>> = by.iter().map(|d| str_col(&key_frame, d)).collect::<Result<_>>()?;
    let mut rows: Vec<BreakdownRow> = stats
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let q = |k: usize| s.quantiles.get(k).copied();
            BreakdownRow {
                keys: keys.iter().map(|k| k[i].clone()).collect(),
                n: s.n,
                p50: q(0),
                p75: q(1),
                p90: q(2),
                p95: q(3),
                p99: q(4),
                mean: Some(s.mean),
                p75_ci_low: s.ci_low,
                p75_ci_high: s.ci_high,
                good: s.good,
                needs_improvement: s.good.zip(s.poor).map(|(g, p)| (1.0 - g - p).max(0.0)),
                poor: s.poor,
                rating: thresholds.zip(q(1)).map(|(t, v)| rating(v, &t).to_string()),
                low_n: s.n < opts.min_n,
            }
        })
        .filter(|r| r.n > 0)
        .collect();
    rows.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.keys.cmp(&b.keys)));
    Ok(Breakdown {
        metric: m.to_string(),
        unit: def.unit.to_string(),
        event_type: event_type.map(str::to_string),
        by: by.iter().map(|s| s.to_string()).collect(),
        thresholds,
        rows,
        filter: filter.describe(),
    })
}

impl ToTable for Breakdown {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    fn to_table(&self) -> Table {
        let mut cols: Vec<&str> = self.by.iter().map(String::as_str).collect();
        cols.extend([
            "n",
            "p50",
            "p75",
            "p75_ci_low",
            "p75_ci_high",
            "p90",
            "p95",
            "p99",
            "mean",
        ]);
        if self.thresholds.is_some() {
            cols.extend(["good", "needs_improvement", "poor", "rating"]);
        }
        cols.push("low_n");
        let mut t = Table::new(&cols);
        for r in &self.rows {
            let mut row: Vec<Value> = r.keys.iter().map(|k| k.clone().into()).collect();
            row.extend([
                r.n.into(),
                r.p50.into(),
                r.p75.into(),
                r.p75_ci_low.into(),
                r.p75_ci_high.into(),
                r.p90.into(),
                r.p95.into(),
                r.p99.into(),
                r.mean.into(),
            ]);
            if self.thresholds.is_some() {
                row.extend([
                    r.good.into(),
                    r.needs_improvement.into(),
                    r.poor.into(),
                    r.rating.clone().into(),
                ]);
            }
            row.push(r.low_n.into());
            t.push(row);
        }
        t
    }
}
