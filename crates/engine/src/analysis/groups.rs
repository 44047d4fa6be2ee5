//! Every statistic of one metric per group, from one selection pass over each group's values.
//!
//! Percentiles, the p75 confidence interval and the band shares are all order statistics or
//! counts: instead of one sort per statistic and group (what a Polars aggregation per
//! statistic does), each group's values are gathered once and the handful of ranks needed is
//! found by recursive selection (`select_nth_unstable`, linear time on average). Groups are
//! summarised in parallel.
//!
//! Definitions (DESIGN.md §3): linear interpolation between closest ranks, like
//! [`crate::stats::quantile_sorted`]; the CI bounds are the order statistics of
//! [`crate::stats::ci_ranks`].

use crate::error::{EngineError, Result};
use crate::stats::ci_ranks;
use polars::prelude::*;
use rayon::prelude::*;
use std::cmp::Ordering;

/// What to compute for each group.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    /// Quantiles, in 0..=1.
    pub quantiles: &'a [f64],
    /// The quantile whose ~95% order-statistic interval is wanted.
    pub ci: Option<f64>,
    /// Shares of values `<= good` and `> poor`.
    pub bands: Option<(f64, f64)>,
}

/// The statistics of one group (at least one value).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub n: u64,
    /// In the order of [`Wanted::quantiles`].
    pub quantiles: Vec<f64>,
    pub mean: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub good: Option<f64>,
    pub poor: Option<f64>,
}

/// The statistics of `values` (no NaN). Reorders `values`.
pub fn summarize(values: &mut [f64], wanted: &Wanted<'_>) -> Option<Summary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = exact_sum(values) / n as f64;
    let (good, poor) = match wanted.bands {
        Some((g, p)) => {
            let good = values.iter().filter(|v| **v <= g).count();
            let poor = values.iter().filter(|v| **v > p).count();
            (Some(good as f64 / n as f64), Some(poor as f64 / n as f64))
        }
        None => (None, None),
    };
    let positions: Vec<f64> = wanted
        .quantiles
        .iter()
        .map(|q| (n - 1) as f64 * q.clamp(0.0, 1.0))
        .collect();
    let mut ranks: Vec<usize> = positions
        .iter()
        .flat_map(|h| [h.floor() as usize, h.ceil() as usize])
        .collect();
    let ci = wanted.ci.map(|p| {
        let (r, s) = ci_ranks(n, p);
        let inside = |k: i64| (1..=n as i64).contains(&k).then(|| (k - 1) as usize);
        (inside(r), inside(s))
    });
    if let Some((r, s)) = ci {
        ranks.extend(r);
        ranks.extend(s);
    }
    ranks.sort_unstable();
    ranks.dedup();
    let mut at = vec![0.0; ranks.len()];
    select_ranks(values, 0, &ranks, &mut at);
    let value = |rank: usize| ranks.binary_search(&rank).map(|i| at[i]).unwrap_or(f64::NAN);
    let quantiles = positions
        .iter()
        .map(|h| {
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            let (a, b) = (value(lo), value(hi));
            a + (h - lo as f64) * (b - a)
        })
        .collect();
    let (ci_low, ci_high) = match ci {
        Some((r, s)) => (r.map(value), s.map(value)),
        None => (None, None),
    };
    Some(Summary {
        n: n as u64,
        quantiles,
        mean,
        ci_low,
        ci_high,
        good,
        poor,
    })
}

/// Compensated (Neumaier) sum: the correctly rounded total for any realistic RUM sample, so
/// the mean does not depend on the order rows arrive in (file format, engine, threads).
fn exact_sum(values: &[f64]) -> f64 {
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for &v in values {
        let t = sum + v;
        carry += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    sum + carry
}

/// Values at the sorted 0-based `ranks` (relative to `offset`), written to `out` in the same
/// order: select the middle rank, then recurse into the two sides.
fn select_ranks(values: &mut [f64], offset: usize, ranks: &[usize], out: &mut [f64]) {
    if ranks.is_empty() || values.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let k = ranks[mid] - offset;
    let (left, x, right) = values.select_nth_unstable_by(k, cmp);
    out[mid] = *x;
    select_ranks(left, offset, &ranks[..mid], &mut out[..mid]);
    select_ranks(right, offset + k + 1, &ranks[mid + 1..], &mut out[mid + 1..]);
}

fn cmp(a: &f64, b: &f64) -> Ordering {
    a.total_cmp(b)
}

/// Statistics of the f64 column `metric` (no nulls, no NaN) of `df` per distinct combination
/// of `keys` (one group of all rows when `keys` is empty): the key columns of each group's
/// first row, and the summaries in the same order. Empty groups do not occur.
pub fn grouped(df: &DataFrame, keys: &[&str], metric: &str, wanted: &Wanted<'_>) -> Result<(DataFrame, Vec<Summary>)> {
    let metric_col = df.column(metric)?.as_materialized_series().rechunk();
    let values = metric_col.f64()?;
    let values = values
        .cont_slice()
        .map_err(|_| EngineError::invalid(format!("{metric}: nulls left before grouping")))?;
    if keys.is_empty() {
        let mut all = values.to_vec();
        let out: Vec<Summary> = summarize(&mut all, wanted).into_iter().collect();
        return Ok((DataFrame::empty(), out));
    }
    let gb = match combined_key(df, keys)? {
        Some(key) => df.group_by_with_series(vec![key], true, false)?,
        None => df.group_by(keys.iter().copied())?,
    };
    let groups = gb.get_groups();
    let gather = |idx: &[IdxSize]| -> Vec<f64> { idx.iter().map(|&i| values[i as usize]).collect() };
    let (firsts, summaries): (Vec<IdxSize>, Vec<Option<Summary>>) = match &**groups {
        GroupsType::Idx(g) => g
            .first()
            .par_iter()
            .zip(g.all().par_iter())
            .map(|(first, idx)| (*first, summarize(&mut gather(idx), wanted)))
            .unzip(),
        GroupsType::Slice { groups, .. } => groups
            .par_iter()
            .map(|[start, len]| {
                let (s, l) = (*start as usize, *len as usize);
                (*start, summarize(&mut values[s..s + l].to_vec(), wanted))
            })
            .unzip(),
    };
    let firsts = IdxCa::from_vec("first".into(), firsts);
    let key_frame = df.select(keys.iter().copied())?.take(&firsts)?;
    let summaries = summaries
        .into_iter()
        .map(|s| s.ok_or_else(|| EngineError::invalid("empty group")))
        .collect::<Result<_>>()?;
    Ok((key_frame, summaries))
}

/// With several keys of which one is a string column (data scanned from files), one u64 per
/// row numbering the combination of their values (each key grouped on its own, the group
/// numbers combined), so the grouping hashes one integer instead of row-encoding the keys,
/// which copies every string: ~40% of a CLI trend's peak heap, and ~25% of its time. Keys
/// of fixed width (categoricals in memory, numbers) row-encode cheaply and keep Polars'
/// grouping (per-key groups cost more there: Q1 47 -> 83 ms). `None` then, for one key, or
/// when the combinations would overflow a u64.
fn combined_key(df: &DataFrame, keys: &[&str]) -> Result<Option<Column>> {
    if keys.len() < 2 {
        return Ok(None);
    }
    let mut any_string = false;
    for &k in keys {
        any_string |= df.column(k)?.dtype() == &DataType::String;
    }
    if !any_string {
        return Ok(None);
    }
    let mut combined = vec![0u64; df.height()];
    let mut span = 1u64;
    for &k in keys {
        let gb = df.group_by_with_series(vec![df.column(k)?.clone()], true, false)?;
        let groups = gb.get_groups();
        let n = groups.len() as u64;
        let Some(next) = span.checked_mul(n.max(1)) else {
            return Ok(None);
        };
        let mut set = |rows: &mut dyn Iterator<Item = usize>, g: u64| {
            for r in rows {
                combined[r] = combined[r] * n + g;
            }
        };
        match &**groups {
            GroupsType::Idx(g) => {
                for (i, idx) in g.all().iter().enumerate() {
                    set(&mut idx.iter().map(|&r| r as usize), i as u64);
                }
            }
            GroupsType::Slice { groups, .. } => {
                for (i, [start, len]) in groups.iter().enumerate() {
                    set(&mut (*start as usize..(*start + *len) as usize), i as u64);
                }
            }
        }
        span = next;
    }
    Ok(Some(Column::new("key".into(), combined)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    /// Against a full sort and the definitions, on awkward sizes and ties.
    #[test]
    fn summaries_match_sorting() {
        let qs = [0.0, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0];
        let wanted = Wanted {
            quantiles: &qs,
            ci: Some(0.75),
            bands: Some((3.0, 7.0)),
        };
        let mut seed = 17u64;
        for n in [1usize, 2, 3, 4, 5, 10, 99, 100, 101, 1000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 33) % 10) as f64 + if n % 2 == 0 { 0.5 } else { 0.0 }
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarize(&mut values.clone(), &wanted).expect("non-empty");
            assert_eq!(s.n, n as u64);
            for (q, got) in qs.iter().zip(&s.quantiles) {
                assert_eq!(Some(*got), quantile_sorted(&sorted, *q), "n={n} q={q}");
            }
            let (r, k) = ci_ranks(n, 0.75);
            let at = |k: i64| (k >= 1 && k <= n as i64).then(|| sorted[(k - 1) as usize]);
            assert_eq!((s.ci_low, s.ci_high), (at(r), at(k)), "n={n}");
            let mean = sorted.iter().sum::<f64>() / n as f64;
            assert!((s.mean - mean).abs() <= 1e-12 * mean.abs().max(1.0));
            let good = sorted.iter().filter(|v| **v <= 3.0).count() as f64 / n as f64;
            let poor = sorted.iter().filter(|v| **v > 7.0).count() as f64 / n as f64;
            assert_eq!((s.good, s.poor), (Some(good), Some(poor)));
        }
        assert_eq!(summarize(&mut [], &wanted), None);
    }

    /// Several keys (a string with nulls, an integer): the groups and their values are those
    /// of a plain map from key tuple to values.
    #[test]
    fn grouped_by_several_keys_matches_a_map() -> Result<()> {
        let n = 500usize;
        let device: Vec<Option<&str>> = (0..n).map(|i| [Some("a"), None, Some("b")][i % 3]).collect();
        let bucket: Vec<i64> = (0..n).map(|i| ((i * 7) % 5) as i64 * 3_600_000).collect();
        let value: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        let df = DataFrame::new(
            n,
            vec![
                Column::new("device".into(), &device),
                Column::new("bucket".into(), &bucket),
                Column::new("v".into(), &value),
            ],
        )?;
        let wanted = Wanted {
            quantiles: &[0.5],
            ci: None,
            bands: None,
        };
        let (keys, stats) = grouped(&df, &["bucket", "device"], "v", &wanted)?;
        let mut want: std::collections::BTreeMap<(i64, Option<&str>), Vec<f64>> = Default::default();
        for i in 0..n {
            want.entry((bucket[i], device[i])).or_default().push(value[i]);
        }
        assert_eq!(keys.height(), want.len());
        let got_b = keys.column("bucket")?.i64()?.clone();
        let got_d = keys.column("device")?.str()?.clone();
        for (i, s) in stats.iter().enumerate() {
            let key = (got_b.get(i).unwrap_or(-1), got_d.get(i));
            let mut values = want.remove(&key).unwrap_or_default();
            values.sort_by(f64::total_cmp);
            assert_eq!(s.n, values.len() as u64, "{key:?}");
            assert_eq!(Some(s.quantiles[0]), quantile_sorted(&values, 0.5), "{key:?}");
        }
        assert!(want.is_empty(), "groups missing: {want:?}");
        Ok(())
    }
}
