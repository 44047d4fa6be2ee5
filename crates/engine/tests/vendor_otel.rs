//! OpenTelemetry (OTLP/JSON) adapter: the public fixture (expected values written from reading
//! it), a synthetic browser export with logs and spans, the per-line form, malformed records.

mod common;

use common::{fixture, open, reject_lines, s, text_rows};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::Filter;
use serde_json::{json, Value};

const VENDOR: &str = "otel";

#[test]
fn proto_events_fixture() {
    let ds = open(&fixture(VENDOR, "opentelemetry-proto_examples_events.json"));
    let f = &ds.report.files[0];
    assert_eq!(f.detected, "OpenTelemetry: found `resourceLogs`");
    assert_eq!(f.rows, Some(1));
    assert_eq!(ds.report.rejected, 0);
    let r = text_rows(
        &ds,
        &[
            "event_type",
            "ts",
            "url",
            "referrer",
            "app",
            "source_format",
            "session_id",
        ],
    );
    assert_eq!(
        r,
        vec![vec![
            s("view"),
            s("1544712660300"), // "1544712660300000000" ns
            s("https://www.guidgenerator.com/online-guid-generator.aspx"),
            s("https://wwww.google.com"),
            s("my.service"),
            s("otel"),
            None
        ]]
    );
}

fn kv(pairs: &[(&str, Value)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| {
                let any = match v {
                    Value::String(x) => json!({"stringValue": x}),
                    Value::Bool(b) => json!({"boolValue": b}),
                    Value::Number(n) if n.is_i64() => json!({"intValue": n.to_string()}),
                    Value::Number(n) => json!({"doubleValue": n}),
                    other => other.clone(),
                };
                json!({"key": k, "value": any})
            })
            .collect(),
    )
}

fn nanos(ms: i64) -> String {
    format!("{}", ms as i128 * 1_000_000)
}

const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const T0: i64 = 1_791_158_400_000; // 2026-10-05

/// One OTLP document: per session a resource with logs (web vitals, page view, exception) and
/// spans (documentLoad, fetch, XHR, resourceFetch, click, a span with an exception event).
fn synthetic() -> Value {
    let sessions = [
        ("s1", CHROME, false, 1800.0),
        ("s2", IPHONE, true, 3400.0),
        ("s3", CHROME, false, 2200.0),
    ];
    let mut rl = Vec::new();
    let mut rs = Vec::new();
    for (si, (sid, ua, mobile, lcp)) in sessions.iter().enumerate() {
        let res = json!({"attributes": kv(&[
            ("service.name", json!("shop-web")),
            ("service.version", json!("3.1.0")),
            ("deployment.environment.name", json!("prod")),
            ("user_agent.original", json!(ua)),
            ("browser.mobile", json!(mobile)),
        ])});
        let mut logs = Vec::new();
        let mut spans = Vec::new();
        for pv in 0..2 {
            let t = T0 + (si as i64 * 10 + pv) * 60_000;
            let url = format!("https://shop.test/p/{sid}-{pv}");
            let vital = |name: &str, v: f64, dt: i64| {
                json!({"timeUnixNano": nanos(t + dt), "observedTimeUnixNano": nanos(t + dt + 5), "severityNumber": 9,
                       "attributes": kv(&[("event.name", json!("browser.web_vital")), ("session.id", json!(sid)), ("url.full", json!(url)),
                                          ("browser.web_vital.name", json!(name)), ("browser.web_vital.value", json!(v)),
                                          ("browser.web_vital.delta", json!(v)), ("browser.web_vital.id", json!(format!("v5-{sid}-{pv}-{name}"))),
                                          ("browser.web_vital.rating", json!("good")), ("browser.web_vital.navigation_type", json!("navigate"))])})
            };
            logs.push(json!({"timeUnixNano": nanos(t), "attributes": kv(&[("event.name", json!("browser.page_view")), ("session.id", json!(sid))]),
                             "body": {"kvlistValue": {"values": kv(&[("type", json!(0)), ("url", json!(url)), ("referrer", json!("https://google.com/"))])}}}));
            logs.push(vital("lcp", lcp + pv as f64 * 200.0, 2500));
            logs.push(vital("inp", 120.5, 9000));
            logs.push(vital("cls", 0.02, 9000));
            // CLS again later with the same id: the final value wins.
            logs.push(vital("cls", 0.12, 30_000));
            let start = nanos(t);
            spans.push(
                json!({"traceId": "t", "spanId": format!("d{pv}"), "name": "documentLoad", "kind": 1,
                "startTimeUnixNano": start, "endTimeUnixNano": nanos(t + 1500),
                "attributes": kv(&[("session.id", json!(sid)), ("url.full", json!(url))]),
                "events": [
                    {"name": "fetchStart", "timeUnixNano": start},
                    {"name": "responseStart", "timeUnixNano": nanos(t + 250)},
                    {"name": "firstContentfulPaint", "timeUnixNano": nanos(t + 900)},
                    {"name": "domInteractive", "timeUnixNano": nanos(t + 1000)},
                    {"name": "domComplete", "timeUnixNano": nanos(t + 1400)},
                    {"name": "loadEventEnd", "timeUnixNano": nanos(t + 1500)}
                ]}),
            );
            spans.push(json!({"traceId": "t", "spanId": format!("f{pv}"), "name": "HTTP GET", "kind": 3,
                "startTimeUnixNano": nanos(t + 3000), "endTimeUnixNano": format!("{}", (t + 3000) as i128 * 1_000_000 + 87_500_000),
                "attributes": kv(&[("session.id", json!(sid)), ("component", json!("fetch")), ("http.method", json!("GET")),
                                   ("http.url", json!("https://api.shop.test/cart")), ("http.status_code", json!(200)),
                                   ("http.response_content_length", json!(2048))])}));
            spans.push(json!({"traceId": "t", "spanId": format!("x{pv}"), "name": "POST", "kind": 3,
                "startTimeUnixNano": nanos(t + 4000), "endTimeUnixNano": nanos(t + 4300),
                "attributes": kv(&[("session.id", json!(sid)), ("http.request.method", json!("POST")),
                                   ("url.full", json!("https://api.shop.test/order")), ("http.response.status_code", json!(503))])}));
            spans.push(
                json!({"traceId": "t", "spanId": format!("r{pv}"), "name": "resourceFetch", "kind": 1,
                "startTimeUnixNano": nanos(t + 100), "endTimeUnixNano": nanos(t + 160),
                "attributes": kv(&[("session.id", json!(sid)), ("http.url", json!("https://cdn.shop.test/app.css"))])}),
            );
            spans.push(json!({"traceId": "t", "spanId": format!("c{pv}"), "name": "click", "kind": 1,
                "startTimeUnixNano": nanos(t + 8000), "endTimeUnixNano": nanos(t + 8040),
                "attributes": kv(&[("session.id", json!(sid)), ("event_type", json!("click")), ("target_element", json!("BUTTON")),
                                   ("target_xpath", json!("//*[@id=\"buy\"]"))])}));
        }
        logs.push(json!({"timeUnixNano": nanos(T0 + si as i64 * 600_000 + 50_000),
            "attributes": kv(&[("event.name", json!("exception")), ("session.id", json!(sid)), ("exception.type", json!("TypeError")),
                               ("exception.message", json!("cart is undefined")), ("exception.stacktrace", json!("TypeError: cart is undefined\n    at buy (app.js:1:2)"))])}));
        spans.push(json!({"traceId": "t", "spanId": "e", "name": "checkout", "kind": 1,
            "startTimeUnixNano": nanos(T0 + si as i64 * 600_000 + 55_000), "endTimeUnixNano": nanos(T0 + si as i64 * 600_000 + 56_000),
            "attributes": kv(&[("session.id", json!(sid))]),
            "events": [{"name": "exception", "timeUnixNano": nanos(T0 + si as i64 * 600_000 + 55_500),
                        "attributes": kv(&[("exception.type", json!("Error")), ("exception.message", json!("checkout failed"))])}]}));
        rl.push(json!({"resource": res, "scopeLogs": [{"scope": {"name": "@opentelemetry/instrumentation-web-vitals"}, "logRecords": logs}]}));
        rs.push(json!({"resource": res, "scopeSpans": [{"scope": {"name": "@opentelemetry/instrumentation-document-load"}, "spans": spans}]}));
    }
    json!({"resourceLogs": rl, "resourceSpans": rs})
}

#[test]
fn synthetic_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("otlp.json");
    std::fs::write(&p, serde_json::to_string_pretty(&synthetic()).unwrap()).unwrap();
    let ds = open(&p);
    assert_eq!(
        ds.report.files[0].detected,
        "OpenTelemetry: found `resourceLogs` and `resourceSpans`"
    );
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    // Per page view: page_view + lcp + inp + cls (re-sent once, deduplicated) + documentLoad = 5
    // views, 3 resources (fetch, XHR, resourceFetch), 1 click. Per session: 2 errors.
    let sm = summary(&ds, &Filter::default(), &SummaryOptions { top_values: 20 }).unwrap();
    assert_eq!(sm.rows, 3 * (2 * 9 + 2));
    assert_eq!(sm.sessions, 3);
    let by: Vec<(Option<String>, u64)> = sm.by_event_type.iter().map(|v| (v.value.clone(), v.count)).collect();
    for (t, n) in [("view", 30), ("resource", 18), ("action", 6), ("error", 6)] {
        assert!(by.contains(&(s(t), n)), "{t}: {by:?}");
    }

    let mut lcp: Vec<(Option<String>, u64, Option<f64>)> =
        breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp", &["session_id"]))
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.keys[0].clone(), r.n, r.p50))
            .collect();
    lcp.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        lcp,
        vec![
            (s("s1"), 2, Some(1900.0)),
            (s("s2"), 2, Some(3500.0)),
            (s("s3"), 2, Some(2300.0))
        ]
    );
    let cls = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("cls", &[])).unwrap();
    assert_eq!((cls.rows[0].n, cls.rows[0].p50), (6, Some(0.12)));
    let dev = breakdown(
        &ds,
        &Filter::default(),
        &BreakdownOptions::new("lcp", &["device_type", "release", "environment"]),
    )
    .unwrap();
    let keys: Vec<Vec<Option<String>>> = dev.rows.iter().map(|r| r.keys.clone()).collect();
    assert!(keys.contains(&vec![s("mobile"), s("3.1.0"), s("prod")]), "{keys:?}");
    assert!(keys.contains(&vec![s("desktop"), s("3.1.0"), s("prod")]), "{keys:?}");

    // documentLoad: marks relative to the span start, ns → ms.
    let v = text_rows(
        &ds,
        &[
            "event_type",
            "ttfb_ms",
            "fcp_ms",
            "dom_interactive_ms",
            "dom_complete_ms",
            "load_ms",
        ],
    );
    assert_eq!(
        v.iter()
            .filter(|x| x[1..] == [s("250.0"), s("900.0"), s("1000.0"), s("1400.0"), s("1500.0")])
            .count(),
        6
    );
    let r = text_rows(
        &ds,
        &[
            "event_type",
            "resource_url",
            "resource_type",
            "method",
            "status_code",
            "duration_ms",
            "transfer_bytes",
        ],
    );
    let res: Vec<_> = r.iter().filter(|x| x[0] == s("resource")).collect();
    assert!(res.contains(&&vec![
        s("resource"),
        s("https://api.shop.test/cart"),
        s("fetch"),
        s("GET"),
        s("200"),
        s("87.5"),
        s("2048")
    ]));
    assert!(res.contains(&&vec![
        s("resource"),
        s("https://api.shop.test/order"),
        None,
        s("POST"),
        s("503"),
        s("300.0"),
        None
    ]));
    assert!(res.contains(&&vec![
        s("resource"),
        s("https://cdn.shop.test/app.css"),
        None,
        None,
        None,
        s("60.0"),
        None
    ]));
    let a = text_rows(&ds, &["event_type", "action_type", "target", "duration_ms"]);
    assert_eq!(
        a.iter()
            .filter(|x| x[0] == s("action") && x[1] == s("click") && x[2] == s("//*[@id=\"buy\"]") && x[3] == s("40.0"))
            .count(),
        6
    );
    let e = text_rows(&ds, &["event_type", "error_type", "error_message", "ts", "session_id"]);
    assert!(e.contains(&vec![
        s("error"),
        s("Error"),
        s("checkout failed"),
        Some((T0 + 55_500).to_string()),
        s("s1")
    ]));
    assert!(e.contains(&vec![
        s("error"),
        s("TypeError"),
        s("cart is undefined"),
        Some((T0 + 650_000).to_string()),
        s("s2")
    ]));
}

#[test]
fn one_export_request_per_line() {
    let doc = synthetic();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("otlp.jsonl");
    let logs = json!({"resourceLogs": doc["resourceLogs"]});
    let spans = json!({"resourceSpans": doc["resourceSpans"]});
    std::fs::write(&p, format!("{logs}\n{spans}\n")).unwrap();
    let ds = open(&p);
    assert!(ds.report.files[0].detected.starts_with("OpenTelemetry"));
    assert_eq!(ds.report.rejected, 0);
    assert_eq!(ds.report.files[0].rows, Some(60));
}

#[test]
fn malformed_records_are_rejected_with_reasons() {
    let rec = |t: Value, attrs: &[(&str, Value)]| {
        let mut r = json!({"attributes": kv(attrs)});
        if !t.is_null() {
            r["timeUnixNano"] = t;
        }
        r
    };
    let wv = |v: Value| -> Vec<(&'static str, Value)> {
        vec![
            ("event.name", json!("browser.web_vital")),
            ("browser.web_vital.name", json!("LCP")),
            ("browser.web_vital.value", v),
        ]
    };
    let t = json!(nanos(T0));
    let logs = vec![
        rec(t.clone(), &wv(json!(1234.5))),        // 1 good
        rec(json!("abc"), &wv(json!(1.0))),        // 2 bad ns
        rec(Value::Null, &wv(json!(1.0))),         // 3 no time
        rec(json!("1000000000"), &wv(json!(1.0))), // 4 1970
        rec(t.clone(), &wv(json!(-3.0))),          // 5 negative
        rec(t.clone(), &wv(Value::Null)[..2]),     // 6 no value
        rec(t.clone(), &wv(json!("fast"))),        // 7 not a number
    ];
    let spans = vec![
        json!({"name": "HTTP GET", "startTimeUnixNano": nanos(T0), "endTimeUnixNano": nanos(T0 - 5),
               "attributes": kv(&[("http.method", json!("GET")), ("http.url", json!("https://a.test/"))])}), // 8 ends first
        json!({"name": "HTTP GET", "endTimeUnixNano": nanos(T0),
               "attributes": kv(&[("http.method", json!("GET")), ("http.url", json!("https://a.test/"))])}), // 9 no start
        json!({"name": "HTTP GET", "startTimeUnixNano": nanos(T0), "endTimeUnixNano": nanos(T0 + 20),
               "attributes": kv(&[("http.method", json!("GET")), ("http.url", json!("https://a.test/"))])}), // 10 good
    ];
    let doc = json!({
        "resourceLogs": [{"resource": {"attributes": kv(&[("service.name", json!("web"))])}, "scopeLogs": [{"scope": {"name": "x"}, "logRecords": logs}]}],
        "resourceSpans": [{"resource": {}, "scopeSpans": [{"scope": {"name": "y"}, "spans": spans}]}]
    });
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    std::fs::write(&p, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let ds = open(&p);
    assert!(ds.report.files[0].detected.starts_with("OpenTelemetry"));
    assert_eq!(ds.report.files[0].rows, Some(2));
    let got = reject_lines(&ds);
    assert_eq!(
        got,
        vec![
            (2, s("timeUnixNano")),
            (3, s("timeUnixNano")),
            (4, s("timeUnixNano")),
            (5, s("browser.web_vital.value")),
            (6, s("browser.web_vital.value")),
            (7, s("browser.web_vital.value")),
            (8, s("endTimeUnixNano")),
            (9, s("startTimeUnixNano")),
        ]
    );
    assert_eq!(ds.report.rejected, 8);
    let reasons: Vec<&str> = ds.report.reject_examples.iter().map(|r| r.reason.as_str()).collect();
    assert!(reasons[0].contains("expected epoch nanoseconds"), "{reasons:?}");
    assert!(reasons[1].contains("missing timestamp"));
    assert!(reasons[2].contains("out of range"));
    assert!(reasons[3].contains("negative"));
    assert!(reasons[4].contains("missing value"));
    assert!(reasons[5].contains("expected a number"));
    assert!(reasons[6].contains("before it starts"));
    let r = text_rows(&ds, &["event_type", "lcp_ms", "app", "duration_ms"]);
    assert!(r.contains(&vec![s("view"), s("1234.5"), s("web"), None]));
    assert!(r.contains(&vec![s("resource"), None, None, s("20.0")]));
}
