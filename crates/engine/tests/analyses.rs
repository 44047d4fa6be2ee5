//! Every analysis checked against an independent computation written here: plain sorting and
//! counting over the rows, not the engine's own helpers.

use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::errors::{errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel, FunnelMode, FunnelOptions};
use rumlens_engine::analysis::hist::{hist, HistOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::analysis::trend::{trend, Stat, TrendOptions};
use rumlens_engine::analysis::Bucket;
use rumlens_engine::schema::{Builder, Row};
use rumlens_engine::{Dataset, Filter};
use std::collections::{BTreeMap, HashSet};

/// Deterministic pseudo-random numbers (SplitMix64), independent of the engine's generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const T0: i64 = 1_791_158_400_000; // 2026-10-05T00:00:00Z
const DEVICES: &[&str] = &["desktop", "mobile", "tablet"];
const BROWSERS: &[&str] = &["Chrome", "Safari", "Firefox"];
const RELEASES: &[&str] = &["1.0", "1.1"];

#[derive(Clone)]
struct View {
    device: String,
    browser: String,
    release: String,
    ts: i64,
    lcp: Option<f64>,
}

/// Views with explicit device/browser (input wins over UA parsing), plus errors.
fn dataset(n: usize) -> (Dataset, Vec<View>) {
    let mut rng = Rng(7);
    let mut b = Builder::new();
    let mut views = Vec::new();
    for i in 0..n {
        let device = rng.pick(DEVICES);
        let browser = rng.pick(BROWSERS);
        let release = rng.pick(RELEASES);
        let ts = T0 + (rng.unit() * 3.0 * 86_400_000.0) as i64;
        let base = if device == "mobile" { 2600.0 } else { 1500.0 };
        // log-normal-ish: exp of a sum of uniforms
        let z: f64 = (0..6).map(|_| rng.unit()).sum::<f64>() - 3.0;
        let lcp = if i % 37 == 0 {
            None
        } else {
            Some((base * (0.6 * z).exp() * 100.0).round() / 100.0)
        };
        let mut r = Row::new();
        r.str("event_type", "view")
            .i64("ts", ts)
            .str("session_id", format!("s{}", i / 3))
            .str("device_type", device)
            .str("browser", browser)
            .str("release", release)
            .str("url", format!("https://x.test/p/{}", i % 5));
        if let Some(l) = lcp {
            r.f64("lcp_ms", l);
        }
        b.push(r);
        views.push(View {
            device: device.into(),
            browser: browser.into(),
            release: release.into(),
            ts,
            lcp,
        });
    }
    let ds = Dataset::from_frame(b.finish().unwrap()).unwrap();
    (ds, views)
}

/// Type-7 quantile, written out independently.
fn q7(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let h = (values.len() as f64 - 1.0) * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    values[lo] + (h - h.floor()) * (values[hi] - values[lo])
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn breakdown_matches_sorting_per_segment() {
    let (ds, views) = dataset(6000);
    let r = breakdown(
        &ds,
        &Filter::default(),
        &BreakdownOptions::new("lcp", &["device_type", "browser"]),
    )
    .unwrap();
    let mut groups: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for v in &views {
        if let Some(l) = v.lcp {
            groups.entry((v.device.clone(), v.browser.clone())).or_default().push(l);
        }
    }
    assert_eq!(r.rows.len(), groups.len());
    for row in &r.rows {
        let key = (row.keys[0].clone().unwrap(), row.keys[1].clone().unwrap());
        let mut vals = groups[&key].clone();
        let n = vals.len();
        assert_eq!(row.n as usize, n);
        for (got, p) in [
            (row.p50, 0.5),
            (row.p75, 0.75),
            (row.p90, 0.9),
            (row.p95, 0.95),
            (row.p99, 0.99),
        ] {
            let want = q7(&mut vals, p);
            assert!(close(got.unwrap(), want), "{key:?} p{p}: {got:?} vs {want}");
        }
        let mean = vals.iter().sum::<f64>() / n as f64;
        assert!(close(row.mean.unwrap(), mean));
        let good = vals.iter().filter(|v| **v <= 2500.0).count() as f64 / n as f64;
        let poor = vals.iter().filter(|v| **v > 4000.0).count() as f64 / n as f64;
        assert!(close(row.good.unwrap(), good));
        assert!(close(row.poor.unwrap(), poor));
        assert!(close(row.needs_improvement.unwrap(), 1.0 - good - poor));
        // CI: order statistics r and s (1-based) from the binomial normal approximation.
        let sd = (n as f64 * 0.75 * 0.25).sqrt();
        let r_rank = (n as f64 * 0.75 - 1.959963984540054 * sd).floor() as usize;
        let s_rank = (n as f64 * 0.75 + 1.959963984540054 * sd).ceil() as usize + 1;
        assert_eq!(row.p75_ci_low, Some(vals[r_rank - 1]), "{key:?}");
        assert_eq!(row.p75_ci_high, Some(vals[s_rank - 1]), "{key:?}");
        assert!(row.p75_ci_low.unwrap() <= row.p75.unwrap() && row.p75.unwrap() <= row.p75_ci_high.unwrap());
        assert_eq!(row.low_n, n < 50);
    }
    // Sorted by n, largest first.
    assert!(r.rows.windows(2).all(|w| w[0].n >= w[1].n));
}

#[test]
fn breakdown_without_dimensions_and_small_n() {
    let (ds, views) = dataset(9);
    let r = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp_ms", &[])).unwrap();
    let mut vals: Vec<f64> = views.iter().filter_map(|v| v.lcp).collect();
    assert_eq!(r.rows.len(), 1);
    assert!(close(r.rows[0].p75.unwrap(), q7(&mut vals, 0.75)));
    assert!(r.rows[0].low_n);
    // n = 8: r = ⌊6 − 2.4⌋ = 3, s = ⌈6 + 2.4⌉ + 1 = 10 > n → upper bound unknown.
    assert_eq!(r.rows[0].p75_ci_low, Some(vals[2]));
    assert_eq!(r.rows[0].p75_ci_high, None);
}

#[test]
fn filters_combine_with_and() {
    let (ds, views) = dataset(3000);
    let mut f = Filter::default();
    f.add_spec("device_type=mobile,tablet").unwrap();
    f.add_spec("browser!=Firefox").unwrap();
    f.add_spec("lcp>=1000").unwrap();
    f.from_ms = Some(T0 + 86_400_000);
    f.to_ms = Some(T0 + 2 * 86_400_000);
    let r = breakdown(&ds, &f, &BreakdownOptions::new("lcp", &["release"])).unwrap();
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for v in &views {
        let keep = (v.device == "mobile" || v.device == "tablet")
            && v.browser != "Firefox"
            && v.lcp.is_some_and(|l| l >= 1000.0)
            && v.ts >= T0 + 86_400_000
            && v.ts < T0 + 2 * 86_400_000;
        if keep {
            groups.entry(v.release.clone()).or_default().push(v.lcp.unwrap());
        }
    }
    assert_eq!(r.rows.len(), groups.len());
    for row in &r.rows {
        let mut vals = groups[row.keys[0].as_ref().unwrap()].clone();
        assert_eq!(row.n as usize, vals.len());
        assert!(close(row.p75.unwrap(), q7(&mut vals, 0.75)));
    }
}

#[test]
fn trend_matches_bucketed_sorting() {
    let (ds, views) = dataset(4000);
    let mut opts = TrendOptions::new("lcp", Stat::P90);
    opts.bucket = Bucket::Ms(6 * 3_600_000);
    opts.by = Some("device_type".into());
    let r = trend(&ds, &Filter::default(), &opts).unwrap();
    let mut groups: BTreeMap<(i64, String), Vec<f64>> = BTreeMap::new();
    for v in &views {
        if let Some(l) = v.lcp {
            groups
                .entry((v.ts - v.ts.rem_euclid(6 * 3_600_000), v.device.clone()))
                .or_default()
                .push(l);
        }
    }
    let filled: Vec<_> = r.points.iter().filter(|p| p.n > 0).collect();
    assert_eq!(filled.len(), groups.len());
    // Empty buckets inside a series' span are explicit gaps.
    assert!(r.points.iter().filter(|p| p.n == 0).all(|p| p.value.is_none()));
    for p in filled {
        let mut vals = groups[&(p.bucket_ms, p.key.clone().unwrap())].clone();
        assert_eq!(p.n as usize, vals.len());
        assert!(close(p.value.unwrap(), q7(&mut vals, 0.9)));
    }
    // Auto bucket over ~3 days: 30 minutes (< 200 buckets), 1h-aligned.
    let auto = trend(&ds, &Filter::default(), &TrendOptions::new("lcp", Stat::P75)).unwrap();
    assert_eq!(auto.bucket_width_ms, 1_800_000);
    assert!(auto.points.len() <= 200 && auto.points.len() >= 50);
    // Every bucket of the span is present once.
    let span = (auto.points.last().unwrap().bucket_ms - auto.points[0].bucket_ms) / auto.bucket_width_ms + 1;
    assert_eq!(auto.points.len() as i64, span);
}

/// Series beyond `max_series` merge into `(other)`; the series run most rows first; mean and
/// count per bucket as summed and counted here.
#[test]
fn trend_merges_rare_series_and_counts() {
    let (ds, views) = dataset(3000);
    let width = 12 * 3_600_000;
    let mut per_browser: BTreeMap<&str, usize> = BTreeMap::new();
    for v in views.iter().filter(|v| v.lcp.is_some()) {
        *per_browser.entry(v.browser.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = per_browser.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let kept: Vec<&str> = ranked[..2].iter().map(|r| r.0).collect();
    let series = |b: &str| {
        if kept.contains(&b) {
            b.to_string()
        } else {
            "(other)".to_string()
        }
    };
    let mut want: BTreeMap<(String, i64), Vec<f64>> = BTreeMap::new();
    for v in &views {
        if let Some(l) = v.lcp {
            want.entry((series(&v.browser), v.ts - v.ts.rem_euclid(width)))
                .or_default()
                .push(l);
        }
    }
    for stat in [Stat::Mean, Stat::Count] {
        let mut opts = TrendOptions::new("lcp", stat);
        opts.bucket = Bucket::Ms(width);
        opts.by = Some("browser".into());
        opts.max_series = 2;
        let r = trend(&ds, &Filter::default(), &opts).unwrap();
        let order: Vec<String> = r
            .points
            .iter()
            .filter_map(|p| p.key.clone())
            .fold(Vec::new(), |mut o, k| {
                if o.last() != Some(&k) {
                    o.push(k);
                }
                o
            });
        assert_eq!(
            order,
            vec![kept[0].to_string(), kept[1].to_string(), "(other)".to_string()]
        );
        let filled: Vec<_> = r.points.iter().filter(|p| p.n > 0).collect();
        assert_eq!(filled.len(), want.len());
        for p in filled {
            let vals = &want[&(p.key.clone().unwrap(), p.bucket_ms)];
            assert_eq!(p.n as usize, vals.len());
            let expected = match stat {
                Stat::Mean => vals.iter().sum::<f64>() / vals.len() as f64,
                _ => vals.len() as f64,
            };
            assert!(close(p.value.unwrap(), expected), "{stat:?} {p:?}");
        }
    }
}

#[test]
fn hist_counts_every_sample_once() {
    let (ds, views) = dataset(2000);
    let vals: Vec<f64> = views.iter().filter_map(|v| v.lcp).collect();
    for log in [false, true] {
        let mut o = HistOptions::new("lcp");
        o.bins = 20;
        o.log = log;
        o.min = Some(500.0);
        o.max = Some(8000.0);
        let h = hist(&ds, &Filter::default(), &o).unwrap();
        assert_eq!(h.n as usize, vals.len());
        let binned: u64 = h.bins.iter().map(|b| b.count).sum();
        assert_eq!(binned + h.underflow + h.overflow, h.n);
        assert_eq!(h.underflow as usize, vals.iter().filter(|v| **v < 500.0).count());
        assert_eq!(h.overflow as usize, vals.iter().filter(|v| **v > 8000.0).count());
        for b in &h.bins {
            let want = vals
                .iter()
                .filter(|v| **v >= b.lo && (**v < b.hi || (b.hi == 8000.0 && **v == 8000.0)))
                .count();
            // Edges are computed in floating point; allow a value sitting exactly on an edge.
            assert!(
                (b.count as i64 - want as i64).abs() <= 1,
                "bin {}..{}: {} vs {want}",
                b.lo,
                b.hi,
                b.count
            );
        }
        if log {
            assert!(close(h.bins[1].lo / h.bins[0].lo, h.bins[2].lo / h.bins[1].lo));
        }
        assert_eq!(h.bins[0].band.as_deref(), Some("good"));
        assert_eq!(h.bins[19].band.as_deref(), Some("poor"));
    }
}

#[test]
fn summary_counts() {
    let (ds, views) = dataset(999);
    let s = summary(&ds, &Filter::default(), &SummaryOptions::default()).unwrap();
    assert_eq!(s.rows, 999);
    assert_eq!(s.sessions, 333);
    let dev = s.dimensions.iter().find(|d| d.column == "device_type").unwrap();
    assert_eq!(dev.distinct, 3);
    let mobiles = views.iter().filter(|v| v.device == "mobile").count() as u64;
    assert_eq!(
        dev.values
            .iter()
            .find(|v| v.value.as_deref() == Some("mobile"))
            .unwrap()
            .count,
        mobiles
    );
    assert_eq!(s.from_ms, views.iter().map(|v| v.ts).min());
}

fn event(b: &mut Builder, session: &str, t: i64, kind: &str, url: &str, extra: &[(&str, &str)]) {
    let mut r = Row::new();
    r.str("event_type", kind)
        .i64("ts", T0 + t * 1000)
        .str("session_id", session)
        .str("url", url);
    for (k, v) in extra {
        r.str(k, *v);
    }
    b.push(r);
}

#[test]
fn errors_group_by_fingerprint_and_endpoint() {
    let mut b = Builder::new();
    for i in 0..30 {
        let s = format!("s{}", i % 10);
        event(&mut b, &s, i, "view", "https://x.test/cart", &[]);
        if i % 3 == 0 {
            event(
                &mut b,
                &s,
                i,
                "error",
                "https://x.test/cart",
                &[
                    ("error_type", "TypeError"),
                    (
                        "error_message",
                        &format!("Failed to fetch https://x.test/api/items/{i}"),
                    ),
                ],
            );
        }
        if i % 5 == 0 {
            event(
                &mut b,
                &s,
                i,
                "error",
                "https://x.test/p/1",
                &[
                    ("error_type", "Error"),
                    ("error_message", &format!("Loading chunk {i} failed")),
                ],
            );
        }
        let status = if i % 4 == 0 {
            "503"
        } else if i % 7 == 0 {
            "0"
        } else {
            "200"
        };
        let mut r = Row::new();
        r.str("event_type", "resource")
            .i64("ts", T0 + i * 1000)
            .str("session_id", s.as_str())
            .str("resource_type", "fetch")
            .str("method", "POST")
            .str("resource_url", format!("https://x.test/api/cart/{}", 100 + i))
            .i64("status_code", status.parse().unwrap());
        b.push(r);
    }
    let ds = Dataset::from_frame(b.finish().unwrap()).unwrap();
    let r = errors(&ds, &Filter::default(), &ErrorsOptions::default()).unwrap();
    assert_eq!(r.total_errors, 10 + 6);
    assert_eq!(r.total_sessions, 10);
    assert_eq!(r.hotspots.len(), 2);
    let h = &r.hotspots[0];
    assert_eq!(h.fingerprint, "TypeError: Failed to fetch <url>");
    assert_eq!(h.count, 10);
    // i ∈ {0,3,…,27} → sessions i % 10 ∈ {0,3,6,9,2,5,8,1,4,7}
    assert_eq!(h.sessions, 10);
    assert_eq!(h.top_pages[0].value.as_deref(), Some("/cart"));
    assert_eq!(h.trend.iter().sum::<u64>(), 10);
    let h2 = &r.hotspots[1];
    assert_eq!(h2.fingerprint, "Error: Loading chunk <n> failed");
    assert_eq!(h2.count, 6);
    let sessions: HashSet<i64> = (0..30).filter(|i| i % 5 == 0).map(|i| i % 10).collect();
    assert_eq!(h2.sessions as usize, sessions.len());
    assert!(close(h2.session_share, sessions.len() as f64 / 10.0));
    assert_eq!(r.api.len(), 1);
    let a = &r.api[0];
    assert_eq!(a.endpoint, "POST /api/cart/:id");
    assert_eq!(a.calls, 30);
    let fails = (0..30).filter(|i| i % 4 == 0 || i % 7 == 0).count() as u64;
    assert_eq!(a.failures, fails);
    assert_eq!(a.statuses[0].value.as_deref(), Some("503"));
    assert_eq!(a.statuses[0].count, (0..30).filter(|i| i % 4 == 0).count() as u64);
    assert!(r.heatmap.is_none());
    let opts = ErrorsOptions {
        heatmap_for: Some("Error: Loading chunk <n> failed".into()),
        ..Default::default()
    };
    let h = errors(&ds, &Filter::default(), &opts).unwrap().heatmap.unwrap();
    assert_eq!(h.rows, vec!["/p/:id".to_string()]);
    assert_eq!(h.columns, vec!["(unknown)".to_string()]);
    assert_eq!(h.counts, vec![vec![6]]);

    // The top hotspot's heatmap without naming it: the same as naming it.
    let top = errors(
        &ds,
        &Filter::default(),
        &ErrorsOptions {
            heatmap_top: Some(true),
            ..Default::default()
        },
    )
    .unwrap()
    .heatmap
    .unwrap();
    assert_eq!(top.fingerprint, "TypeError: Failed to fetch <url>");
    assert_eq!(top.rows, vec!["/cart".to_string()]);
    assert_eq!(top.counts, vec![vec![10]]);

    // Without the API section: the same hotspots, no endpoints.
    let lean = errors(
        &ds,
        &Filter::default(),
        &ErrorsOptions {
            api: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(lean.api.is_empty());
    assert_eq!(
        serde_json::to_value(&lean.hotspots).unwrap(),
        serde_json::to_value(&r.hotspots).unwrap()
    );

    // Split by the column the hotspots also list (page group): one hotspot per (fingerprint,
    // page), each listing its own page as the top page.
    let opts = ErrorsOptions {
        by: Some("page_group".into()),
        ..Default::default()
    };
    let r = errors(&ds, &Filter::default(), &opts).unwrap();
    let keys: Vec<(String, Option<String>, u64)> = r
        .hotspots
        .iter()
        .map(|h| (h.fingerprint.clone(), h.key.clone(), h.count))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("TypeError: Failed to fetch <url>".into(), Some("/cart".into()), 10),
            ("Error: Loading chunk <n> failed".into(), Some("/p/:id".into()), 6),
        ]
    );
    for h in &r.hotspots {
        assert_eq!(h.top_pages.len(), 1);
        assert_eq!(h.top_pages[0].value, h.key);
        assert_eq!(h.top_pages[0].count, h.count);
    }
}

/// A tiny hand-written journey set with hand-counted answers.
fn journeys() -> Dataset {
    let mut b = Builder::new();
    let dev = |d: &'static str| [("device_type", d)];
    // s1: / → /p → /cart → /checkout (complete, consecutive)
    for (t, u) in [(0, "/"), (10, "/p"), (20, "/cart"), (60, "/checkout")] {
        event(&mut b, "s1", t, "view", &format!("https://x.test{u}"), &dev("desktop"));
    }
    // s2: / → /search → /p → /cart (ordered but not strict at /p)
    for (t, u) in [(0, "/"), (5, "/search"), (30, "/p"), (40, "/cart")] {
        event(&mut b, "s2", t, "view", &format!("https://x.test{u}"), &dev("mobile"));
    }
    // s3: /p → / → /cart (any-order reaches 3; ordered reaches / only → 1, then /cart? no /p after /)
    for (t, u) in [(0, "/p"), (10, "/"), (20, "/cart")] {
        event(&mut b, "s3", t, "view", &format!("https://x.test{u}"), &dev("mobile"));
    }
    // s4: / only, plus a resource event that must not break strictness
    event(&mut b, "s4", 0, "view", "https://x.test/", &dev("desktop"));
    event(&mut b, "s4", 1, "resource", "https://x.test/", &dev("desktop"));
    // s5: /p only (never enters)
    event(&mut b, "s5", 0, "view", "https://x.test/p", &dev("desktop"));
    Dataset::from_frame(b.finish().unwrap()).unwrap()
}

fn reach(ds: &Dataset, mode: FunnelMode, by: Option<&str>) -> Vec<(Option<String>, u64)> {
    let opts = FunnelOptions {
        steps: vec!["/".into(), "/p".into(), "/cart".into(), "/checkout".into()],
        mode,
        by: by.map(str::to_string),
    };
    funnel(ds, &Filter::default(), &opts)
        .unwrap()
        .steps
        .iter()
        .map(|s| (s.key.clone(), s.sessions))
        .collect()
}

#[test]
fn funnel_hand_counted() {
    let ds = journeys();
    let counts = |v: Vec<(Option<String>, u64)>| v.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
    // entering "/": s1 s2 s3 s4
    assert_eq!(counts(reach(&ds, FunnelMode::Ordered, None)), vec![4, 2, 2, 1]);
    assert_eq!(counts(reach(&ds, FunnelMode::Strict, None)), vec![4, 1, 1, 1]);
    assert_eq!(counts(reach(&ds, FunnelMode::Any, None)), vec![4, 3, 3, 1]);
    let by = reach(&ds, FunnelMode::Ordered, Some("device_type"));
    assert_eq!(
        by,
        vec![
            (Some("desktop".into()), 2),
            (Some("desktop".into()), 1),
            (Some("desktop".into()), 1),
            (Some("desktop".into()), 1),
            (Some("mobile".into()), 2),
            (Some("mobile".into()), 1),
            (Some("mobile".into()), 1),
            (Some("mobile".into()), 0),
        ]
    );
    let f = funnel(
        &ds,
        &Filter::default(),
        &FunnelOptions {
            steps: vec!["/".into(), "/p".into(), "/cart".into()],
            mode: FunnelMode::Ordered,
            by: None,
        },
    )
    .unwrap();
    // Times from / to /p: s1 10 s, s2 30 s → median 20 s, p75 25 s.
    assert_eq!(f.steps[1].median_time_ms, Some(20_000.0));
    assert_eq!(f.steps[1].p75_time_ms, Some(25_000.0));
    assert_eq!(f.steps[1].dropoff, 2);
    assert_eq!(f.steps[1].conversion_from_previous, Some(0.5));
    assert_eq!(f.steps[2].conversion_from_first, Some(0.5));
}

#[test]
fn parquet_and_ndjson_give_identical_results() {
    let (ds, _) = dataset(1500);
    let dir = tempfile::tempdir().unwrap();
    let mut df = ds.collect().unwrap();
    let pq = dir.path().join("d.parquet");
    let nd = dir.path().join("d.ndjson.gz");
    rumlens_engine::export::write_events(&mut df, &pq).unwrap();
    rumlens_engine::export::write_events(&mut df, &nd).unwrap();
    let open = |p: &std::path::Path| Dataset::open(&[p.to_string_lossy().into_owned()], &Default::default()).unwrap();
    let (a, b) = (open(&pq), open(&nd));
    let bo = BreakdownOptions::new("lcp", &["device_type", "browser", "release"]);
    assert_eq!(
        breakdown(&a, &Filter::default(), &bo).unwrap().rows,
        breakdown(&b, &Filter::default(), &bo).unwrap().rows
    );
    let to = TrendOptions::new("lcp", Stat::P75);
    assert_eq!(
        trend(&a, &Filter::default(), &to).unwrap().points,
        trend(&b, &Filter::default(), &to).unwrap().points
    );
    let fa = a
        .collect()
        .unwrap()
        .sort(["ts", "session_id", "url"], Default::default())
        .unwrap();
    let fb = b
        .collect()
        .unwrap()
        .sort(["ts", "session_id", "url"], Default::default())
        .unwrap();
    assert!(fa.equals_missing(&fb));
}

#[test]
fn overview_counts_and_tiles() {
    use rumlens_engine::analysis::overview::overview;
    let (ds, views) = dataset(3000);
    let mut f = Filter::default();
    f.add_spec("device_type=mobile").unwrap();
    let o = overview(&ds, &f).unwrap();
    let mobile: Vec<&View> = views.iter().filter(|v| v.device == "mobile").collect();
    assert_eq!(o.views as usize, mobile.len());
    assert_eq!(o.errors, 0);
    assert_eq!(o.errors_per_100_views, Some(0.0));
    let lcp = &o.vitals[0];
    assert_eq!(lcp.metric, "lcp_ms");
    let mut vals: Vec<f64> = mobile.iter().filter_map(|v| v.lcp).collect();
    let stats = lcp.stats.as_ref().unwrap();
    assert_eq!(stats.n as usize, vals.len());
    assert!(close(stats.p75.unwrap(), q7(&mut vals, 0.75)));
    assert_eq!(lcp.trend.iter().map(|p| p.n).sum::<u64>() as usize, vals.len());
    // No INP in this dataset: the tile has no statistics.
    assert!(o.vitals[1].stats.is_none());
}

#[test]
fn compare_two_segments() {
    use rumlens_engine::analysis::compare::compare;
    let (ds, views) = dataset(4000);
    let (mut a, mut b) = (Filter::default(), Filter::default());
    a.add_spec("device_type=desktop").unwrap();
    b.add_spec("device_type=mobile").unwrap();
    let c = compare(&ds, &a, &b).unwrap();
    let lcp = &c.rows[0];
    let mut va: Vec<f64> = views
        .iter()
        .filter(|v| v.device == "desktop")
        .filter_map(|v| v.lcp)
        .collect();
    let mut vb: Vec<f64> = views
        .iter()
        .filter(|v| v.device == "mobile")
        .filter_map(|v| v.lcp)
        .collect();
    let (pa, pb) = (q7(&mut va, 0.75), q7(&mut vb, 0.75));
    assert!(close(lcp.p75_diff.unwrap(), pb - pa));
    assert!(close(lcp.p75_diff_rel.unwrap(), (pb - pa) / pa));
    // Mobile's base LCP is ~1.7× desktop's: the intervals cannot overlap at these sizes.
    assert!(lcp.significant);
    let same = compare(&ds, &a, &a).unwrap();
    assert!(!same.rows[0].significant);
    assert_eq!(same.rows[0].p75_diff, Some(0.0));
}
