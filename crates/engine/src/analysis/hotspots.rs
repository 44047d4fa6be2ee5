//! Error hotspots in two passes over the collected error rows, on integer codes: the first
//! groups every row by (fingerprint, split value) and keeps what ranks the groups; the second
//! visits only the rows of the groups returned, for their top pages, browsers and trend.
//! (A group-by per statistic cost ~30 ms at 10M events, more than the whole question.)

use super::codes::{coded, epoch_ms, Coded, NONE};
use super::errors::{Count, ErrorHotspot};
use crate::error::Result;
use polars::prelude::*;
use std::cmp::Ordering;

/// What labels a null fingerprint (a row the enrichment could not fingerprint).
pub(crate) const NO_FINGERPRINT: &str = "(no fingerprint)";

/// How to rank and what to return.
pub(crate) struct Spec<'a> {
    /// The split dimension, a column of the frame.
    pub by: Option<&'a str>,
    pub limit: usize,
    pub top: usize,
    /// Trend buckets: width, start of the first, how many.
    pub width: i64,
    pub first_bucket: i64,
    pub n_buckets: usize,
    /// Sessions in the filtered data, for the share.
    pub total_sessions: u64,
}

#[derive(Default)]
struct Group {
    fp: u32,
    key: u32,
    count: u64,
    sessions: u64,
    first: Option<i64>,
    last: Option<i64>,
    error_type: u32,
    example: u32,
}

/// The lexical rank of each code the column holds (`u32::MAX` for the others), so that the
/// first value of a group is found by comparing integers.
fn ranks(c: &Coded) -> Vec<u32> {
    let size = c
        .ids
        .iter()
        .filter(|&&v| v != NONE)
        .max()
        .map_or(0, |&m| m as usize + 1);
    let mut rank = vec![u32::MAX; size];
    for &id in c.ids.iter().filter(|&&v| v != NONE) {
        rank[id as usize] = 0;
    }
    let mut present: Vec<u32> = (0..size as u32).filter(|&id| rank[id as usize] == 0).collect();
    present.sort_by(|&a, &b| c.text(a).cmp(&c.text(b)));
    for (r, &id) in present.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    rank
}

/// The code of lexically smaller value of `a` and `b` (`NONE` loses to any value).
fn lexical_min(rank: &[u32], a: u32, b: u32) -> u32 {
    match (a, b) {
        (NONE, b) => b,
        (a, NONE) => a,
        (a, b) if rank[b as usize] < rank[a as usize] => b,
        (a, _) => a,
    }
}

/// Text order with nulls last.
fn cmp_text(c: &Coded, a: u32, b: u32) -> Ordering {
    match (c.text(a), c.text(b)) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// The `top` most frequent values (ties by value, nulls last).
fn top_counts(c: &Coded, counts: PlHashMap<u32, u64>, top: usize) -> Vec<Count> {
    let mut v: Vec<(u32, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| cmp_text(c, a.0, b.0)));
    v.into_iter()
        .take(top)
        .map(|(id, n)| Count {
            value: c.text(id).map(str::to_string),
            count: n,
        })
        .collect()
}

/// The hotspots of `errs` (columns fingerprint, error_type, error_message, session_id, ts,
/// page_group, browser and the split) and the number of error rows.
pub(crate) fn hotspots(errs: &DataFrame, spec: &Spec) -> Result<(u64, Vec<ErrorHotspot>)> {
    let column = |name: &str| -> Result<&Series> { Ok(errs.column(name)?.as_materialized_series()) };
    let fp = coded(column("fingerprint")?)?;
    // Rows without a fingerprint are one group, labelled (merged with a real value so named).
    let no_fp = fp.code_of(NO_FINGERPRINT).unwrap_or_else(|| fp.extra_code());
    let fp_text = |id: u32| if id == no_fp { Some(NO_FINGERPRINT) } else { fp.text(id) };
    let key = spec.by.map(|b| column(b).and_then(coded)).transpose()?;
    let error_type = coded(column("error_type")?)?;
    let message = coded(column("error_message")?)?;
    let session = coded(column("session_id")?)?;
    let ts = epoch_ms(column("ts")?)?;
    let ts: Vec<Option<i64>> = ts.i64()?.iter().collect();

    let n = errs.height();
    let fp_of = |r: usize| match fp.ids[r] {
        NONE => no_fp,
        id => id,
    };
    let key_of = |r: usize| key.as_ref().map_or(NONE, |k| k.ids[r]);
    let (type_rank, message_rank) = (ranks(&error_type), ranks(&message));
    let mut index: PlHashMap<(u32, u32), usize> = PlHashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut sessions: PlHashSet<(usize, u32)> = PlHashSet::new();
    let mut row_group = Vec::with_capacity(n);
    for r in 0..n {
        let k = (fp_of(r), key_of(r));
        let g = *index.entry(k).or_insert_with(|| {
            groups.push(Group {
                fp: k.0,
                key: k.1,
                error_type: NONE,
                example: NONE,
                ..Group::default()
            });
            groups.len() - 1
        });
        row_group.push(g);
        let g = &mut groups[g];
        g.count += 1;
        if session.ids[r] != NONE && sessions.insert((row_group[r], session.ids[r])) {
            g.sessions += 1;
        }
        if let Some(t) = ts[r] {
            g.first = Some(g.first.map_or(t, |f| f.min(t)));
            g.last = Some(g.last.map_or(t, |l| l.max(t)));
        }
        g.error_type = lexical_min(&type_rank, g.error_type, error_type.ids[r]);
        g.example = lexical_min(&message_rank, g.example, message.ids[r]);
    }
    let total_errors = n as u64;

    // Most frequent first; ties by fingerprint, then split value (nulls last): an order that
    // does not depend on the rows'.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (&groups[a], &groups[b]);
        gb.count
            .cmp(&ga.count)
            .then_with(|| fp_text(ga.fp).cmp(&fp_text(gb.fp)))
            .then_with(|| key.as_ref().map_or(Ordering::Equal, |k| cmp_text(k, ga.key, gb.key)))
    });
    order.truncate(spec.limit);

    // Second pass: pages, browsers and trend of the returned groups only.
    let mut slot = vec![usize::MAX; groups.len()];
    for (i, &g) in order.iter().enumerate() {
        slot[g] = i;
    }
    let page = coded(column("page_group")?)?;
    let browser = coded(column("browser")?)?;
    let mut pages: Vec<PlHashMap<u32, u64>> = vec![PlHashMap::new(); order.len()];
    let mut browsers: Vec<PlHashMap<u32, u64>> = vec![PlHashMap::new(); order.len()];
    let mut trends: Vec<Vec<u64>> = vec![vec![0; spec.n_buckets]; order.len()];
    for r in 0..n {
        let i = slot[row_group[r]];
        if i == usize::MAX {
            continue;
        }
        *pages[i].entry(page.ids[r]).or_default() += 1;
        *browsers[i].entry(browser.ids[r]).or_default() += 1;
        // A row without a time counts in the first bucket.
        let b = ts[r].map_or(spec.first_bucket, |t| t.div_euclid(spec.width) * spec.width);
        let at = ((b - spec.first_bucket) / spec.width) as usize;
        if let Some(v) = trends[i].get_mut(at) {
            *v += 1;
        }
    }

    let mut out = Vec::with_capacity(order.len());
    for (((g, pages), browsers), trend) in order.iter().zip(pages).zip(browsers).zip(trends) {
        let g = &groups[*g];
        let sessions = g.sessions;
        out.push(ErrorHotspot {
            fingerprint: fp_text(g.fp).unwrap_or_default().to_string(),
            key: key.as_ref().and_then(|k| k.text(g.key)).map(str::to_string),
            error_type: error_type.text(g.error_type).map(str::to_string),
            example_message: message.text(g.example).map(str::to_string),
            count: g.count,
            sessions,
            session_share: if spec.total_sessions > 0 {
                sessions as f64 / spec.total_sessions as f64
            } else {
                0.0
            },
            first_seen_ms: g.first.unwrap_or(0),
            last_seen_ms: g.last.unwrap_or(0),
            top_pages: top_counts(&page, pages, spec.top),
            top_browsers: top_counts(&browser, browsers, spec.top),
            trend,
        });
    }
    Ok((total_errors, out))
}

#[cfg(test)]
mod tests {
    //! The single pass against the group-bys it replaced (one Polars query per statistic),
    //! kept here as the independent computation.
    use super::super::errors::{errors, ErrorsOptions};
    use super::super::{i64_col, ranked_counts, str_col, ts_ms, Bucket};
    use crate::error::Result;
    use crate::gen::{generate, GenOptions};
    use crate::{Dataset, Filter};
    use polars::prelude::*;
    use std::collections::HashMap;

    type GroupKey = (String, Option<String>);
    type Tops = HashMap<GroupKey, Vec<(Option<String>, u64)>>;

    fn top_values(errs: &LazyFrame, keys: &[&str], column: &str, top: usize) -> Result<Tops> {
        const VALUE: &str = "__value";
        let mut group: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
        group.push(col(column).alias(VALUE));
        let df = ranked_counts(errs.clone(), group, "n", VALUE).collect()?;
        let fps = str_col(&df, "fingerprint")?;
        let split = if keys.len() > 1 {
            str_col(&df, keys[1])?
        } else {
            vec![None; df.height()]
        };
        let vals = str_col(&df, VALUE)?;
        let ns = i64_col(&df, "n")?;
        let mut out: Tops = HashMap::new();
        for i in 0..df.height() {
            let e = out
                .entry((fps[i].clone().unwrap_or_default(), split[i].clone()))
                .or_default();
            if e.len() < top {
                e.push((vals[i].clone(), ns[i].unwrap_or(0) as u64));
            }
        }
        Ok(out)
    }

    /// Every field of every hotspot, as text, by group-bys over the filtered events.
    fn reference(ds: &Dataset, filter: &Filter, opts: &ErrorsOptions) -> Result<Vec<String>> {
        let lf = ds.filtered(filter)?;
        let totals = lf
            .select([
                col("session_id")
                    .drop_nulls()
                    .n_unique()
                    .cast(DataType::Int64)
                    .alias("sessions"),
                ts_ms().min().alias("lo"),
                ts_ms().max().alias("hi"),
            ])
            .collect()?;
        let one = |c: &str| -> Result<Option<i64>> { Ok(i64_col(&totals, c)?.first().copied().flatten()) };
        let total_sessions = one("sessions")?.unwrap_or(0) as u64;
        let span = one("lo")?.zip(one("hi")?);
        let width = opts.bucket.resolve(span.map_or(0, |(lo, hi)| hi - lo));
        let first_bucket = span.map_or(0, |(lo, _)| lo.div_euclid(width) * width);
        let n_buckets = span.map_or(0, |(_, hi)| {
            ((hi.div_euclid(width) * width - first_bucket) / width + 1) as usize
        });
        let errs = ds
            .filtered(filter)?
            .filter(col("event_type").eq(lit("error")))
            .with_column(col("fingerprint").fill_null(lit(super::NO_FINGERPRINT)))
            .collect()?
            .lazy();
        let mut keys = vec!["fingerprint"];
        if let Some(b) = opts.by.as_deref() {
            keys.push(b);
        }
        let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
        let groups = errs
            .clone()
            .group_by(key_exprs.clone())
            .agg([
                len().alias("count"),
                col("session_id").drop_nulls().n_unique().alias("sessions"),
                ts_ms().min().alias("first"),
                ts_ms().max().alias("last"),
                col("error_type").min().alias("error_type"),
                col("error_message").min().alias("example"),
            ])
            .sort_by_exprs(
                [
                    col("count"),
                    col("fingerprint"),
                    col(*keys.last().unwrap_or(&"fingerprint")),
                ],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false, false])
                    .with_nulls_last(true),
            )
            .collect()?
            .head(Some(opts.limit));
        let pages = top_values(&errs, &keys, "page_group", opts.top)?;
        let browsers = top_values(&errs, &keys, "browser", opts.top)?;
        let mut bucket_keys = key_exprs.clone();
        bucket_keys.push((ts_ms().floor_div(lit(width)) * lit(width)).alias("bucket"));
        let per_bucket = errs.clone().group_by(bucket_keys).agg([len().alias("n")]).collect()?;
        let mut trends: HashMap<GroupKey, Vec<u64>> = HashMap::new();
        let (fps, b, n) = (
            str_col(&per_bucket, "fingerprint")?,
            i64_col(&per_bucket, "bucket")?,
            i64_col(&per_bucket, "n")?,
        );
        let split = match opts.by.as_deref() {
            Some(k) => str_col(&per_bucket, k)?,
            None => vec![None; per_bucket.height()],
        };
        for i in 0..per_bucket.height() {
            let v = trends
                .entry((fps[i].clone().unwrap_or_default(), split[i].clone()))
                .or_insert_with(|| vec![0; n_buckets]);
            if let Some(slot) = v.get_mut(((b[i].unwrap_or(first_bucket) - first_bucket) / width) as usize) {
                *slot += n[i].unwrap_or(0) as u64;
            }
        }
        let fps = str_col(&groups, "fingerprint")?;
        let split = match opts.by.as_deref() {
            Some(k) => str_col(&groups, k)?,
            None => vec![None; groups.height()],
        };
        let (count, sessions, first, last) = (
            i64_col(&groups, "count")?,
            i64_col(&groups, "sessions")?,
            i64_col(&groups, "first")?,
            i64_col(&groups, "last")?,
        );
        let (types, examples) = (str_col(&groups, "error_type")?, str_col(&groups, "example")?);
        Ok((0..groups.height())
            .map(|i| {
                let k = (fps[i].clone().unwrap_or_default(), split[i].clone());
                let s = sessions[i].unwrap_or(0) as u64;
                let share = if total_sessions > 0 {
                    s as f64 / total_sessions as f64
                } else {
                    0.0
                };
                format!(
                    "{:?} {:?} {:?} {:?} {} {} {} {:?} {:?} {:?} {:?} {:?}",
                    k.0,
                    k.1,
                    types[i],
                    examples[i],
                    count[i].unwrap_or(0),
                    s,
                    share,
                    first[i],
                    last[i],
                    pages.get(&k).cloned().unwrap_or_default(),
                    browsers.get(&k).cloned().unwrap_or_default(),
                    trends.remove(&k).unwrap_or_else(|| vec![0; n_buckets]),
                )
            })
            .collect())
    }

    #[test]
    fn hotspots_equal_the_group_bys() -> Result<()> {
        let raw = generate(&GenOptions { sessions: 400, seed: 5 })?;
        let lazy = Dataset::from_frame(raw)?;
        let stored = lazy.clone().materialize()?;
        let mut filtered = Filter::default();
        filtered.add_spec("device_type=mobile,desktop")?;
        let mut none = Filter::default();
        none.add_spec("country=ZZ")?;
        let mut checked = 0;
        for ds in [&lazy, &stored] {
            for filter in [&Filter::default(), &filtered, &none] {
                for (by, limit, top) in [
                    (None, 50, 3),
                    (Some("page_group"), 10, 2),
                    (Some("browser"), 200, 5),
                    (Some("release"), 5, 1),
                ] {
                    let opts = ErrorsOptions {
                        limit,
                        top,
                        by: by.map(str::to_string),
                        bucket: Bucket::Auto,
                        api: Some(false),
                        ..Default::default()
                    };
                    let want = reference(ds, filter, &opts)?;
                    let got = errors(ds, filter, &opts)?;
                    let got: Vec<String> = got
                        .hotspots
                        .iter()
                        .map(|h| {
                            let counts =
                                |c: &[super::Count]| c.iter().map(|c| (c.value.clone(), c.count)).collect::<Vec<_>>();
                            format!(
                                "{:?} {:?} {:?} {:?} {} {} {} {:?} {:?} {:?} {:?} {:?}",
                                h.fingerprint,
                                h.key,
                                h.error_type,
                                h.example_message,
                                h.count,
                                h.sessions,
                                h.session_share,
                                Some(h.first_seen_ms),
                                Some(h.last_seen_ms),
                                counts(&h.top_pages),
                                counts(&h.top_browsers),
                                h.trend,
                            )
                        })
                        .collect();
                    assert_eq!(got, want, "by {by:?} under {}", filter.describe());
                    checked += got.len();
                }
            }
        }
        assert!(checked > 100, "too few hotspots compared: {checked}");
        Ok(())
    }
}
