//! `rumlens-bench`: times the rumlens engine on the benchmark suite of `bench/run.sh` and writes
//! the timings and the numbers each query returned (for the cross-check against DuckDB and
//! Python Polars done by `bench/report.py`) to a JSON file.
//!
//! Every query goes through the engine's public analysis functions over a dataset already
//! collected in memory (`Dataset::open` + `materialize`, timed as L1):
//!
//! - Q1 `breakdown(lcp, [device_type, browser])`
//! - Q2 `trend(lcp, p75, 1h, by device_type)`
//! - Q3 `errors(limit 50, by page_group)`; Q3b `errors(limit 50)` (by fingerprint alone)
//! - Q4 `breakdown` of lcp, inp and cls by [release, region] (three calls)
//! - Q5 `funnel(/, /product/:id, /cart, /checkout, /confirmation; ordered)`
//! - Q6 `hist(lcp, 60 log bins)`
//! - interactive: Q1 under random (seeded) filters on device_type / browser / release / country

use anyhow::{bail, Context, Result};
use clap::Parser;
use polars::prelude::*;
use rumlens_engine::analysis::breakdown::{breakdown, Breakdown, BreakdownOptions};
use rumlens_engine::analysis::errors::{errors, Errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel, FunnelMode, FunnelOptions};
use rumlens_engine::analysis::hist::{hist, HistOptions};
use rumlens_engine::analysis::trend::{trend, Stat, TrendOptions};
use rumlens_engine::analysis::Bucket;
use rumlens_engine::filter::DimFilter;
use rumlens_engine::{Dataset, Filter, OpenOptions};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::time::Instant;

/// The funnel of Q5.
pub const FUNNEL_STEPS: [&str; 5] = ["/", "/product/:id", "/cart", "/checkout", "/confirmation"];
/// Dimensions the interactive filters are drawn from.
pub const FILTER_DIMS: [&str; 4] = ["device_type", "browser", "release", "country"];
/// The queries, in table order.

#[derive(Parser)]
#[command(
    name = "rumlens-bench",
    about = "Time the rumlens engine on the benchmark suite (L1 open + enrich, Q1-Q6, interactive filters)"
)]
struct Args {
    /// Raw canonical input: file, quoted glob or directory (as `rumlens` takes them); repeatable
    #[arg(long, required = true)]
    raw: Vec<String>,
    /// Timed runs per query (the median is reported)
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Untimed warm-up runs per query
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Timed runs of L1 (open + enrich + collect into memory)
    #[arg(long)]
    load_runs: Option<usize>,
    /// Also time open + enrich + collect of this (already enriched) file: L1e, the same input
    /// DuckDB and Polars load
    #[arg(long)]
    load_enriched: Option<String>,
    /// Random filter combinations for the interactive-latency measure
    #[arg(long, default_value_t = 20)]
    filters: usize,
    /// Seed of the filter combinations
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Run only these queries (e.g. `Q3` to profile one); default all
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Output JSON file
    #[arg(long)]
    out: PathBuf,
}

/// Resident set sizes of this process from /proc/self/status, in KiB: (VmHWM peak, VmRSS now).
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Linear-interpolated quantile (as the engine computes them).
fn quantile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    rumlens_engine::stats::quantile_sorted(&s, p).unwrap_or(f64::NAN)
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// `warmup` untimed runs, then `runs` timed ones; returns the times (ms) and the last result.
fn timed<T>(warmup: usize, runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Vec<f64>, T)> {
    for _ in 0..warmup {
        f()?;
    }
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let r = f()?;
        times.push(ms_since(t));
        last = Some(r);
    }
    Ok((times, last.expect("at least one run")))
}

/// SplitMix64: a tiny seeded generator, enough to draw filter combinations reproducibly.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn breakdown_rows(b: &Breakdown, stats: &[&str]) -> Value {
    let rows: Vec<Value> = b
        .rows
        .iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert("keys".into(), json!(r.keys));
            o.insert("n".into(), json!(r.n));
            for s in stats {
                let v = match *s {
                    "p50" => r.p50,
                    "p75" => r.p75,
                    "p90" => r.p90,
                    "p95" => r.p95,
                    "p99" => r.p99,
                    "mean" => r.mean,
                    "ci_lo" => r.p75_ci_low,
                    "ci_hi" => r.p75_ci_high,
                    "good" => r.good,
                    "poor" => r.poor,
                    _ => None,
                };
                o.insert((*s).into(), json!(v));
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(rows)
}

fn hotspots_json(e: &Errors) -> Value {
    let hotspots: Vec<Value> = e
        .hotspots
        .iter()
        .map(|h| json!({"fingerprint": h.fingerprint, "page_group": h.key, "count": h.count, "sessions": h.sessions}))
        .collect();
    json!({"total_errors": e.total_errors, "total_sessions": e.total_sessions, "hotspots": hotspots})
}

fn distinct_values(ds: &Dataset, column: &str) -> Result<Vec<String>> {
    let df = ds
        .lazy()?
        .select([col(column).drop_nulls().unique().sort(SortOptions::default())])
        .collect()?;
    let s = df.column(column)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().flatten().map(str::to_string).collect())
}

/// `Dataset::open` + `materialize`, `runs` times (the previous dataset dropped before each).
fn load(inputs: &[String], runs: usize) -> Result<(Vec<f64>, Dataset)> {
    let mut times = Vec::new();
    let mut ds = None;
    for _ in 0..runs.max(1) {
        drop(ds.take());
        let t = Instant::now();
        let d = Dataset::open(inputs, &OpenOptions::default())
            .and_then(Dataset::materialize)
            .with_context(|| format!("opening {}", inputs.join(" ")))?;
        times.push(ms_since(t));
        ds = Some(d);
    }
    Ok((times, ds.expect("loaded")))
}

fn q1(ds: &Dataset, filter: &Filter) -> Result<Breakdown> {
    Ok(breakdown(
        ds,
        filter,
        &BreakdownOptions::new("lcp", &["device_type", "browser"]),
    )?)
}

fn run(args: &Args) -> Result<Value> {
    let want = |q: &str| args.only.is_empty() || args.only.iter().any(|o| o.eq_ignore_ascii_case(q));
    let none = Filter::default();
    let mut timings = Map::new();
    let mut results = Map::new();
    let mut failures = Map::new();

    let load_runs = args.load_runs.unwrap_or(args.runs).max(1);
    // L1: open + enrich + collect into memory.
    let (load_times, ds) = load(&args.raw, load_runs)?;
    let (_, rss_loaded) = rss_kib();
    // Polars' own estimate of the in-memory parts (buffers they reference), beside RSS.
    let (frame_bytes, parts) = ds.memory().context("the dataset is not materialized")?;
    eprintln!(
        "rumlens-bench: in memory {:.0} MiB; rows per event type {parts:?}",
        frame_bytes as f64 / 1048576.0
    );
    let events = ds.lazy()?.select([len().alias("n")]).collect()?;
    let events = events.column("n")?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
    if events == 0 {
        bail!("no events in {}", args.raw.join(" "));
    }
    eprintln!(
        "rumlens-bench: L1 open + enrich + collect of {events} events: median {:.0} ms ({load_runs} runs)",
        median(&load_times)
    );
    timings.insert("L1".into(), json!(load_times));

    let (w, r) = (args.warmup, args.runs);
    if want("Q1") {
        let (t, b) = timed(w, r, || q1(&ds, &none))?;
        timings.insert("Q1".into(), json!(t));
        results.insert("Q1".into(), breakdown_rows(&b, &["p75"]));
        // Q1*: the same call, every number it returns (checked against a DuckDB / Polars query
        // computing all of them).
        timings.insert("Q1*".into(), timings["Q1"].clone());
        results.insert(
            "Q1*".into(),
            breakdown_rows(
                &b,
                &[
                    "p50", "p75", "p90", "p95", "p99", "mean", "ci_lo", "ci_hi", "good", "poor",
                ],
            ),
        );
    }
    if want("Q2") {
        let mut opts = TrendOptions::new("lcp", Stat::P75);
        opts.bucket = Bucket::Ms(3_600_000);
        opts.by = Some("device_type".into());
        let (t, tr) = timed(w, r, || Ok(trend(&ds, &none, &opts)?))?;
        timings.insert("Q2".into(), json!(t));
        let points: Vec<Value> = tr
            .points
            .iter()
            .filter(|p| p.n > 0)
            .map(|p| json!({"bucket_ms": p.bucket_ms, "key": p.key, "n": p.n, "p75": p.value}))
            .collect();
        results.insert(
            "Q2".into(),
            json!({"bucket_width_ms": tr.bucket_width_ms, "gap_points": tr.points.iter().filter(|p| p.n == 0).count(), "points": points}),
        );
    }
    if want("Q3") {
        // As the issue asks: hotspots by fingerprint x page_group. When the engine refuses, the
        // error is recorded (the report shows it) and Q3b below still measures the hotspots.
        let opts = ErrorsOptions {
            limit: 50,
            by: Some("page_group".into()),
            // The question is the hotspots: the failing-API section is not asked for.
            api: Some(false),
            ..Default::default()
        };
        match timed(w, r, || Ok(errors(&ds, &none, &opts)?)) {
            Ok((t, e)) => {
                timings.insert("Q3".into(), json!(t));
                results.insert("Q3".into(), hotspots_json(&e));
            }
            Err(e) => {
                let msg = format!("{e:#}");
                let first = msg.lines().next().unwrap_or_default().to_string();
                eprintln!("rumlens-bench: Q3 errors(limit 50, by page_group) failed: {first}");
                failures.insert("Q3".into(), json!(first));
            }
        }
    }
    if want("Q3b") {
        // Hotspots by fingerprint alone (no split).
        let opts = ErrorsOptions {
            limit: 50,
            api: Some(false),
            ..Default::default()
        };
        let (t, e) = timed(w, r, || Ok(errors(&ds, &none, &opts)?))?;
        timings.insert("Q3b".into(), json!(t));
        results.insert("Q3b".into(), hotspots_json(&e));
    }
    if want("Q4") {
        let (t, bs) = timed(w, r, || {
            ["lcp", "inp", "cls"]
                .iter()
                .map(|m| {
                    Ok(breakdown(
                        &ds,
                        &none,
                        &BreakdownOptions::new(m, &["release", "region"]),
                    )?)
                })
                .collect::<Result<Vec<_>>>()
        })?;
        timings.insert("Q4".into(), json!(t));
        let mut o = Map::new();
        for (m, b) in ["lcp", "inp", "cls"].iter().zip(&bs) {
            o.insert((*m).into(), breakdown_rows(b, &["p50", "p75", "p95"]));
        }
        results.insert("Q4".into(), Value::Object(o));
    }
    if want("Q5") {
        let opts = FunnelOptions {
            steps: FUNNEL_STEPS.iter().map(|s| s.to_string()).collect(),
            mode: FunnelMode::Ordered,
            by: None,
        };
        let (t, f) = timed(w, r, || Ok(funnel(&ds, &none, &opts)?))?;
        timings.insert("Q5".into(), json!(t));
        let steps: Vec<Value> = f
            .steps
            .iter()
            .map(|s| json!({"step": s.step, "label": s.label, "sessions": s.sessions, "median_time_ms": s.median_time_ms, "p75_time_ms": s.p75_time_ms}))
            .collect();
        results.insert("Q5".into(), Value::Array(steps));
    }
    if want("Q6") {
        let mut opts = HistOptions::new("lcp");
        opts.bins = 60;
        opts.log = true;
        let (t, h) = timed(w, r, || Ok(hist(&ds, &none, &opts)?))?;
        timings.insert("Q6".into(), json!(t));
        let lo = h.bins.first().map(|b| b.lo);
        let hi = h.bins.last().map(|b| b.hi);
        let counts: Vec<u64> = h.bins.iter().map(|b| b.count).collect();
        let edges: Vec<f64> = h.bins.iter().map(|b| b.lo).chain(hi).collect();
        results.insert(
            "Q6".into(),
            json!({"n": h.n, "underflow": h.underflow, "overflow": h.overflow, "lo": lo, "hi": hi, "edges": edges, "counts": counts}),
        );
    }

    // Interactive latency: a Q1 breakdown under a new filter each time (1-3 dimensions, one value
    // each, drawn from the data), timed once, as a user changing a filter would see it.
    let mut interactive = Value::Null;
    if want("interactive") && args.filters > 0 {
        let values: Vec<(&str, Vec<String>)> = FILTER_DIMS
            .iter()
            .map(|d| Ok((*d, distinct_values(&ds, d)?)))
            .collect::<Result<_>>()?;
        let mut rng = SplitMix(args.seed);
        let mut runs = Vec::new();
        let mut times = Vec::new();
        // One unmeasured breakdown first, as the app would have shown the unfiltered view.
        q1(&ds, &none)?;
        for _ in 0..args.filters {
            let k = 1 + rng.below(3);
            let mut dims: Vec<usize> = (0..FILTER_DIMS.len()).collect();
            let mut filter = Filter::default();
            for _ in 0..k {
                let (dim, vals) = &values[dims.remove(rng.below(dims.len()))];
                if vals.is_empty() {
                    continue;
                }
                filter.dims.push(DimFilter {
                    column: dim.to_string(),
                    values: vec![vals[rng.below(vals.len())].clone()],
                    negate: false,
                });
            }
            let t = Instant::now();
            let b = q1(&ds, &filter)?;
            let ms = ms_since(t);
            times.push(ms);
            let filters: Map<String, Value> = filter
                .dims
                .iter()
                .map(|d| (d.column.clone(), json!(d.values[0])))
                .collect();
            runs.push(json!({"filter": filters, "ms": ms, "segments": b.rows.len(), "n": b.rows.iter().map(|r| r.n).sum::<u64>()}));
        }
        let (p50, p95) = (quantile(&times, 0.5), quantile(&times, 0.95));
        eprintln!(
            "rumlens-bench: interactive Q1 under {} random filters: p50 {p50:.1} ms, p95 {p95:.1} ms",
            args.filters
        );
        interactive =
            json!({"p50_ms": p50, "p95_ms": p95, "max_ms": times.iter().copied().fold(0.0, f64::max), "runs": runs});
    }

    let (hwm, rss_now) = rss_kib();
    // L1e last, after the dataset is dropped: its peak is reported on its own.
    drop(ds);
    let mut l1e_peak = Value::Null;
    if let Some(enriched) = &args.load_enriched {
        let (t, d) = load(std::slice::from_ref(enriched), load_runs)?;
        drop(d);
        eprintln!(
            "rumlens-bench: L1e open + collect of {enriched}: median {:.0} ms",
            median(&t)
        );
        timings.insert("L1e".into(), json!(t));
        l1e_peak = json!(rss_kib().0);
    }
    let medians: Map<String, Value> = timings
        .iter()
        .map(|(k, v)| {
            let t: Vec<f64> = v.as_array().into_iter().flatten().filter_map(Value::as_f64).collect();
            (k.clone(), json!(median(&t)))
        })
        .collect();
    Ok(json!({
        "engine": "rumlens",
        "inputs": args.raw,
        "events": events,
        "runs": args.runs,
        "warmup": args.warmup,
        "threads": std::env::var("POLARS_MAX_THREADS").ok(),
        "median_ms": medians,
        "timings_ms": timings,
        "interactive": interactive,
        "rss_after_load_kib": rss_loaded,
        "frame_estimated_bytes": frame_bytes,
        "rss_end_kib": rss_now,
        "peak_rss_kib": hwm,
        "peak_rss_with_l1e_kib": l1e_peak,
        "results": results,
        "failures": failures,
    }))
}

/// mimalloc returns freed memory to the system where glibc's per-thread arenas keep it: after
/// loading 10M events the process holds ~2 GB instead of ~6.5 GB (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    rumlens_engine::configure_process();
    let args = Args::parse();
    let out = run(&args)?;
    std::fs::write(&args.out, serde_json::to_string_pretty(&out)? + "\n")
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "rumlens-bench: peak RSS {:.0} MiB; wrote {}",
        out["peak_rss_kib"].as_f64().unwrap_or(0.0) / 1024.0,
        args.out.display()
    );
    Ok(())
}
