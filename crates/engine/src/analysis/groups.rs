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

use super::codes;
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
    let values = df.column(metric)?.as_materialized_series().f64()?.clone();
    let key_ids: Vec<Key> = keys.iter().map(|k| Key::of(df, k)).collect::<Result<_>>()?;
    let groups = summarize_by(&values, metric, &key_ids, wanted)?;
    let firsts = IdxCa::from_vec("first".into(), groups.iter().map(|g| g.first).collect());
    let key_frame = df.select(keys.iter().copied())?.take(&firsts)?;
    Ok((key_frame, groups.into_iter().map(|g| g.summary).collect()))
}

fn no_nulls(values: &Float64Chunked, metric: &str) -> Result<()> {
    match values.null_count() {
        0 => Ok(()),
        _ => Err(EngineError::invalid(format!("{metric}: nulls left before grouping"))),
    }
}

/// One grouping key as numbers: `ids[row] < n`, one number per distinct value (null
/// included).
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub ids: Vec<u32>,
    pub n: u32,
}

impl Key {
    /// The key of column `name`: the codes of a string or categorical column, numbered
    /// densely in order of first appearance; Polars' grouping for any other column.
    pub fn of(df: &DataFrame, name: &str) -> Result<Key> {
        let column = df.column(name)?;
        let s = column.as_materialized_series();
        if matches!(s.dtype(), DataType::String | DataType::Categorical(..)) {
            let coded = codes::coded(s)?;
            let bound = coded.extra_code();
            return Key::dense(coded.ids, bound, name);
        }
        let gb = df.group_by_with_series(vec![column.clone()], true, false)?;
        let mut ids = vec![0u32; df.height()];
        let groups = gb.get_groups();
        let n = u32::try_from(groups.len()).map_err(|_| EngineError::invalid(format!("{name}: too many groups")))?;
        match &**groups {
            GroupsType::Idx(g) => {
                for (i, idx) in g.all().iter().enumerate() {
                    idx.iter().for_each(|&r| ids[r as usize] = i as u32);
                }
            }
            GroupsType::Slice { groups, .. } => {
                for (i, [start, len]) in groups.iter().enumerate() {
                    ids[*start as usize..(*start + *len) as usize].fill(i as u32);
                }
            }
        }
        Ok(Key { ids, n })
    }

    /// Codes below `bound` (or [`codes::NONE`]) renumbered 0.. in order of first appearance.
    fn dense(mut codes: Vec<u32>, bound: u32, name: &str) -> Result<Key> {
        let mut number = vec![u32::MAX; bound as usize + 1];
        let mut n = 0u32;
        for c in codes.iter_mut() {
            let slot = if *c == codes::NONE { bound } else { *c };
            let Some(id) = number.get_mut(slot as usize) else {
                return Err(EngineError::invalid(format!("{name}: code {slot} out of range")));
            };
            if *id == u32::MAX {
                *id = n;
                n += 1;
            }
            *c = *id;
        }
        Ok(Key { ids: codes, n })
    }

    /// The key of non-negative numbers (time buckets), as they are when they are few,
    /// renumbered densely otherwise.
    pub fn of_numbers(values: Vec<u64>) -> Key {
        let max = values.iter().copied().max().unwrap_or(0);
        if max < DENSE_SLOTS as u64 {
            return Key {
                ids: values.into_iter().map(|v| v as u32).collect(),
                n: max as u32 + 1,
            };
        }
        let mut number: PlHashMap<u64, u32> = PlHashMap::new();
        let ids = values
            .into_iter()
            .map(|v| {
                let next = number.len() as u32;
                *number.entry(v).or_insert(next)
            })
            .collect();
        Key {
            ids,
            n: number.len() as u32,
        }
    }
}

/// Combinations of keys up to this many are counted in an array indexed by the combination;
/// beyond, the combinations seen are numbered through a hash map.
const DENSE_SLOTS: usize = 1 << 20;

/// The statistics of one group of [`summarize_by`].
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// The combination of key ids: `sum(ids[k] * stride[k])`, the last key varying fastest
    /// (with one key, its id).
    pub combo: u64,
    /// A row of the group (its first).
    pub first: IdxSize,
    pub summary: Summary,
}

/// Statistics of `values` (no nulls, no NaN) per combination of `keys` (each with one id per
/// row), non-empty groups only, in order of combination. The values are laid out group after
/// group in one pass (a counting sort) and the groups summarised in parallel.
pub(crate) fn summarize_by(
    values: &Float64Chunked,
    metric: &str,
    keys: &[Key],
    wanted: &Wanted<'_>,
) -> Result<Vec<Group>> {
    no_nulls(values, metric)?;
    let rows = values.len();
    if keys.iter().any(|k| k.ids.len() != rows) {
        return Err(EngineError::invalid(format!(
            "{metric}: keys and values differ in length"
        )));
    }
    let total = keys
        .iter()
        .try_fold(1u64, |acc, k| acc.checked_mul(u64::from(k.n.max(1))));
    // The slot of each row and the combination of each slot.
    let (slots, combos): (std::borrow::Cow<'_, [u32]>, Option<Vec<u64>>) = match (keys, total) {
        ([one], _) => (std::borrow::Cow::Borrowed(&one.ids[..]), None),
        (_, Some(t)) if t <= DENSE_SLOTS as u64 => (std::borrow::Cow::Owned(combine(keys, rows, |c| c as u32)), None),
        _ => {
            let mut number: PlHashMap<u64, u32> = PlHashMap::new();
            let mut combos = Vec::new();
            let slots = combine(keys, rows, |c| {
                *number.entry(c).or_insert_with(|| {
                    combos.push(c);
                    (combos.len() - 1) as u32
                })
            });
            (std::borrow::Cow::Owned(slots), Some(combos))
        }
    };
    let n_slots = match &combos {
        Some(c) => c.len(),
        None => keys.iter().map(|k| k.n.max(1) as usize).product(),
    };
    let mut counts = vec![0u32; n_slots];
    let mut first = vec![0 as IdxSize; n_slots];
    for (row, &g) in slots.iter().enumerate() {
        let c = &mut counts[g as usize];
        if *c == 0 {
            first[g as usize] = row as IdxSize;
        }
        *c += 1;
    }
    let mut next = Vec::with_capacity(n_slots);
    let mut at = 0usize;
    for &c in &counts {
        next.push(at);
        at += c as usize;
    }
    let mut laid = vec![0.0f64; rows];
    let mut row = 0usize;
    for arr in values.downcast_iter() {
        for &v in arr.values().iter() {
            let g = slots[row] as usize;
            laid[next[g]] = v;
            next[g] += 1;
            row += 1;
        }
    }
    // Cut the laid-out values into the groups' slices.
    let mut parts: Vec<(usize, &mut [f64])> = Vec::new();
    let mut rest: &mut [f64] = &mut laid;
    for (g, &c) in counts.iter().enumerate() {
        if c > 0 {
            let (part, tail) = rest.split_at_mut(c as usize);
            parts.push((g, part));
            rest = tail;
        }
    }
    parts
        .into_par_iter()
        .map(|(g, part)| {
            let summary = summarize(part, wanted).ok_or_else(|| EngineError::invalid("empty group"))?;
            Ok(Group {
                combo: combos.as_ref().map_or(g as u64, |c| c[g]),
                first: first[g],
                summary,
            })
        })
        .collect()
}

/// For each row, `slot(combination of its key ids)`.
fn combine(keys: &[Key], rows: usize, mut slot: impl FnMut(u64) -> u32) -> Vec<u32> {
    (0..rows)
        .map(|row| {
            let combo = keys
                .iter()
                .fold(0u64, |c, k| c * u64::from(k.n.max(1)) + u64::from(k.ids[row]));
            slot(combo)
        })
        .collect()
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
        let device: Vec<Option<String>> = (0..n)
            .map(|i| [Some("a"), None, Some("b")][i % 3].map(String::from))
            .collect();
        let bucket: Vec<i64> = (0..n).map(|i| ((i * 7) % 5) as i64 * 3_600_000).collect();
        let value: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        check_against_map(device, bucket, value)
    }

    /// Combinations beyond the dense array (a long string key, many numbers): numbered through
    /// the hash map, same groups.
    #[test]
    fn grouped_by_many_combinations_matches_a_map() -> Result<()> {
        let n = 20_000usize;
        let device: Vec<Option<String>> = (0..n)
            .map(|i| (i % 11 != 0).then(|| format!("a value longer than twelve bytes #{}", (i * 13) % 1500)))
            .collect();
        let bucket: Vec<i64> = (0..n).map(|i| ((i * 7919) % 4000) as i64).collect();
        let value: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        check_against_map(device, bucket, value)
    }

    fn check_against_map(device: Vec<Option<String>>, bucket: Vec<i64>, value: Vec<f64>) -> Result<()> {
        let n = value.len();
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
            want.entry((bucket[i], device[i].as_deref()))
                .or_default()
                .push(value[i]);
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

    /// Bucket numbers far apart are renumbered: one group per distinct number either way.
    #[test]
    fn numbers_near_and_far() {
        let near = Key::of_numbers(vec![3, 0, 3, 7]);
        assert_eq!((near.ids, near.n), (vec![3, 0, 3, 7], 8));
        let far = Key::of_numbers(vec![1 << 40, 5, 1 << 40, 9]);
        assert_eq!((far.ids, far.n), (vec![0, 1, 0, 2], 3));
    }
}
