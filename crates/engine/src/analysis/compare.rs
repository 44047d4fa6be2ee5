//! `compare`: two segments side by side for every vital: p75 with CI, rating shares, and the
//! difference, flagged when the two 95% intervals do not overlap.

use super::breakdown::{breakdown, BreakdownOptions, BreakdownRow};
use super::overview::VITALS;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::filter::Filter;
use crate::schema::{self, Thresholds};
use crate::table::{Table, ToTable, Value};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompareRow {
    pub metric: String,
    pub unit: String,
    pub thresholds: Option<Thresholds>,
    pub a: Option<BreakdownRow>,
    pub b: Option<BreakdownRow>,
    /// p75(B) − p75(A).
    pub p75_diff: Option<f64>,
    /// (p75(B) − p75(A)) / p75(A).
    pub p75_diff_rel: Option<f64>,
    /// The two p75 intervals do not overlap (both bounded).
    pub significant: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Compare {
    pub a_filter: String,
    pub b_filter: String,
    pub rows: Vec<CompareRow>,
}

pub fn compare(ds: &Dataset, a: &Filter, b: &Filter) -> Result<Compare> {
    let mut rows = Vec::new();
    for m in VITALS {
        let ra = breakdown(ds, a, &BreakdownOptions::new(m, &[]))?
            .rows
            .into_iter()
            .next();
        let rb = breakdown(ds, b, &BreakdownOptions::new(m, &[]))?
            .rows
            .into_iter()
            .next();
        let pa = ra.as_ref().and_then(|r| r.p75);
        let pb = rb.as_ref().and_then(|r| r.p75);
        let diff = pa.zip(pb).map(|(x, y)| y - x);
        let rel = pa.zip(diff).and_then(|(x, d)| (x != 0.0).then(|| d / x));
        let bounds = |r: &Option<BreakdownRow>| r.as_ref().and_then(|r| r.p75_ci_low.zip(r.p75_ci_high));
        let significant = match (bounds(&ra), bounds(&rb)) {
            (Some((alo, ahi)), Some((blo, bhi))) => ahi < blo || bhi < alo,
            _ => false,
        };
        rows.push(CompareRow {
            metric: m.to_string(),
            unit: schema::column(m).map(|c| c.unit.to_string()).unwrap_or_default(),
            thresholds: schema::cwv_thresholds(m),
            a: ra,
            b: rb,
            p75_diff: diff,
            p75_diff_rel: rel,
            significant,
        });
    }
    Ok(Compare {
        a_filter: a.describe(),
        b_filter: b.describe(),
        rows,
    })
}

impl ToTable for Compare {
    fn to_table(&self) -> Table {
        let mut t = Table::new(&[
            "metric",
            "a_n",
            "a_p75",
            "a_p75_ci_low",
            "a_p75_ci_high",
            "a_good",
            "b_n",
            "b_p75",
            "b_p75_ci_low",
            "b_p75_ci_high",
            "b_good",
            "p75_diff",
            "p75_diff_rel",
            "significant",
        ]);
        for r in &self.rows {
            let side = |s: &Option<BreakdownRow>| -> [Value; 5] {
                match s {
                    Some(s) => [
                        s.n.into(),
                        s.p75.into(),
                        s.p75_ci_low.into(),
                        s.p75_ci_high.into(),
                        s.good.into(),
                    ],
                    None => [0u64.into(), Value::Null, Value::Null, Value::Null, Value::Null],
                }
            };
            let mut row: Vec<Value> = vec![r.metric.clone().into()];
            row.extend(side(&r.a));
            row.extend(side(&r.b));
            row.extend([r.p75_diff.into(), r.p75_diff_rel.into(), r.significant.into()]);
            t.push(row);
        }
        t
    }
}
