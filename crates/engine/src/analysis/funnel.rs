//! `funnel`: sessions through ordered steps, with conversion, drop-off and time between steps.
//!
//! A step is a page group (`/cart`, `/product/:id`), a URL regex (`url~^https://x/checkout`)
//! or an event predicate (`column=value`, e.g. `action_type=click`, `target=button#buy`).
//! Each session's sequence is its page views plus the events matching an event step, in time
//! order (page-group and URL steps match view events only). Modes:
//! - `strict`: steps must be consecutive in that sequence;
//! - `ordered` (default): in order, other events allowed between;
//! - `any`: a session reaches step k when it has events for steps 1..k, in any order.

use super::codes::{coded, Coded, NONE};
use super::dimension;
use crate::dataset::Dataset;
use crate::error::{EngineError, Result};
use crate::filter::Filter;
use crate::schema::{self, Kind};
use crate::stats::quantile_sorted;
use crate::table::{Table, ToTable, Value};
use polars::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FunnelMode {
    Strict,
    #[default]
    Ordered,
    Any,
}

impl FunnelMode {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "strict" => Ok(FunnelMode::Strict),
            "ordered" => Ok(FunnelMode::Ordered),
            "any" => Ok(FunnelMode::Any),
            _ => Err(EngineError::invalid(format!(
                "unknown funnel mode `{s}`: use strict, ordered or any"
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunnelOptions {
    pub steps: Vec<String>,
    #[serde(default)]
    pub mode: FunnelMode,
    #[serde(default)]
    pub by: Option<String>,
}

#[derive(Debug, Clone)]
enum Step {
    Page(String),
    Url(Regex),
    Column { column: &'static str, value: String },
}

fn parse_step(s: &str) -> Result<Step> {
    if s.starts_with('/') {
        return Ok(Step::Page(s.to_string()));
    }
    if let Some(re) = s.strip_prefix("url~") {
        let re = Regex::new(re).map_err(|e| EngineError::invalid(format!("bad URL pattern in step `{s}`: {e}")))?;
        return Ok(Step::Url(re));
    }
    if let Some((c, v)) = s.split_once('=') {
        match schema::column(c.trim()) {
            Some(def) if matches!(def.kind, Kind::Dim | Kind::Text) => {
                return Ok(Step::Column {
                    column: def.name,
                    value: v.trim().to_string(),
                })
            }
            _ => return Err(EngineError::invalid(format!("step `{s}`: `{c}` is not a text column"))),
        }
    }
    Err(EngineError::invalid(format!(
        "bad step `{s}`: use a page group (/cart), url~REGEX or column=value"
    )))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunnelStep {
    /// 1-based step number.
    pub step: usize,
    pub label: String,
    /// Split value (with `by`).
    pub key: Option<String>,
    pub sessions: u64,
    /// Share of the previous step's sessions (1 for the first step).
    pub conversion_from_previous: Option<f64>,
    /// Share of the first step's sessions.
    pub conversion_from_first: Option<f64>,
    /// Sessions lost since the previous step.
    pub dropoff: u64,
    pub dropoff_rate: Option<f64>,
    /// Time from the previous step, over sessions reaching this step (not in `any` mode).
    pub median_time_ms: Option<f64>,
    pub p75_time_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Funnel {
    pub mode: FunnelMode,
    pub by: Option<String>,
    pub labels: Vec<String>,
    pub steps: Vec<FunnelStep>,
    pub filter: String,
}

/// Per split value: sessions reaching each step and the times from the previous step.
struct Reach {
    counts: Vec<u64>,
    deltas: Vec<Vec<f64>>,
}

/// Per-session outcome: how many steps reached and the time of each reached step.
fn walk(seq: &[(i64, Vec<bool>)], n_steps: usize, mode: FunnelMode) -> Vec<i64> {
    match mode {
        FunnelMode::Ordered => {
            let mut times = Vec::new();
            for (t, m) in seq {
                if times.len() < n_steps && m[times.len()] {
                    times.push(*t);
                }
            }
            times
        }
        FunnelMode::Strict => {
            let mut best: Vec<i64> = Vec::new();
            for start in 0..seq.len() {
                if !seq[start].1[0] {
                    continue;
                }
                let mut times = vec![seq[start].0];
                for (t, m) in &seq[start + 1..] {
                    if times.len() < n_steps && m[times.len()] {
                        times.push(*t);
                    } else {
                        break;
                    }
                }
                if times.len() > best.len() {
                    best = times;
                }
                if best.len() == n_steps {
                    break;
                }
            }
            best
        }
        FunnelMode::Any => {
            let mut first: Vec<Option<i64>> = vec![None; n_steps];
            for (t, m) in seq {
                for (k, hit) in m.iter().enumerate() {
                    if *hit && first[k].is_none() {
                        first[k] = Some(*t);
                    }
                }
            }
            first.iter().map_while(|t| *t).collect()
        }
    }
}

/// Rows that may match a step (a superset of what the walk below matches).
fn any_step(steps: &[Step]) -> Expr {
    let is_view = col("event_type").eq(lit("view"));
    steps
        .iter()
        .map(|s| match s {
            Step::Page(p) => is_view.clone().and(col("page_group").eq(lit(p.clone()))),
            // Regexes are matched in the walk (Polars here is built without its regex
            // feature); keeping every view is a superset.
            Step::Url(_) => is_view.clone(),
            Step::Column { column, value } => col(*column).eq(lit(value.clone())),
        })
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

pub fn funnel(ds: &Dataset, filter: &Filter, opts: &FunnelOptions) -> Result<Funnel> {
    if opts.steps.len() < 2 {
        return Err(EngineError::invalid("a funnel needs at least two --step"));
    }
    let steps: Vec<Step> = opts.steps.iter().map(|s| parse_step(s)).collect::<Result<_>>()?;
    let by = opts.by.as_deref().map(dimension).transpose()?;
    let mut cols: Vec<&str> = vec!["session_id", "ts", "event_type", "page_group", "url"];
    for s in &steps {
        if let Step::Column { column, .. } = s {
            cols.push(column);
        }
    }
    if let Some(b) = by {
        cols.push(b);
    }
    cols.sort_unstable();
    cols.dedup();
    // In `ordered` and `any` mode only events matching a step can move a session forward, so
    // the rest is dropped before sorting (most events, on real data). `strict` needs every
    // view: a step must follow the previous one with no view between.
    let mut lf = ds.filtered(filter)?.filter(col("session_id").is_not_null());
    const KEY: &str = "__key";
    if let Some(b) = by {
        // The split value is the session's first event's (earliest `ts`, then storage order),
        // taken before any row is dropped.
        lf = lf.with_column(
            col(b)
                .get(col("ts").arg_min(), true)
                .over([col("session_id")])?
                .alias(KEY),
        );
        cols.push(KEY);
    }
    if opts.mode != FunnelMode::Strict {
        lf = lf.filter(any_step(&steps));
    }
    // Sessions are made contiguous by sorting on a session number, not on the id text: string
    // comparisons were 60% of this call at 10M events. A materialized dataset's ids are already
    // numbered (categorical); text ids are numbered here, each hashed once.
    const SID: &str = "__sid";
    let sid = match lf.collect_schema()?.get("session_id") {
        Some(dt) if dt.is_categorical() => col("session_id").to_physical(),
        _ => col("session_id")
            .cast(DataType::from_categories(Categories::random(
                "rumlens-funnel".into(),
                CategoricalPhysical::U32,
            )))
            .to_physical(),
    };
    let select: Vec<Expr> = cols
        .iter()
        .map(|c| match *c {
            "ts" => col("ts").dt().timestamp(TimeUnit::Milliseconds),
            // Text columns as they are: compared below as integer codes (a materialized
            // dataset's category ids), not as strings.
            c => col(c),
        })
        .chain([sid.alias(SID)])
        .collect();
    let df = lf
        .select(select)
        .sort([SID, "ts"], SortMultipleOptions::default().with_maintain_order(true));
    let df = ds.run(df)?;
    let series = |name: &str| -> Result<&Series> { Ok(df.column(name)?.as_materialized_series()) };
    let sessions: Vec<Option<u32>> = series(SID)?.cast(&DataType::UInt32)?.u32()?.iter().collect();
    let ts: Vec<Option<i64>> = df.column("ts")?.i64()?.iter().collect();
    let etype = coded(series("event_type")?)?;
    let pages = coded(series("page_group")?)?;
    let urls = coded(series("url")?)?;
    let view = etype.code_of("view");
    // Each step as a test on codes: its value's code in the column (none: it never matches);
    // a URL pattern is matched once per distinct URL.
    enum Test<'a> {
        Page(Option<u32>),
        Column(Coded<'a>, Option<u32>),
        Url(&'a Regex),
    }
    let mut tests: Vec<Test> = Vec::with_capacity(steps.len());
    for s in &steps {
        tests.push(match s {
            Step::Page(p) => Test::Page(pages.code_of(p)),
            Step::Url(re) => Test::Url(re),
            Step::Column { column, value } => {
                let c = coded(series(column)?)?;
                let code = c.code_of(value);
                Test::Column(c, code)
            }
        });
    }
    let mut url_match: PlHashMap<(usize, u32), bool> = PlHashMap::new();
    let split = match by {
        Some(_) => Some(coded(series(KEY)?)?),
        None => None,
    };
    let n_steps = steps.len();
    let mut reach: BTreeMap<Option<String>, Reach> = BTreeMap::new();
    let mut i = 0;
    while i < df.height() {
        let sid = sessions[i];
        let mut j = i;
        let mut seq: Vec<(i64, Vec<bool>)> = Vec::new();
        let key: Option<String> = split.as_ref().and_then(|c| c.text(c.ids[i])).map(str::to_string);
        while j < df.height() && sessions[j] == sid {
            let is_view = view.is_some_and(|v| etype.ids[j] == v);
            let m: Vec<bool> = tests
                .iter()
                .enumerate()
                .map(|(k, t)| match t {
                    Test::Page(code) => is_view && code.is_some_and(|c| pages.ids[j] == c),
                    Test::Column(c, code) => code.is_some_and(|code| c.ids[j] == code),
                    Test::Url(re) => {
                        is_view
                            && urls.ids[j] != NONE
                            && *url_match
                                .entry((k, urls.ids[j]))
                                .or_insert_with(|| urls.text(urls.ids[j]).is_some_and(|u| re.is_match(u)))
                    }
                })
                .collect();
            // Views always enter the sequence (so `strict` means consecutive page views);
            // other events only when they match a step.
            if is_view || m.iter().any(|x| *x) {
                if let Some(t) = ts[j] {
                    seq.push((t, m));
                }
            }
            j += 1;
        }
        i = j;
        let times = walk(&seq, n_steps, opts.mode);
        let entry = reach.entry(key).or_insert_with(|| Reach {
            counts: vec![0; n_steps],
            deltas: vec![Vec::new(); n_steps],
        });
        for k in 0..times.len() {
            entry.counts[k] += 1;
            if k > 0 && opts.mode != FunnelMode::Any {
                entry.deltas[k].push((times[k] - times[k - 1]) as f64);
            }
        }
    }
    let labels = opts.steps.clone();
    let mut out = Vec::new();
    let mut keys: Vec<(Option<String>, Reach)> = reach.into_iter().collect();
    keys.sort_by(|a, b| b.1.counts[0].cmp(&a.1.counts[0]).then(a.0.cmp(&b.0)));
    for (key, Reach { counts, mut deltas }) in keys {
        if counts[0] == 0 {
            continue;
        }
        for k in 0..n_steps {
            let prev = if k == 0 { counts[0] } else { counts[k - 1] };
            deltas[k].sort_by(f64::total_cmp);
            let rate = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
            out.push(FunnelStep {
                step: k + 1,
                label: labels[k].clone(),
                key: key.clone(),
                sessions: counts[k],
                conversion_from_previous: rate(counts[k], prev),
                conversion_from_first: rate(counts[k], counts[0]),
                dropoff: prev - counts[k],
                dropoff_rate: rate(prev - counts[k], prev),
                median_time_ms: quantile_sorted(&deltas[k], 0.5),
                p75_time_ms: quantile_sorted(&deltas[k], 0.75),
            });
        }
    }
    Ok(Funnel {
        mode: opts.mode,
        by: by.map(str::to_string),
        labels,
        steps: out,
        filter: filter.describe(),
    })
}

impl ToTable for Funnel {
    fn filter_description(&self) -> &str {
        &self.filter
    }

    fn to_table(&self) -> Table {
        let mut cols = vec!["step", "label"];
        if let Some(b) = &self.by {
            cols.push(b.as_str());
        }
        cols.extend([
            "sessions",
            "conversion_from_previous",
            "conversion_from_first",
            "dropoff",
            "dropoff_rate",
            "median_time_ms",
            "p75_time_ms",
        ]);
        let mut t = Table::new(&cols);
        for s in &self.steps {
            let mut row: Vec<Value> = vec![(s.step as u64).into(), s.label.clone().into()];
            if self.by.is_some() {
                row.push(s.key.clone().into());
            }
            row.extend([
                s.sessions.into(),
                s.conversion_from_previous.into(),
                s.conversion_from_first.into(),
                s.dropoff.into(),
                s.dropoff_rate.into(),
                s.median_time_ms.into(),
                s.p75_time_ms.into(),
            ]);
            t.push(row);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(steps: &[&[usize]]) -> Vec<(i64, Vec<bool>)> {
        steps
            .iter()
            .enumerate()
            .map(|(t, hits)| (t as i64 * 1000, (0..3).map(|k| hits.contains(&k)).collect()))
            .collect()
    }

    #[test]
    fn modes() {
        // A, x(B's predicate not matched), C, B, C
        let s = seq(&[&[0], &[2], &[1], &[2]]);
        assert_eq!(walk(&s, 3, FunnelMode::Ordered), vec![0, 2000, 3000]);
        assert_eq!(walk(&s, 3, FunnelMode::Strict), vec![0]);
        assert_eq!(walk(&s, 3, FunnelMode::Any), vec![0, 2000, 1000]);
        let s = seq(&[&[1], &[0], &[1], &[2]]);
        assert_eq!(walk(&s, 3, FunnelMode::Strict), vec![1000, 2000, 3000]);
    }
}
