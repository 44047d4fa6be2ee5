//! `--stages`: where the time of the slowest queries goes. The engine's `errors` (Q3b, no split)
//! and ordered `funnel` (Q5) are replayed step by step over the same in-memory dataset: each
//! step is the engine's own Polars plan or loop (copied from `crates/engine/src/analysis/errors.rs`
//! and `funnel.rs`), timed on its own. The replay is a measuring device only: the numbers it
//! computes are checked against the engine's own result (sessions per step, error totals) so a
//! drift between this copy and the engine shows up as an error.

use anyhow::{ensure, Result};
use polars::prelude::*;
use rumlens_engine::analysis::errors::{errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel, FunnelMode, FunnelOptions};
use rumlens_engine::enrich::page::{normalise_path, url_path};
use rumlens_engine::{Dataset, Filter};
use serde_json::{json, Value};
use std::time::Instant;

/// Runs `f` `runs` times and returns the median time (ms) and the last result.
fn stage<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(f64, T)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(f()?);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], last.expect("one run")))
}

fn ts_ms() -> Expr {
    col("ts").dt().timestamp(TimeUnit::Milliseconds)
}

fn strs(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = df.column(name)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// The steps of `errors(limit 50)` (no split), each timed.
pub fn errors_stages(ds: &Dataset, runs: usize) -> Result<Value> {
    let mut out = Vec::new();
    let mut push = |name: &str, ms: f64| {
        eprintln!("rumlens-bench: stages errors: {name}: {ms:.1} ms");
        out.push(json!({"stage": name, "ms": ms}));
    };
    let lf = ds.lazy();
    let (ms, totals) = stage(runs, || {
        Ok(lf
            .clone()
            .select([
                col("session_id").drop_nulls().n_unique().alias("sessions"),
                ts_ms().min().alias("lo"),
                ts_ms().max().alias("hi"),
            ])
            .collect()?)
    })?;
    push("totals: distinct sessions + time span over all events", ms);
    let total_sessions = totals
        .column("sessions")?
        .cast(&DataType::Int64)?
        .i64()?
        .get(0)
        .unwrap_or(0);
    let lo = totals.column("lo")?.cast(&DataType::Int64)?.i64()?.get(0).unwrap_or(0);
    let hi = totals.column("hi")?.cast(&DataType::Int64)?.i64()?.get(0).unwrap_or(0);
    let width = rumlens_engine::analysis::Bucket::Auto.resolve(hi - lo);

    let (ms, errs) = stage(runs, || {
        Ok(lf
            .clone()
            .filter(col("event_type").eq(lit("error")))
            .select([
                col("fingerprint"),
                col("error_type"),
                col("error_message"),
                col("session_id"),
                col("ts"),
                col("page_group"),
                col("browser"),
            ])
            .with_column(col("fingerprint").fill_null(lit("(no fingerprint)")))
            .collect()?)
    })?;
    push("error rows: filter event_type = error + collect 7 columns", ms);
    let errs = errs.lazy();
    let (ms, groups) = stage(runs, || {
        Ok(errs
            .clone()
            .group_by([col("fingerprint")])
            .agg([
                len().alias("count"),
                col("session_id").drop_nulls().n_unique().alias("sessions"),
                ts_ms().min().alias("first"),
                ts_ms().max().alias("last"),
                col("error_type").drop_nulls().first().alias("error_type"),
                col("error_message").drop_nulls().first().alias("example"),
            ])
            .sort_by_exprs(
                [col("count"), col("fingerprint")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .collect()?)
    })?;
    push("hotspot groups: count, sessions, first/last, example", ms);
    for column in ["page_group", "browser"] {
        let (ms, _) = stage(runs, || {
            Ok(errs
                .clone()
                .group_by([col("fingerprint"), col(column)])
                .agg([len().alias("n")])
                .sort_by_exprs(
                    [col("n"), col(column)],
                    SortMultipleOptions::default()
                        .with_order_descending_multi([true, false])
                        .with_nulls_last(true),
                )
                .collect()?)
        })?;
        push(&format!("top {column}s per hotspot"), ms);
    }
    let (ms, _) = stage(runs, || {
        Ok(errs
            .clone()
            .group_by([
                col("fingerprint"),
                (ts_ms().floor_div(lit(width)) * lit(width)).alias("bucket"),
            ])
            .agg([len().alias("n")])
            .collect()?)
    })?;
    push("per-bucket trend counts", ms);

    // API failures (`api_failures`): runs inside every `errors` call.
    let is_api = col("event_type").eq(lit("resource")).and(
        col("resource_type")
            .is_in(lit(Series::new("t".into(), ["fetch", "xhr"])).implode(false), false)
            .or(col("method").is_not_null()),
    );
    let calls = lf.clone().filter(is_api).select([
        col("method"),
        col("resource_url"),
        col("status_code"),
        col("session_id"),
        ts_ms().alias("t"),
    ]);
    let (ms, distinct) = stage(runs, || {
        Ok(calls
            .clone()
            .select([col("method"), col("resource_url")])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()?)
    })?;
    push(
        &format!(
            "API: distinct (method, resource_url) of API calls ({} pairs)",
            distinct.height()
        ),
        ms,
    );
    let (ms, endpoints) = stage(runs, || {
        let methods = strs(&distinct, "method")?;
        let urls = strs(&distinct, "resource_url")?;
        Ok(methods
            .iter()
            .zip(&urls)
            .map(|(m, u)| {
                format!(
                    "{} {}",
                    m.as_deref().unwrap_or("GET"),
                    normalise_path(url_path(u.as_deref().unwrap_or("")))
                )
            })
            .collect::<Vec<String>>())
    })?;
    push("API: endpoint of each pair (url_path + normalise_path regexes)", ms);
    let mut map = distinct.clone();
    map.with_column(Column::new("endpoint".into(), endpoints))?;
    let failed = col("status_code").gt_eq(lit(400)).or(col("status_code").eq(lit(0)));
    let (ms, joined) = stage(runs, || {
        let mut args = JoinArgs::new(JoinType::Left);
        args.nulls_equal = true;
        Ok(calls
            .clone()
            .join(
                map.clone().lazy(),
                [col("method"), col("resource_url")],
                [col("method"), col("resource_url")],
                args,
            )
            .with_column(failed.clone().fill_null(lit(false)).alias("failed"))
            .collect()?)
    })?;
    push(
        &format!("API: join endpoints back onto {} API calls + collect", joined.height()),
        ms,
    );
    let joined = joined.lazy();
    let (ms, _) = stage(runs, || {
        Ok(joined
            .clone()
            .group_by([col("endpoint")])
            .agg([
                len().alias("calls"),
                col("failed").cast(DataType::Int64).sum().alias("failures"),
                col("session_id")
                    .filter(col("failed"))
                    .drop_nulls()
                    .n_unique()
                    .alias("sessions"),
                col("t").filter(col("failed")).min().alias("first"),
                col("t").filter(col("failed")).max().alias("last"),
            ])
            .filter(col("failures").gt(lit(0)))
            .sort_by_exprs(
                [col("failures"), col("endpoint")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .limit(50)
            .collect()?)
    })?;
    push("API: per-endpoint aggregation", ms);
    let (ms, _) = stage(runs, || {
        Ok(joined
            .clone()
            .filter(col("failed"))
            .group_by([col("endpoint"), col("status_code")])
            .agg([len().alias("n")])
            .sort_by_exprs(
                [col("n"), col("status_code")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .collect()?)
    })?;
    push("API: failing statuses per endpoint", ms);

    let opts = ErrorsOptions {
        limit: 50,
        ..Default::default()
    };
    let (ms, e) = stage(runs, || Ok(errors(ds, &Filter::default(), &opts)?))?;
    push("whole errors() call", ms);
    let count: i64 = groups
        .column("count")?
        .cast(&DataType::Int64)?
        .i64()?
        .sum()
        .unwrap_or(0);
    ensure!(
        e.total_errors as i64 == count && e.total_sessions as i64 == total_sessions,
        "stage replay of errors() drifted from the engine: {count} errors / {total_sessions} sessions vs {} / {}",
        e.total_errors,
        e.total_sessions
    );
    Ok(Value::Array(out))
}

/// The steps of the ordered funnel (Q5), each timed.
pub fn funnel_stages(ds: &Dataset, steps: &[&str], runs: usize) -> Result<Value> {
    let mut out = Vec::new();
    let mut push = |name: &str, ms: f64| {
        eprintln!("rumlens-bench: stages funnel: {name}: {ms:.1} ms");
        out.push(json!({"stage": name, "ms": ms}));
    };
    let (ms, df) = stage(runs, || {
        Ok(ds
            .lazy()
            .filter(col("session_id").is_not_null())
            .select([
                col("event_type"),
                col("page_group"),
                col("session_id"),
                col("ts"),
                col("url"),
            ])
            .with_column(col("ts").dt().timestamp(TimeUnit::Milliseconds).alias("ts"))
            .sort(
                ["session_id", "ts"],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?)
    })?;
    push(
        &format!(
            "select 5 columns of {} events with a session, sort by (session_id, ts), collect",
            df.height()
        ),
        ms,
    );
    type Cols = (
        Vec<Option<String>>,
        Vec<Option<i64>>,
        Vec<Option<String>>,
        Vec<Option<String>>,
        Vec<Option<String>>,
    );
    let (ms, cols): (f64, Cols) = stage(runs, || {
        let ts = df.column("ts")?.cast(&DataType::Int64)?;
        Ok((
            strs(&df, "session_id")?,
            ts.i64()?.iter().collect(),
            strs(&df, "event_type")?,
            strs(&df, "page_group")?,
            strs(&df, "url")?,
        ))
    })?;
    push(
        "copy session_id, ts, event_type, page_group, url into Vec<Option<String>> / Vec<Option<i64>>",
        ms,
    );
    let (sessions, ts, etype, pages, _urls) = &cols;
    let n_steps = steps.len();
    let (ms, counts) = stage(runs, || {
        let mut counts = vec![0u64; n_steps];
        let mut i = 0;
        while i < sessions.len() {
            let sid = &sessions[i];
            let mut j = i;
            let mut seq: Vec<(i64, Vec<bool>)> = Vec::new();
            while j < sessions.len() && &sessions[j] == sid {
                let is_view = etype[j].as_deref() == Some("view");
                let m: Vec<bool> = steps
                    .iter()
                    .map(|p| is_view && pages[j].as_deref() == Some(*p))
                    .collect();
                if is_view || m.iter().any(|x| *x) {
                    if let Some(t) = ts[j] {
                        seq.push((t, m));
                    }
                }
                j += 1;
            }
            i = j;
            let mut times = Vec::new();
            for (t, m) in &seq {
                if times.len() < n_steps && m[times.len()] {
                    times.push(*t);
                }
            }
            for c in counts.iter_mut().take(times.len()) {
                *c += 1;
            }
        }
        Ok(counts)
    })?;
    push("per-session walk (sequence of views, ordered matching)", ms);
    let opts = FunnelOptions {
        steps: steps.iter().map(|s| s.to_string()).collect(),
        mode: FunnelMode::Ordered,
        by: None,
    };
    let (ms, f) = stage(runs, || Ok(funnel(ds, &Filter::default(), &opts)?))?;
    push("whole funnel() call", ms);
    let engine: Vec<u64> = f.steps.iter().map(|s| s.sessions).collect();
    ensure!(
        engine == counts,
        "stage replay of funnel() drifted from the engine: {counts:?} vs {engine:?}"
    );
    Ok(Value::Array(out))
}

/// The `rumlens breakdown FILE` path without process start and printing: `Dataset::open` (lazy)
/// and Q1's `breakdown` on the dataset as opened (nothing materialised), each timed.
pub fn cli_stages(input: &str, runs: usize) -> Result<Value> {
    use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
    use rumlens_engine::OpenOptions;
    let inputs = [input.to_string()];
    let mut out = Vec::new();
    let mut push = |name: &str, ms: f64| {
        eprintln!("rumlens-bench: stages cli: {name}: {ms:.1} ms");
        out.push(json!({"stage": name, "ms": ms}));
    };
    let (ms, ds) = stage(runs, || Ok(Dataset::open(&inputs, &OpenOptions::default())?))?;
    push(
        "Dataset::open (lazy; row-check count and the distinct values enrichment needs are collected here)",
        ms,
    );
    let opts = BreakdownOptions::new("lcp", &["device_type", "browser"]);
    let (ms, _) = stage(runs, || Ok(breakdown(&ds, &Filter::default(), &opts)?))?;
    push(
        "breakdown(lcp, [device_type, browser]) on the opened, not materialised dataset",
        ms,
    );
    Ok(Value::Array(out))
}
