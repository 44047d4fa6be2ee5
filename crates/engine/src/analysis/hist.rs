//! `hist`: the distribution of a metric in linear or logarithmic bins, with the Core Web
//! Vitals bands of each bin.

use super::breakdown::rating;
use super::{default_event_type, f64_col, metric, of_event_type};
use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::filter::Filter;
use crate::schema::{cwv_thresholds, Thresholds};
use crate::stats::quantile_sorted;
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistOptions {
    pub metric: String,
    #[serde(default = "default_bins")]
    pub bins: usize,
    /// Logarithmic bin edges (values ≤ 0 are counted as underflow).
    #[serde(default)]
    pub log: bool,
    /// Lower edge; default the smallest value (smallest positive value with `log`).
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper edge; default the largest value with `log`, the 99.5th percentile otherwise.
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub event_type: Option<String>,
}

fn default_bins() -> usize {
    50
}

impl HistOptions {
    pub fn new(metric: &str) -> Self {
        HistOptions {
            metric: metric.to_string(),
            bins: default_bins(),
            log: false,
            min: None,
            max: None,
            event_type: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistBin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
    /// Share of all samples (including under/overflow).
    pub share: f64,
    /// CWV band of the bin's centre.
    pub band: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Histogram {
    pub metric: String,
    pub unit: String,
    pub log: bool,
    pub n: u64,
    /// Samples below the first edge / above the last edge.
    pub underflow: u64,
    pub overflow: u64,
    pub thresholds: Option<Thresholds>,
    pub bins: Vec<HistBin>,
    pub event_type: Option<String>,
    pub filter: String,
}

/// Bin edges: `bins + 1` values from `lo` to `hi`.
pub fn edges(lo: f64, hi: f64, bins: usize, log: bool) -> Vec<f64> {
    (0..=bins)
        .map(|i| {
            let f = i as f64 / bins as f64;
            if log {
                (lo.ln() + f * (hi.ln() - lo.ln())).exp()
            } else {
                lo + f * (hi - lo)
            }
        })
        .collect()
}

pub fn hist(ds: &Dataset, filter: &Filter, opts: &HistOptions) -> Result<Histogram> {
    if opts.bins == 0 || opts.bins > 10_000 {
        return Err(EngineError::invalid("bins must be between 1 and 10000"));
    }
    let def = metric(&opts.metric)?;
    let m = def.name;
    let event_type = opts.event_type.as_deref().or(default_event_type(def));
    let df = ds.run(
        of_event_type(ds, filter, event_type)?
            .select([col(m).cast(DataType::Float64)])
            .filter(col(m).is_not_null().and(col(m).is_nan().not()))
            .sort([m], SortMultipleOptions::default()),
    )?;
    let values: Vec<f64> = f64_col(&df, m)?.into_iter().flatten().collect();
    let thresholds = cwv_thresholds(m);
    let n = values.len() as u64;
    let mut out = Histogram {
        metric: m.to_string(),
        unit: def.unit.to_string(),
        log: opts.log,
        n,
        underflow: 0,
        overflow: 0,
        thresholds,
        bins: Vec::new(),
        event_type: event_type.map(str::to_string),
        filter: filter.describe(),
    };
    if values.is_empty() {
        return Ok(out);
    }
    let first_positive = values.iter().copied().find(|v| *v > 0.0);
    let lo = match (opts.min, opts.log) {
        (Some(x), _) => x,
        (None, true) => first_positive.unwrap_or(1.0),
        (None, false) => values[0],
    };
    let hi = match (opts.max, opts.log) {
        (Some(x), _) => x,
        (None, true) => values[values.len() - 1],
        (None, false) => quantile_sorted(&values, 0.995).unwrap_or(lo),
    };
    if opts.log && lo <= 0.0 {
        return Err(EngineError::invalid("log bins need a positive lower edge"));
    }
    let hi = if hi > lo { hi } else { lo + 1.0_f64.max(lo.abs() * 1e-9) };
    let e = edges(lo, hi, opts.bins, opts.log);
    let mut counts = vec![0u64; opts.bins];
    for v in &values {
        if *v < lo {
            out.underflow += 1;
        } else if *v > hi {
            out.overflow += 1;
        } else {
            // partition_point: first edge > v; bins are [e_i, e_{i+1}), the last one closed.
            let i = e.partition_point(|x| x <= v).saturating_sub(1).min(opts.bins - 1);
            counts[i] += 1;
        }
    }
    out.bins = counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| {
            let (a, b) = (e[i], e[i + 1]);
            let centre = if opts.log { (a * b).sqrt() } else { (a + b) / 2.0 };
            HistBin {
                lo: a,
                hi: b,
                count,
                share: count as f64 / n as f64,
                band: thresholds.map(|t| rating(centre, &t).to_string()),
            }
        })
        .collect();
    Ok(out)
}

impl ToTable for Histogram {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    fn to_table(&self) -> Table {
        let mut t = Table::new(&["bin_lo", "bin_hi", "count", "share", "band"]);
        if self.underflow > 0 {
            t.push(vec![
                Value::Null,
                self.bins.first().map(|b| b.lo).into(),
                self.underflow.into(),
                (self.underflow as f64 / self.n as f64).into(),
                Value::Null,
            ]);
        }
        for b in &self.bins {
            t.push(vec![
                b.lo.into(),
                b.hi.into(),
                b.count.into(),
                b.share.into(),
                b.band.clone().into(),
            ]);
        }
        if self.overflow > 0 {
            t.push(vec![
                self.bins.last().map(|b| b.hi).into(),
                Value::Null,
                self.overflow.into(),
                (self.overflow as f64 / self.n as f64).into(),
                Value::Null,
            ]);
        }
        t
    }
}
