//! The one filter type shared by every analysis: dimension equality / set / negation, a time
//! range and metric ranges, all combined with AND.

use crate::error::{EngineError, Result};
use crate::schema::{self, Kind};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// `column ∈ values` (or `∉` when `negate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimFilter {
    pub column: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub negate: bool,
}

/// `min ≤ column ≤ max` (either bound optional; `min_exclusive` / `max_exclusive` for < and >).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RangeFilter {
    pub column: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub min_exclusive: bool,
    #[serde(default)]
    pub max_exclusive: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Filter {
    #[serde(default)]
    pub dims: Vec<DimFilter>,
    /// Inclusive start, epoch milliseconds UTC.
    #[serde(default)]
    pub from_ms: Option<i64>,
    /// Exclusive end, epoch milliseconds UTC.
    #[serde(default)]
    pub to_ms: Option<i64>,
    #[serde(default)]
    pub ranges: Vec<RangeFilter>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.dims.is_empty() && self.from_ms.is_none() && self.to_ms.is_none() && self.ranges.is_empty()
    }

    /// Parse one command-line filter: `dim=a,b`, `dim!=a`, `metric>=x`, `metric<x`,
    /// `metric=a..b` (inclusive; either side may be empty).
    pub fn add_spec(&mut self, spec: &str) -> Result<()> {
        let bad = |why: &str| EngineError::invalid(format!("bad filter `{spec}`: {why}"));
        for (op, min, excl) in [
            (">=", true, false),
            ("<=", false, false),
            (">", true, true),
            ("<", false, true),
        ] {
            if let Some((c, v)) = spec.split_once(op) {
                if c.contains('=') || c.contains('!') {
                    continue;
                }
                let column = metric_column(c.trim())?;
                let x: f64 = v
                    .trim()
                    .parse()
                    .map_err(|_| bad("expected a number after the comparison"))?;
                let mut r = RangeFilter {
                    column,
                    min: None,
                    max: None,
                    min_exclusive: false,
                    max_exclusive: false,
                };
                if min {
                    r.min = Some(x);
                    r.min_exclusive = excl;
                } else {
                    r.max = Some(x);
                    r.max_exclusive = excl;
                }
                self.ranges.push(r);
                return Ok(());
            }
        }
        let (c, v, negate) = if let Some((c, v)) = spec.split_once("!=") {
            (c, v, true)
        } else if let Some((c, v)) = spec.split_once('=') {
            (c, v, false)
        } else {
            return Err(bad("expected dim=v1,v2, dim!=v, metric>=x or metric=a..b"));
        };
        let c = c.trim();
        if !negate {
            if let Some((lo, hi)) = v.split_once("..") {
                if let Ok(column) = metric_column(c) {
                    let parse = |s: &str| -> Result<Option<f64>> {
                        let s = s.trim();
                        if s.is_empty() {
                            Ok(None)
                        } else {
                            s.parse().map(Some).map_err(|_| bad("range bounds must be numbers"))
                        }
                    };
                    self.ranges.push(RangeFilter {
                        column,
                        min: parse(lo)?,
                        max: parse(hi)?,
                        min_exclusive: false,
                        max_exclusive: false,
                    });
                    return Ok(());
                }
            }
        }
        let def = schema::column(c).ok_or_else(|| bad(&format!("unknown column `{c}`")))?;
        if !matches!(def.kind, Kind::Dim | Kind::Text) {
            return Err(bad(&format!("`{c}` is numeric: use {c}>=x, {c}<x or {c}=a..b")));
        }
        let values: Vec<String> = v
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if values.is_empty() {
            return Err(bad("no values"));
        }
        self.dims.push(DimFilter {
            column: def.name.to_string(),
            values,
            negate,
        });
        Ok(())
    }

    /// Check column names (for filters built elsewhere, e.g. deserialised from a report spec).
    pub fn validate(&self) -> Result<()> {
        for d in &self.dims {
            match schema::column(&d.column) {
                Some(def) if matches!(def.kind, Kind::Dim | Kind::Text) => {}
                _ => {
                    return Err(EngineError::invalid(format!(
                        "filter on unknown dimension `{}`",
                        d.column
                    )))
                }
            }
        }
        for r in &self.ranges {
            metric_column(&r.column)?;
        }
        Ok(())
    }

    /// The predicate, or `None` when the filter is empty.
    pub fn expr(&self) -> Result<Option<Expr>> {
        self.validate()?;
        let mut parts: Vec<Expr> = Vec::new();
        for d in &self.dims {
            let values = Series::new("values".into(), &d.values);
            let e = col(d.column.as_str()).is_in(lit(values).implode(false), false);
            parts.push(if d.negate {
                // Negation keeps rows where the dimension is unknown.
                e.not().or(col(d.column.as_str()).is_null())
            } else {
                e
            });
        }
        let ts_ms = col("ts").dt().timestamp(TimeUnit::Milliseconds);
        if let Some(from) = self.from_ms {
            parts.push(ts_ms.clone().gt_eq(lit(from)));
        }
        if let Some(to) = self.to_ms {
            parts.push(ts_ms.lt(lit(to)));
        }
        for r in &self.ranges {
            let c = col(r.column.as_str()).cast(DataType::Float64);
            if let Some(min) = r.min {
                parts.push(if r.min_exclusive {
                    c.clone().gt(lit(min))
                } else {
                    c.clone().gt_eq(lit(min))
                });
            }
            if let Some(max) = r.max {
                parts.push(if r.max_exclusive {
                    c.clone().lt(lit(max))
                } else {
                    c.lt_eq(lit(max))
                });
            }
        }
        Ok(parts.into_iter().reduce(|a, b| a.and(b)))
    }

    /// Apply to a frame.
    pub fn apply(&self, lf: LazyFrame) -> Result<LazyFrame> {
        Ok(match self.expr()? {
            Some(e) => lf.filter(e),
            None => lf,
        })
    }

    /// Human-readable description, for reports and table footers.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for d in &self.dims {
            parts.push(format!(
                "{}{}{}",
                d.column,
                if d.negate { "≠" } else { "=" },
                d.values.join("|")
            ));
        }
        if let Some(f) = self.from_ms {
            parts.push(format!("ts≥{}", fmt_ts(f)));
        }
        if let Some(t) = self.to_ms {
            parts.push(format!("ts<{}", fmt_ts(t)));
        }
        for r in &self.ranges {
            if let Some(m) = r.min {
                parts.push(format!("{}{}{m}", r.column, if r.min_exclusive { ">" } else { "≥" }));
            }
            if let Some(m) = r.max {
                parts.push(format!("{}{}{m}", r.column, if r.max_exclusive { "<" } else { "≤" }));
            }
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }
}

fn metric_column(name: &str) -> Result<String> {
    schema::resolve_metric(name)
        .map(|c| c.name.to_string())
        .ok_or_else(|| EngineError::invalid(format!("`{name}` is not a numeric column")))
}

/// Format epoch ms as RFC 3339 UTC.
pub fn fmt_ts(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Parse a time given as RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (UTC) or epoch ms.
pub fn parse_time(s: &str) -> Result<i64> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(d.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(d.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(dt) = d.and_hms_opt(0, 0, 0) {
            return Ok(dt.and_utc().timestamp_millis());
        }
    }
    s.parse::<i64>()
        .map_err(|_| EngineError::invalid(format!("bad time `{s}`: use 2026-10-05, 2026-10-05T14:00 or RFC 3339")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let mut f = Filter::default();
        f.add_spec("device_type=mobile,tablet").unwrap();
        f.add_spec("browser!=Firefox").unwrap();
        f.add_spec("lcp>=1000").unwrap();
        f.add_spec("cls=0.1..").unwrap();
        assert_eq!(f.dims.len(), 2);
        assert!(f.dims[1].negate);
        assert_eq!(f.ranges[0].column, "lcp_ms");
        assert_eq!(f.ranges[1].min, Some(0.1));
        assert!(f.add_spec("nosuch=1").is_err());
        assert!(f.add_spec("lcp_ms=3").is_err());
        assert!(f.add_spec("garbage").is_err());
        assert_eq!(parse_time("2026-10-05").unwrap(), 1_791_158_400_000);
        assert_eq!(fmt_ts(1_791_158_400_000), "2026-10-05T00:00:00Z");
    }
}
