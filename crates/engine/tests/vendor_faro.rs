//! Grafana Faro adapter: public fixtures (expected values written from reading them), a
//! synthetic multi-session export, Loki logfmt lines, and malformed records.

mod common;

use common::{fixture, open, reject_lines, s, text_rows};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::Filter;
use serde_json::json;

const VENDOR: &str = "faro";

const TS_2021: &str = "1632998777680"; // 2021-09-30T10:46:17.680Z

#[test]
fn alloy_receiver_payload_fixture() {
    let ds = open(&fixture(VENDOR, "alloy_receiver_payload.json"));
    let f = &ds.report.files[0];
    assert!(f.detected.starts_with("Grafana Faro: found `meta`"), "{}", f.detected);
    // 1 measurement (custom type → vital), 1 exception, 2 events; the info/trace logs and
    // the OTLP traces produce no rows.
    assert_eq!(f.rows, Some(4));
    assert_eq!(ds.report.rejected, 0);
    let cols = [
        "event_type",
        "ts",
        "session_id",
        "url",
        "app",
        "release",
        "environment",
        "browser",
        "browser_version",
        "os",
        "source_format",
        "target",
        "ttfb_ms",
        "error_type",
        "error_message",
        "action_type",
        "device_type",
    ];
    let r = text_rows(&ds, &cols);
    for row in &r {
        assert_eq!(row[1].as_deref(), Some(TS_2021));
        assert_eq!(row[2], s("abcd"));
        assert_eq!(row[3], s("https://example.com/page"));
        assert_eq!(row[4], s("testapp"));
        assert_eq!(row[5], s("abcdefg")); // app.version wins over app.release (0.8.2)
        assert_eq!(row[6], s("production"));
        assert_eq!(row[7], s("chrome")); // meta.browser wins over the (Firefox) UA
        assert_eq!(row[8], s("88"));
        assert_eq!(row[9], s("linux"));
        assert_eq!(row[10], s("faro"));
        assert_eq!(row[16], s("desktop")); // mobile=false: left to UA enrichment (Linux Firefox)
    }
    let vital: Vec<_> = r.iter().filter(|x| x[0] == s("vital")).collect();
    assert_eq!(vital.len(), 1);
    assert_eq!(vital[0][11], s("foobar"));
    assert_eq!(vital[0][12], s("14.0"));
    let err: Vec<_> = r.iter().filter(|x| x[0] == s("error")).collect();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0][13], s("Error"));
    assert_eq!(err[0][14], s("Cannot read property 'find' of undefined"));
    let actions: Vec<_> = r
        .iter()
        .filter(|x| x[0] == s("action"))
        .map(|x| (x[15].clone(), x[11].clone()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (s("custom"), s("click_login_button")),
            (s("custom"), s("click_reset_password_button"))
        ]
    );
    let stack = text_rows(&ds, &["event_type", "error_stack"])
        .into_iter()
        .find(|x| x[0] == s("error"))
        .unwrap()[1]
        .clone()
        .unwrap();
    assert!(stack.starts_with(
        "Error: Cannot read property 'find' of undefined\n  at ? (http://fe:3002/static/js/vendors~main.chunk.js:8639:42)\n  at dispatchAction (http://fe:3002/static/js/vendors~main.chunk.js:268095:9)"
    ));
    assert_eq!(stack.lines().count(), 1 + 26); // header + 26 frames
}

#[test]
fn alloy_loki_lines_fixture() {
    let ds = open(&fixture(VENDOR, "alloy_loki_export_lines.txt"));
    let f = &ds.report.files[0];
    assert!(
        f.detected.contains("Loki logfmt lines") && f.detected.contains("Loki JSON lines"),
        "{}",
        f.detected
    );
    // 8 lines (4 logfmt, 4 JSON): log level=info → no row; exception, measurement, event → 1 each.
    assert_eq!(f.rows, Some(6));
    assert_eq!(ds.report.rejected, 0);
    let r = text_rows(
        &ds,
        &[
            "event_type",
            "ts",
            "error_type",
            "error_message",
            "error_stack",
            "target",
            "ttfb_ms",
        ],
    );
    assert!(r.iter().all(|x| x[1].as_deref() == Some(TS_2021)));
    let errors: Vec<_> = r.iter().filter(|x| x[0] == s("error")).collect();
    assert_eq!(errors.len(), 2);
    for e in errors {
        assert_eq!(e[2], s("Error"));
        assert_eq!(e[3], s("Cannot read property 'find' of undefined"));
        // logfmt `\n` escapes and JSON `\n` both become real newlines.
        assert_eq!(
            e[4],
            s("Error: Cannot read property 'find' of undefined\n  at ? (http://fe:3002/static/js/vendors~main.chunk.js:8639:42)\n  at dispatchAction (http://fe:3002/static/js/vendors~main.chunk.js:268095:9)")
        );
    }
    let vitals: Vec<_> = r.iter().filter(|x| x[0] == s("vital")).collect();
    assert_eq!(vitals.len(), 2);
    for v in vitals {
        assert_eq!(v[5], s("sum"));
        assert_eq!(v[6], s("14.0")); // value_ttfb=14 (ms)
    }
    let actions: Vec<_> = r.iter().filter(|x| x[0] == s("action")).collect();
    assert_eq!(actions.len(), 2);
    assert!(actions.iter().all(|a| a[5] == s("click_login_button")));
}

const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

fn meta(
    session: &str,
    page: &str,
    ua: &str,
    browser: &str,
    version: &str,
    os: &str,
    mobile: bool,
) -> serde_json::Value {
    json!({
        "sdk": {"name": "faro-web-sdk", "version": "1.14.1"},
        "app": {"name": "shop", "version": "2.3.0", "environment": "prod"},
        "session": {"id": session},
        "page": {"id": page, "url": format!("https://shop.test/p/{page}")},
        "browser": {"name": browser, "version": version, "os": os, "mobile": mobile, "userAgent": ua,
                    "language": "en", "viewportWidth": "1200", "viewportHeight": "800"},
        "view": {"name": "default"}
    })
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A realistic export: one payload per line, 3 sessions × 2 page views.
fn synthetic() -> (String, usize) {
    let t0 = 1_791_158_400_000i64; // 2026-10-05
    let sessions = [
        ("s1", CHROME, "Chrome", "124.0.0.0", "Windows 10", false, 1800.0),
        ("s2", IPHONE, "Mobile Safari", "17.5", "iOS 17.5", true, 3200.0),
        ("s3", CHROME, "Chrome", "124.0.0.0", "Windows 10", false, 2600.0),
    ];
    let mut lines = Vec::new();
    let mut rows = 0;
    for (si, (sid, ua, br, bv, os, mobile, lcp)) in sessions.iter().enumerate() {
        for pv in 0..2 {
            let page = format!("{sid}-pv{pv}");
            let t = t0 + (si as i64 * 10 + pv as i64) * 60_000;
            let m = meta(sid, &page, ua, br, bv, os, *mobile);
            let wv = |name: &str, v: f64, dt: i64| {
                json!({"type": "web-vitals", "values": {name: v, "delta": v}, "timestamp": iso(t + dt),
                       "context": {"id": format!("v4-{page}-{name}"), "rating": "good", "navigation_type": "navigate"}})
            };
            lines.push(json!({
                "meta": m,
                "measurements": [wv("ttfb", 300.0, 400), wv("fcp", 900.0, 1000), wv("lcp", lcp + pv as f64 * 100.0, 2000)],
                "events": [
                    {"name": "session_start", "domain": "browser", "attributes": {}, "timestamp": iso(t)},
                    {"name": "faro.performance.navigation", "domain": "browser", "timestamp": iso(t + 2500),
                     "attributes": {"duration": "2400.5", "ttfb": "300", "type": "navigate", "name": format!("https://shop.test/p/{page}"),
                                    "faroNavigationId": format!("n-{page}")}},
                    {"name": "faro.performance.resource", "domain": "browser", "timestamp": iso(t + 2600),
                     "attributes": {"name": "https://cdn.shop.test/app.js", "duration": "120.25", "initiatorType": "script",
                                    "transferSize": "34567", "responseStatus": "200"}},
                    {"name": "faro.performance.resource", "domain": "browser", "timestamp": iso(t + 2700),
                     "attributes": {"name": "https://api.shop.test/cart", "duration": "80", "initiatorType": "fetch",
                                    "transferSize": "512", "responseStatus": "500"}}
                ]
            }));
            rows += 3 + 1 + 2;
            lines.push(json!({
                "meta": meta(sid, &page, ua, br, bv, os, *mobile),
                "measurements": [wv("inp", 150.0 + si as f64 * 100.0, 20_000), wv("cls", 0.05, 20_000)],
                "events": [
                    {"name": "faro.user.action", "timestamp": iso(t + 19_000),
                     "attributes": {"userActionName": "add-to-cart", "userActionTrigger": "pointerdown", "userActionDuration": "85"}},
                    {"name": "checkout_started", "domain": "shop", "attributes": {"step": "1"}, "timestamp": iso(t + 19_500)}
                ],
                "logs": [{"message": "cart loaded", "level": "info", "context": {}, "timestamp": iso(t + 19_600)}]
            }));
            rows += 2 + 2;
            // CLS reported again later for the same metric id: the final value wins.
            lines.push(json!({
                "meta": meta(sid, &page, ua, br, bv, os, *mobile),
                "measurements": [wv("cls", 0.3, 50_000)]
            }));
        }
    }
    lines.push(json!({
        "meta": meta("s1", "s1-pv1", CHROME, "Chrome", "124.0.0.0", "Windows 10", false),
        "exceptions": [{"type": "TypeError", "value": "x is undefined", "timestamp": iso(t0 + 70_000),
                        "stacktrace": {"frames": [{"filename": "https://shop.test/app.js", "function": "go", "lineno": 1, "colno": 2}]}}]
    }));
    lines.push(json!({
        "meta": meta("s2", "s2-pv0", IPHONE, "Mobile Safari", "17.5", "iOS 17.5", true),
        "logs": [{"message": "payment failed", "level": "error", "context": {}, "timestamp": iso(t0 + 610_000)}]
    }));
    rows += 2;
    (
        lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n") + "\n",
        rows,
    )
}

#[test]
fn synthetic_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("faro.ndjson");
    let (text, expected) = synthetic();
    std::fs::write(&p, text).unwrap();
    let ds = open(&p);
    assert!(
        ds.report.files[0].detected.starts_with("Grafana Faro"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.rejected, 0);
    assert_eq!(expected, 62);

    let sm = summary(&ds, &Filter::default(), &SummaryOptions { top_values: 20 }).unwrap();
    assert_eq!(sm.rows, 62);
    assert_eq!(sm.sessions, 3);
    let by: Vec<(Option<String>, u64)> = sm.by_event_type.iter().map(|v| (v.value.clone(), v.count)).collect();
    for (t, n) in [("view", 6 * 6), ("resource", 12), ("action", 12), ("error", 2)] {
        assert!(by.contains(&(s(t), n)), "{t}: {by:?}");
    }

    // One LCP per page view: 2 page views per session.
    let b = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp", &["session_id"])).unwrap();
    let got: Vec<(Option<String>, u64, Option<f64>)> = b.rows.iter().map(|r| (r.keys[0].clone(), r.n, r.p50)).collect();
    let mut got = got;
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            (s("s1"), 2, Some(1850.0)),
            (s("s2"), 2, Some(3250.0)),
            (s("s3"), 2, Some(2650.0))
        ]
    );
    // CLS: the re-reported final value (0.3) replaced 0.05 for every page view.
    let c = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("cls", &[])).unwrap();
    assert_eq!(c.rows[0].n, 6);
    assert_eq!(c.rows[0].p50, Some(0.3));
    // Device from meta.browser.mobile, OS split into name and major version.
    let d = breakdown(
        &ds,
        &Filter::default(),
        &BreakdownOptions::new("lcp", &["device_type", "os", "os_version"]),
    )
    .unwrap();
    let keys: Vec<Vec<Option<String>>> = d.rows.iter().map(|r| r.keys.clone()).collect();
    assert!(keys.contains(&vec![s("mobile"), s("iOS"), s("17")]), "{keys:?}");
    assert!(keys.contains(&vec![s("desktop"), s("Windows"), s("10")]), "{keys:?}");
    // Resource timings are ms from strings; status and bytes are integers.
    let r = text_rows(
        &ds,
        &[
            "event_type",
            "resource_url",
            "resource_type",
            "duration_ms",
            "transfer_bytes",
            "status_code",
        ],
    );
    assert!(r.contains(&vec![
        s("resource"),
        s("https://cdn.shop.test/app.js"),
        s("script"),
        s("120.25"),
        s("34567"),
        s("200")
    ]));
    let nav = text_rows(&ds, &["event_type", "load_ms", "navigation_type", "ttfb_ms"]);
    assert_eq!(nav.iter().filter(|x| x[1] == s("2400.5")).count(), 6);
    // TTFB comes only from web-vitals (the navigation event's `ttfb` is not double counted).
    let t = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("ttfb", &[])).unwrap();
    assert_eq!(t.rows[0].n, 6);
}

#[test]
fn loki_logfmt_web_vitals() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("loki.txt");
    let lines = [
        r#"timestamp="2026-10-05 00:00:01.5 +0000 UTC" kind=measurement type=web-vitals lcp=2100.000000 value_lcp=2100 value_delta=2100 context_id=v4-a context_rating=good context_navigation_type=back-forward-cache session_id=sA page_url="https://x.test/a b" app_name=web app_version=1.2.0 app_environment=prod browser_name=Firefox browser_version=128.0 browser_os="Ubuntu unknown" browser_mobile=false"#,
        r#"timestamp="2026-10-05 00:00:02 +0000 UTC" kind=measurement type=web-vitals value_lcp=2300 context_id=v4-a session_id=sA"#,
        r#"timestamp="2026-10-05 00:00:03 +0000 UTC" kind=exception type=TypeError value="bad \"quote\" \\ here" stacktrace="TypeError: bad\n  at f (a.js:1:2)" session_id=sA"#,
        r#"timestamp="2026-10-05 00:00:04 +0000 UTC" kind=event event_name=faro.performance.resource event_data_name=https://x.test/api event_data_duration=45.5 event_data_initiatorType=xmlhttprequest event_data_responseStatus=0 session_id=sA"#,
    ];
    std::fs::write(&p, lines.join("\n")).unwrap();
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    let r = text_rows(
        &ds,
        &[
            "event_type",
            "ts",
            "lcp_ms",
            "navigation_type",
            "url",
            "release",
            "os",
            "os_version",
            "error_message",
            "resource_type",
            "status_code",
            "duration_ms",
        ],
    );
    assert_eq!(r.len(), 3); // the two LCP lines share context_id v4-a: the later one wins
    let v = r.iter().find(|x| x[0] == s("view")).unwrap();
    assert_eq!(v[1], s("1791158402000"));
    assert_eq!(v[2], s("2300.0"));
    let e = r.iter().find(|x| x[0] == s("error")).unwrap();
    assert_eq!(e[8], s("bad \"quote\" \\ here"));
    let res = r.iter().find(|x| x[0] == s("resource")).unwrap();
    assert_eq!(
        (res[9].clone(), res[10].clone(), res[11].clone()),
        (s("xhr"), s("0"), s("45.5"))
    );

    // The first line alone: its context columns.
    std::fs::write(&p, lines[0]).unwrap();
    let r = text_rows(
        &open(&p),
        &[
            "lcp_ms",
            "navigation_type",
            "url",
            "release",
            "os",
            "os_version",
            "browser_version",
            "ts",
        ],
    );
    assert_eq!(
        r,
        vec![vec![
            s("2100.0"),
            s("back_forward"),
            s("https://x.test/a b"),
            s("1.2.0"),
            s("Ubuntu"),
            None,
            s("128"),
            s("1791158401500")
        ]]
    );
}

#[test]
fn malformed_records_are_rejected_with_reasons() {
    let good = |sid: &str| {
        json!({"meta": {"session": {"id": sid}, "page": {"url": "https://x.test/"}},
               "measurements": [{"type": "web-vitals", "values": {"lcp": 1000}, "timestamp": "2026-10-05T00:00:00Z"}]})
        .to_string()
    };
    let m = json!({"session": {"id": "bad"}});
    let lines = vec![
        good("g1"),
        json!({"meta": m, "measurements": [{"type": "web-vitals", "values": {"lcp": -5}, "timestamp": "2026-10-05T00:00:00Z"}]}).to_string(),
        json!({"meta": m, "exceptions": [{"type": "Error", "value": "x"}]}).to_string(),
        json!({"meta": m, "events": [{"name": "e", "timestamp": "yesterday"}]}).to_string(),
        json!({"meta": m, "logs": [{"message": "x", "level": "error", "timestamp": "1990-01-01T00:00:00Z"}]}).to_string(),
        json!({"meta": m, "measurements": {"type": "web-vitals"}}).to_string(),
        json!({"meta": m, "events": [{"timestamp": "2026-10-05T00:00:00Z"}]}).to_string(),
        "garbage here".to_string(),
        r#"timestamp="2026-10-05 00:00:01 +0000 UTC" kind=measurement type=web-vitals value_lcp=abc"#.to_string(),
        json!({"meta": m, "measurements": [{"type": "web-vitals", "values": {"cls": "NaN"}, "timestamp": "2026-10-05T00:00:00Z"}]}).to_string(),
        good("g2"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.ndjson");
    std::fs::write(&p, lines.join("\n")).unwrap();
    let ds = open(&p);
    assert!(ds.report.files[0].detected.starts_with("Grafana Faro"));
    assert_eq!(ds.report.files[0].rows, Some(2));
    assert_eq!(ds.report.rejected, 9);
    let got = reject_lines(&ds);
    assert_eq!(
        got,
        vec![
            (2, s("measurements[0].values.lcp")),
            (3, s("exceptions[0].timestamp")),
            (4, s("events[0].timestamp")),
            (5, s("logs[0].timestamp")),
            (6, s("measurements")),
            (7, s("events[0].name")),
            (8, None),
            (9, s("value_lcp")),
            (10, s("measurements[0].values.cls")),
        ]
    );
    let reasons: Vec<&str> = ds.report.reject_examples.iter().map(|r| r.reason.as_str()).collect();
    assert!(reasons[0].contains("negative"), "{reasons:?}");
    assert!(reasons[1].contains("missing timestamp"));
    assert!(reasons[2].contains("not a timestamp"));
    assert!(reasons[3].contains("out of range"));
    assert!(reasons[4].contains("expected an array"));
    assert!(reasons[7].contains("expected a number"));
    assert!(reasons[8].contains("finite"));
    assert!(ds.report.reject_examples.iter().all(|r| r.file == p));
}
