//! web-vitals adapter: the hand-built fixture, repeated reports of one metric, the metrics of
//! one page view merged when the sender names the page view, sender-added fields, and
//! malformed reports.

mod common;

use common::{fixture, get, ndjson, open, rows};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::{Dataset, Filter};
use serde_json::{json, Value};

const VENDOR: &str = "web-vitals";

fn n(ds: &Dataset, metric: &str) -> u64 {
    let b = breakdown(ds, &Filter::default(), &BreakdownOptions::new(metric, &[])).unwrap();
    b.rows.first().map_or(0, |r| r.n)
}

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

#[test]
fn synthetic_fixture_one_view_row_per_metric() {
    let ds = open(&fixture(VENDOR, "SYNTHETIC_metric_examples.ndjson"));
    let f = &ds.report.files[0];
    assert!(
        f.detected.starts_with("web-vitals: found metric objects"),
        "{}",
        f.detected
    );
    assert_eq!((f.rows, f.rejected), (Some(6), 0));
    let rows = rows(&ds);
    let want = [
        ("lcp_ms", 2212.4, Some("navigate")),
        ("cls", 0.1264, Some("navigate")),
        ("inp_ms", 312.0, Some("back_forward")), // back-forward-cache
        ("ttfb_ms", 640.2, Some("reload")),
        ("fcp_ms", 1310.5, Some("navigate")),
        ("cls", 0.05, None),
    ];
    for (r, (col, v, nav)) in rows.iter().zip(want) {
        assert_eq!(get(r, "event_type"), "view");
        assert_eq!(get(r, "source_format"), "webvitals");
        // No time from the sender: the Date.now() inside the metric id.
        assert_eq!(get(r, "ts"), 1_715_000_000_000i64);
        assert_eq!(get(r, col), v, "{r:?}");
        assert_eq!(get(r, "navigation_type").as_str(), nav);
        let metrics = ["lcp_ms", "cls", "inp_ms", "ttfb_ms", "fcp_ms"];
        assert_eq!(
            metrics.iter().filter(|m| r.contains_key(**m)).count(),
            1,
            "only its own metric"
        );
        assert!(!r.contains_key("view_id"), "no page-view key in this data");
    }
    // The README's sendToAnalytics body: `page_location` is the page.
    assert_eq!(get(&rows[5], "url"), "https://shop.example/products/42");
    assert_eq!(get(&rows[5], "page_group"), "/products/:id");
    assert_eq!((n(&ds, "cls"), n(&ds, "lcp"), n(&ds, "inp")), (2, 1, 1));
}

#[test]
fn repeated_reports_keep_the_final_value_per_id() {
    let dir = tempfile::tempdir().unwrap();
    let cls = |value: f64, delta: f64| json!({"name": "CLS", "value": value, "delta": delta, "rating": "good", "id": "v4-1791158400000-1000000000001", "navigationType": "navigate"});
    let lcp = json!({"name": "LCP", "value": 1800, "id": "v4-1791158400000-1000000000002"});
    let p = ndjson(
        dir.path(),
        "beacons.ndjson",
        &[
            cls(0.02, 0.02),
            // A batch (JSON array) on one line.
            json!([lcp, cls(0.08, 0.06)]),
            cls(0.11, 0.03),
            json!({"name": "LCP", "value": 2600, "id": "v4-1791158460000-1000000000003"}),
        ],
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0);
    let rows = rows(&ds);
    assert_eq!(rows.len(), 3);
    let cls_rows: Vec<_> = rows.iter().filter(|r| r.contains_key("cls")).collect();
    assert_eq!(cls_rows.len(), 1);
    assert_eq!(get(cls_rows[0], "cls"), 0.11, "the last report, not a sum of deltas");
    assert_eq!((n(&ds, "cls"), n(&ds, "lcp")), (1, 2));
}

#[test]
fn metrics_of_one_page_view_merge_when_the_sender_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = json!({"pageviewId": "pv-1", "url": "https://shop.test/cart?x=1", "userAgent": IPHONE,
                     "release": "1.5.0", "sessionId": "s-1", "env": "prod", "country": "de",
                     "effectiveType": "4g", "rtt": 150, "downlink": 1.45});
    let m = |name: &str, value: f64, id: &str, ts: i64| {
        let mut v = ctx.clone();
        v["name"] = json!(name);
        v["value"] = json!(value);
        v["id"] = json!(id);
        v["navigationType"] = json!("navigate");
        v["timestamp"] = json!(ts);
        v
    };
    let t0 = 1_791_158_400_000i64;
    let mut restored = m("LCP", 5.0, "v5-b", t0 + 60_000);
    restored["navigationType"] = json!("back-forward-cache");
    let mut soft = m("LCP", 900.0, "v6-s", t0 + 30_000);
    soft["navigationId"] = json!(2);
    soft["navigationType"] = json!("soft-navigation");
    let p = ndjson(
        dir.path(),
        "collector.ndjson",
        &[
            m("TTFB", 420.0, "v5-t", t0 + 1_000),
            m("FCP", 1100.0, "v5-f", t0 + 1_200),
            m("LCP", 2300.0, "v5-l", t0 + 1_500),
            m("CLS", 0.04, "v5-c", t0 + 20_000),
            json!({"name": "LCP", "value": 3100, "id": "v5-x", "pageviewId": "pv-2", "timestamp": t0 + 5_000}),
            m("INP", 240.0, "v5-i", t0 + 25_000),
            m("CLS", 0.12, "v5-c", t0 + 40_000), // same id: final value
            soft,
            restored,
            m("FID", 16.0, "v4-fid", t0 + 2_000),
        ],
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0);
    let rows = rows(&ds);
    let views: Vec<_> = rows.iter().filter(|r| get(r, "event_type") == "view").collect();
    assert_eq!(
        views.len(),
        4,
        "pv-1, pv-2, pv-1's soft navigation, the bfcache restore"
    );
    let pv1 = views.iter().find(|r| get(r, "view_id") == "pv-1").unwrap();
    let want = json!({
        "event_type": "view", "ts": t0 + 1_000, // the earliest report
        "session_id": "s-1", "view_id": "pv-1", "source_format": "webvitals",
        "url": "https://shop.test/cart?x=1", "page_group": "/cart", "navigation_type": "navigate",
        "release": "1.5.0", "environment": "prod", "user_agent": IPHONE,
        "device_type": "mobile", "browser": "Mobile Safari", "browser_version": "17", "os": "iOS", "os_version": "17",
        "country": "DE", "region": "Europe", "subregion": "Western Europe",
        "effective_type": "4g", "rtt_ms": 150.0, "downlink_mbps": 1.45,
        "ttfb_ms": 420.0, "fcp_ms": 1100.0, "lcp_ms": 2300.0, "inp_ms": 240.0, "cls": 0.12,
    });
    assert_eq!(&Value::Object((*pv1).clone()), &want);
    let soft = views.iter().find(|r| get(r, "view_id") == "pv-1#2").unwrap();
    assert_eq!(get(soft, "lcp_ms"), 900.0);
    assert_eq!(get(soft, "navigation_type"), "soft_navigation");
    let bf = views.iter().find(|r| get(r, "lcp_ms") == 5.0).unwrap();
    assert!(
        !bf.contains_key("view_id"),
        "a bfcache restore is not merged into the page load"
    );
    // FID has no column: a `vital` row named FID.
    let fid = rows.iter().find(|r| get(r, "event_type") == "vital").unwrap();
    assert_eq!(
        (get(fid, "target"), get(fid, "duration_ms")),
        (&json!("FID"), &json!(16.0))
    );
    // Page views count once per metric.
    assert_eq!((n(&ds, "lcp"), n(&ds, "cls"), n(&ds, "ttfb")), (4, 1, 1));
}

#[test]
fn wrappers_and_sender_times() {
    let dir = tempfile::tempdir().unwrap();
    let p = ndjson(
        dir.path(),
        "wrapped.ndjson",
        &[
            json!({"page": "/checkout", "session_id": "s-9", "ts": "2026-10-05T00:00:00.250Z", "version": "3.1",
                   "metrics": [{"name": "LCP", "value": 2000, "id": "v5-1-1"}, {"name": "INP", "value": 90, "id": "v5-1-2"}]}),
            json!({"time": "1791158400000", "metric": {"name": "ttfb", "value": "512.5", "id": "v5-1-3"}}),
        ],
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0);
    let rows = rows(&ds);
    assert_eq!(rows.len(), 3);
    for r in &rows[..2] {
        assert_eq!(get(r, "url"), "/checkout");
        assert_eq!(get(r, "page_group"), "/checkout");
        assert_eq!(get(r, "session_id"), "s-9");
        assert_eq!(get(r, "release"), "3.1");
        assert_eq!(get(r, "ts"), 1_791_158_400_250i64);
    }
    assert_eq!(get(&rows[2], "ts"), 1_791_158_400_000i64);
    assert_eq!(get(&rows[2], "ttfb_ms"), 512.5);
}

#[test]
fn malformed_reports_are_rejected_with_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ok = json!({"name": "LCP", "value": 1000, "id": "v5-1791158400000-1"});
    let p = dir.path().join("bad.ndjson");
    let lines = [
        ok.to_string(),
        json!({"name": "LCP", "value": -3, "id": "v5-1791158400000-2"}).to_string(),
        json!({"name": "TTI", "value": 3, "id": "v5-1791158400000-3"}).to_string(),
        json!([ok, {"name": "CLS", "id": "v5-1791158400000-4"}]).to_string(),
        json!({"name": "LCP", "value": 1000, "timestamp": 1_791_158_400}).to_string(),
        json!({"name": "LCP", "value": 1000, "id": "no-time-here"}).to_string(),
        "LCP=1000".to_string(),
    ];
    std::fs::write(&p, lines.join("\n")).unwrap();
    let ds = open(&p);
    assert_eq!(ds.report.files[0].rows, Some(1));
    let r: Vec<(u64, Option<String>, String)> = ds
        .report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.clone(), r.reason.clone()))
        .collect();
    let at = |line: u64| {
        r.iter()
            .find(|x| x.0 == line)
            .unwrap_or_else(|| panic!("line {line}: {r:?}"))
    };
    assert_eq!(at(2).1.as_deref(), Some("value"));
    assert!(at(2).2.contains("negative"));
    assert_eq!(at(3).1.as_deref(), Some("name"));
    assert!(at(3).2.contains("`TTI`"));
    assert_eq!(
        at(4).1.as_deref(),
        Some("[1].value"),
        "the batch is rejected, naming the element"
    );
    assert!(at(5).2.contains("epoch seconds"));
    assert_eq!(at(6).1.as_deref(), Some("timestamp"));
    assert!(at(7).2.contains("not a web-vitals report"));
    assert_eq!(ds.report.rejected, 6);
}
