//! Elastic APM RUM intake (v2 and v3): the public apm-server fixtures (expected values read by
//! hand), the same fixtures with the timestamp a capture must add, a synthetic multi-session
//! file round-tripped through summary and breakdown, and malformed lines.

mod common;

use common::{fixture, open, reject_lines, s, table, write_lines};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::{Dataset, Filter, OpenOptions};
use serde_json::{json, Value};

const VENDOR: &str = "elastic";

#[test]
fn apm_server_fixtures_as_published() {
    // v2 error: one error, timestamp in µs.
    let ds = open(&fixture(VENDOR, "intake-v2_errors_rum.ndjson"));
    assert!(
        ds.report.files[0].detected.contains("intake v2 `metadata`"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.rejected, 0);
    let rows = table(&ds);
    assert_eq!(rows.len(), 1);
    let e = &rows[0];
    assert_eq!(e["event_type"], json!("error"));
    assert_eq!(e["ts"], json!(1_512_735_530_291i64)); // 1512735530291000 µs
    assert_eq!(e["error_type"], json!("Error"));
    assert_eq!(e["error_message"], json!("Uncaught Error: timeout test error"));
    let stack = e["error_stack"].as_str().unwrap();
    assert_eq!(stack.lines().count(), 5);
    assert_eq!(
        stack.lines().next(),
        Some("at <anonymous> (http://localhost:8000/test/../test/e2e/general-usecase/bundle.js.map:1:18)")
    );
    assert_eq!(
        stack.lines().nth(1),
        Some("at invokeTask (http://localhost:8000/test/./e2e/general-usecase/bundle.js.map:1:181)")
    );
    assert_eq!(e["app"], json!("apm-agent-js"));
    assert_eq!(e["release"], json!("1.0.1"));
    assert_eq!(e["url"], json!("http://localhost:8000/test/e2e/general-usecase/"));
    assert_eq!(e["referrer"], json!("http://localhost:8000/test/e2e/"));
    assert_eq!(e["browser"], json!("Chrome")); // context.environment.userAgent
    assert_eq!(
        (e["screen_w"].clone(), e["screen_h"].clone()),
        (json!(1280), json!(800))
    );
    assert_eq!(e["source_format"], json!("elastic"));

    // The transaction lines of these captures carry no timestamp: rejected, with the reason.
    let ds = open(&fixture(VENDOR, "intake-v2_transactions_spans_rum.ndjson"));
    assert_eq!(ds.report.files[0].rows, Some(0));
    assert_eq!(ds.report.rejected, 1); // line 3 is a span of type `transaction`: no canonical event
    let r = &ds.report.reject_examples[0];
    assert_eq!((r.line, r.field.as_deref()), (2, Some("transaction.timestamp")));

    let ds = open(&fixture(VENDOR, "intake-v3_rum_events.ndjson"));
    assert!(
        ds.report.files[0].detected.contains("intake v3 `m`"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.files[0].rows, Some(0));
    assert_eq!(ds.report.rejected, 1);
    let r = &ds.report.reject_examples[0];
    assert_eq!((r.line, r.field.as_deref()), (2, Some("x.timestamp")));
    assert!(r.reason.contains("APM Server stamps"), "{}", r.reason);

    // Metadata only: recognised, nothing to import.
    let ds = open(&fixture(VENDOR, "intake-v3_metadata.ndjson"));
    assert_eq!((ds.report.files[0].rows, ds.report.rejected), (Some(0), 0));
}

/// The fixture's line `line` (1-based) with `timestamp` added to its event object.
fn with_timestamp(name: &str, line: usize, us: i64) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(VENDOR, name)).unwrap();
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 != line {
                return l.to_string();
            }
            let mut v: Value = serde_json::from_str(l).unwrap();
            let obj = v.as_object_mut().unwrap().values_mut().next().unwrap();
            obj.as_object_mut().unwrap().insert("timestamp".into(), json!(us));
            v.to_string()
        })
        .collect()
}

#[test]
fn apm_server_fixtures_with_capture_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let t0_us: i64 = 1_700_000_000_000_000;
    let t0: i64 = 1_700_000_000_000;

    // v3: the page-load transaction and its nested spans.
    let p = write_lines(
        dir.path(),
        "v3.ndjson",
        &with_timestamp("intake-v3_rum_events.ndjson", 2, t0_us),
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    let rows = table(&ds);
    let views: Vec<_> = rows.iter().filter(|r| r["event_type"] == json!("view")).collect();
    assert_eq!(views.len(), 1);
    let v = views[0];
    assert_eq!(v["ts"], json!(t0));
    assert_eq!(v["view_id"], json!("ec2e280be8345240"));
    assert_eq!(v["app"], json!("apm-a-rum-test-e2e-general-usecase")); // m.se.n
    assert_eq!(v["release"], json!("0.0.1")); // m.se.ve
    assert_eq!(v["environment"], json!("prod")); // m.se.en
    assert_eq!(v["connection_type"], json!("5g")); // m.n.c.t "5G"
    assert_eq!(v["url"], json!("http://localhost:8000/test/e2e/general-usecase/"));
    assert_eq!(v["referrer"], json!("http://localhost:8000/test/e2e/"));
    assert_eq!(v["navigation_type"], json!("navigate"));
    assert_eq!(v["ttfb_ms"], json!(5.0)); // k.a.fb
    assert_eq!(v["fcp_ms"], json!(70.82500003930181)); // k.a.fp
    assert_eq!(v["lcp_ms"], json!(131.03000004775822)); // k.a.lp
    assert_eq!(v["dom_interactive_ms"], json!(120.0)); // k.a.di
    assert_eq!(v["dom_complete_ms"], json!(138.0)); // k.a.dc
    assert_eq!(v["load_ms"], json!(138.0)); // k.nt.ee
    assert_eq!(v["cls"], json!(1.0)); // exp.cls
                                      // Spans: 1 resource timing (script) + 3 external HTTP calls; the 3 hard-navigation and
                                      // the custom span have no canonical event.
    let res: Vec<_> = rows.iter().filter(|r| r["event_type"] == json!("resource")).collect();
    assert_eq!(res.len(), 4);
    assert_eq!(rows.len(), 5);
    let script = res.iter().find(|r| r["resource_type"] == json!("script")).unwrap();
    assert_eq!(script["ts"], json!(t0 + 23)); // s = 22.53… ms after the transaction
    assert_eq!(
        script["resource_url"],
        json!("http://localhost:8000/test/e2e/general-usecase/app.e2e-bundle.min.js?token=REDACTED")
    );
    assert_eq!(script["duration_ms"], json!(35.060000023804605));
    assert_eq!(script["transfer_bytes"], json!(677175));
    assert_eq!(script["view_id"], json!("ec2e280be8345240"));
    let get = res.iter().find(|r| r["method"] == json!("GET")).unwrap();
    assert_eq!(
        get["resource_url"],
        json!("http://localhost:8000/test/e2e/common/data.json?test=hamid")
    );
    assert_eq!(get["status_code"], json!(200));
    assert_eq!(get["resource_type"], json!("xhr"));
    assert_eq!(get["ts"], json!(t0 + 99)); // s = 98.94
    assert_eq!(get["duration_ms"], json!(6.72499998472631));
    let posts: Vec<_> = res.iter().filter(|r| r["method"] == json!("POST")).collect();
    assert_eq!(posts.len(), 2);

    // v2: the transaction (no marks) and its span of type `transaction` (dropped).
    let p = write_lines(
        dir.path(),
        "v2.ndjson",
        &with_timestamp("intake-v2_transactions_spans_rum.ndjson", 2, t0_us),
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    let rows = table(&ds);
    assert_eq!(rows.len(), 1);
    let v = &rows[0];
    assert_eq!(v["event_type"], json!("view"));
    assert_eq!(v["load_ms"], json!(643.0)); // duration (no navigationTiming marks)
    assert_eq!(v["cls"], json!(1.0));
    assert_eq!(
        (v["app"].clone(), v["release"].clone()),
        (json!("apm-agent-js"), json!("1.0.0"))
    );
    assert_eq!(v["connection_type"], json!("5g"));
    assert!(v["ttfb_ms"].is_null());
}

const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

fn v2_page_load(id: &str, session: &str, us: i64, url: &str, lcp: f64, load: f64) -> String {
    json!({"transaction": {
        "id": id, "trace_id": format!("{id}{id}"), "type": "page-load", "name": "/", "timestamp": us,
        "duration": load + 20.0, "span_count": {"started": 2}, "sampled": true,
        "session": {"id": session, "sequence": 1},
        "context": {"page": {"url": url, "referer": "https://www.google.com/"},
                    "request": {"headers": {"user-agent": CHROME}}},
        "marks": {"agent": {"timeToFirstByte": 180.5, "domInteractive": 600, "domComplete": load - 5.0,
                            "firstContentfulPaint": 420, "largestContentfulPaint": lcp},
                  "navigationTiming": {"fetchStart": 0, "responseStart": 180.5, "loadEventEnd": load}},
        "experience": {"cls": 0.12, "fid": 3, "tbt": 40, "longtask": {"count": 1, "sum": 60, "max": 60}}
    }})
    .to_string()
}

#[test]
fn synthetic_v2_and_v3_round_trip() {
    let t0: i64 = 1_791_158_400_000; // 2026-10-05T00:00:00Z
    let us = |ms: i64| ms * 1000;
    let meta = |version: &str| {
        json!({"metadata": {"service": {"name": "shop-web", "version": version, "environment": "production",
            "agent": {"name": "rum-js", "version": "5.16.0"}, "language": {"name": "javascript"}},
            "network": {"connection": {"type": "4g"}}}})
        .to_string()
    };
    let mut lines = vec![meta("2.3.0")];
    // Session A: page load, a fetch span (own timestamp), a resource span (start offset only),
    // an error, a click, a route change, a metricset.
    lines.push(v2_page_load(
        "a000000000000001",
        "sess-A",
        us(t0),
        "https://shop.test/",
        1800.0,
        2400.0,
    ));
    lines.push(json!({"span": {"id": "s1", "transaction_id": "a000000000000001", "trace_id": "t", "parent_id": "a000000000000001",
        "name": "GET /api/cart", "type": "external", "subtype": "http", "timestamp": us(t0 + 900), "start": 900, "duration": 120.25,
        "context": {"http": {"url": "https://shop.test/api/cart", "method": "GET", "response": {"status_code": 503, "transfer_size": 512}}}}}).to_string());
    lines.push(json!({"span": {"id": "s2", "transaction_id": "a000000000000001", "trace_id": "t", "parent_id": "a000000000000001",
        "name": "https://cdn.test/app.css", "type": "resource", "subtype": "link", "start": 50.4, "duration": 80,
        "context": {"http": {"url": "https://cdn.test/app.css", "response": {"transfer_size": 2048}}}}}).to_string());
    lines.push(json!({"span": {"id": "s3", "transaction_id": "a000000000000001", "trace_id": "t", "name": "Parsing the document",
        "type": "hard-navigation", "subtype": "browser-timing", "start": 10, "duration": 300}}).to_string());
    lines.push(json!({"error": {"id": "e1", "timestamp": us(t0 + 1500), "transaction_id": "a000000000000001", "trace_id": "t",
        "parent_id": "a000000000000001", "culprit": "app.js",
        "exception": {"type": "TypeError", "message": "x is undefined",
            "stacktrace": [{"abs_path": "https://shop.test/app.js", "filename": "app.js", "function": "render", "lineno": 10, "colno": 3}]},
        "context": {"page": {"url": "https://shop.test/", "referer": ""}}}}).to_string());
    lines.push(json!({"transaction": {"id": "a000000000000002", "trace_id": "t2", "type": "user-interaction", "name": "Click - button#buy",
        "timestamp": us(t0 + 5000), "duration": 95.5, "span_count": {"started": 0}, "session": {"id": "sess-A"},
        "context": {"page": {"url": "https://shop.test/"}}}}).to_string());
    lines.push(
        json!({"transaction": {"id": "a000000000000003", "trace_id": "t3", "type": "route-change", "name": "/cart",
        "timestamp": us(t0 + 6000), "duration": 450, "span_count": {"started": 0}, "session": {"id": "sess-A"},
        "context": {"page": {"url": "https://shop.test/cart"}}, "experience": {"cls": 0.01}}})
        .to_string(),
    );
    lines.push(
        json!({"metricset": {"timestamp": us(t0 + 6000), "samples": {"span.self_time.count": {"value": 1}},
        "transaction": {"name": "/cart", "type": "route-change"}}})
        .to_string(),
    );
    // A later batch from a newer release: session B.
    lines.push(meta("2.4.0"));
    lines.push(v2_page_load(
        "b000000000000001",
        "sess-B",
        us(t0 + 60_000),
        "https://shop.test/product/7",
        3200.0,
        4100.0,
    ));
    lines.push(v2_page_load(
        "b000000000000002",
        "sess-B",
        us(t0 + 90_000),
        "https://shop.test/product/8",
        2600.0,
        3000.0,
    ));
    // The agent re-sent the first page load after a retry: kept once.
    lines.push(v2_page_load(
        "b000000000000002",
        "sess-B",
        us(t0 + 90_000),
        "https://shop.test/product/8",
        2600.0,
        3000.0,
    ));

    let dir = tempfile::tempdir().unwrap();
    let p2 = write_lines(dir.path(), "intake-v2.ndjson", &lines);

    // v3 capture of session C (abbreviated keys, spans nested, timestamps added by the capture).
    let v3 = vec![
        json!({"m": {"se": {"n": "shop-web", "ve": "2.4.0", "en": "production", "a": {"n": "rum-js", "ve": "5.16.0"}},
            "n": {"c": {"t": "3g"}}}})
        .to_string(),
        json!({"x": {"id": "c000000000000001", "tid": "t", "n": "/", "t": "page-load", "d": 5100, "timestamp": us(t0 + 120_000),
            "ses": {"id": "sess-C", "seq": 1}, "yc": {"sd": 1},
            "c": {"p": {"url": "https://shop.test/", "rf": "https://bing.test/"}, "q": {"he": {"User-Agent": CHROME}, "mt": "GET"}},
            "k": {"a": {"fb": 600, "di": 2000, "dc": 4900, "fp": 1500, "lp": 4500}, "nt": {"fs": 0, "rs": 600, "ee": 5000}},
            "exp": {"cls": 0.3, "tbt": 500},
            "y": [{"id": "y1", "n": "POST /api/login", "t": "external", "su": "http", "s": 3000.4, "d": 250,
                   "c": {"h": {"mt": "POST", "url": "https://shop.test/api/login", "sc": 401}}}]}})
        .to_string(),
        json!({"e": {"id": "e9", "timestamp": us(t0 + 125_000), "xid": "c000000000000001", "tid": "t", "pid": "c000000000000001",
            "ex": {"t": "Error", "mg": "login failed", "st": [{"ap": "https://shop.test/login.js", "f": "login.js", "fn": "submit", "li": 4, "co": 9}]},
            "c": {"p": {"url": "https://shop.test/"}}}})
        .to_string(),
    ];
    let p3 = write_lines(dir.path(), "intake-v3.ndjson", &v3);

    let inputs = vec![p2.to_string_lossy().into_owned(), p3.to_string_lossy().into_owned()];
    let ds = Dataset::open(&inputs, &OpenOptions::default()).unwrap();
    assert_eq!(ds.report.files.len(), 2);
    assert!(
        ds.report
            .files
            .iter()
            .all(|f| f.detected.starts_with("Elastic APM RUM")),
        "{:?}",
        ds.report.files
    );
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);

    let s = summary(&ds, &Filter::default(), &SummaryOptions { top_values: 20 }).unwrap();
    let by: Vec<(Option<String>, u64)> = s.by_event_type.iter().map(|v| (v.value.clone(), v.count)).collect();
    // views: A page load + route change, B ×2 (retry collapsed), C = 5; resources: 2 (A) + 1 (C);
    // errors: 2; actions: 1.
    assert_eq!(
        by,
        vec![
            (Some("view".into()), 5),
            (Some("resource".into()), 3),
            (Some("error".into()), 2),
            (Some("action".into()), 1)
        ]
    );
    assert_eq!(s.sessions, 3);
    let rel = s.dimensions.iter().find(|d| d.column == "release").unwrap();
    let rel: Vec<(Option<String>, u64)> = rel.values.iter().map(|v| (v.value.clone(), v.count)).collect();
    assert_eq!(rel, vec![(Some("2.3.0".into()), 6), (Some("2.4.0".into()), 5)]);

    let rows = table(&ds);
    let css = rows.iter().find(|r| r["resource_type"] == json!("css")).unwrap();
    assert_eq!(css["ts"], json!(t0 + 50)); // transaction ts + start 50.4 ms
    assert_eq!(css["transfer_bytes"], json!(2048));
    let api = rows
        .iter()
        .find(|r| r["resource_url"] == json!("https://shop.test/api/cart"))
        .unwrap();
    assert_eq!(
        (api["status_code"].clone(), api["duration_ms"].clone()),
        (json!(503), json!(120.25))
    );
    assert_eq!(api["ts"], json!(t0 + 900));
    let login = rows
        .iter()
        .find(|r| r["resource_url"] == json!("https://shop.test/api/login"))
        .unwrap();
    assert_eq!(
        (login["status_code"].clone(), login["ts"].clone()),
        (json!(401), json!(t0 + 123_000))
    );
    assert_eq!(login["effective_type"], json!("3g"));
    let click = rows.iter().find(|r| r["event_type"] == json!("action")).unwrap();
    assert_eq!(
        (
            click["action_type"].clone(),
            click["target"].clone(),
            click["duration_ms"].clone()
        ),
        (json!("click"), json!("button#buy"), json!(95.5))
    );
    let err = rows.iter().find(|r| r["error_type"] == json!("TypeError")).unwrap();
    assert_eq!(err["error_stack"], json!("at render (https://shop.test/app.js:10:3)"));
    assert_eq!(err["view_id"], json!("a000000000000001"));
    let route = rows.iter().find(|r| r["view_id"] == json!("a000000000000003")).unwrap();
    assert_eq!(route["load_ms"], json!(450.0));
    assert!(route["navigation_type"].is_null() && route["lcp_ms"].is_null());

    let b = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp", &["release"])).unwrap();
    let by: Vec<(Option<String>, u64, Option<f64>)> = b.rows.iter().map(|r| (r.keys[0].clone(), r.n, r.p50)).collect();
    // 2.4.0: 3200, 2600, 4500 → 3200; 2.3.0: 1800.
    assert_eq!(
        by,
        vec![
            (Some("2.4.0".into()), 3, Some(3200.0)),
            (Some("2.3.0".into()), 1, Some(1800.0))
        ]
    );
}

#[test]
fn malformed_lines_are_rejected_with_reasons() {
    let t0: i64 = 1_791_158_400_000;
    let tx = |id: &str, extra: Value| {
        let mut t = json!({"id": id, "trace_id": "t", "type": "page-load", "timestamp": t0 * 1000, "duration": 900,
            "span_count": {"started": 0}, "context": {"page": {"url": "https://a.test/"}}});
        for (k, v) in extra.as_object().unwrap() {
            t[k] = v.clone();
        }
        json!({ "transaction": t }).to_string()
    };
    let lines = vec![
        json!({"metadata": {"service": {"name": "a", "agent": {"name": "rum-js", "version": "5"}}}}).to_string(), // 1
        tx("good1", json!({})),                                                                                   // 2
        tx("bad1", json!({"duration": -3})),                                                                      // 3
        tx("bad2", json!({"timestamp": t0})), // 4: epoch ms where µs are expected → 1970
        tx("bad3", json!({"timestamp": null})), // 5: missing
        tx("bad4", json!({"experience": {"cls": "high"}})), // 6
        json!({"error": {"id": "e", "exception": {"message": "x"}}}).to_string(), // 7: no timestamp
        json!({"span": {"id": "s", "transaction_id": "nope", "type": "external", "subtype": "http", "start": 1, "duration": 2}}).to_string(), // 8
        json!({"transaction": {"id": "x"}, "error": {"id": "y"}}).to_string(), // 9: two events on a line
        json!({"profile": {}}).to_string(), // 10: unknown event
        "[1,2]".to_string(),                // 11
        json!({"span": {"id": "s2", "transaction_id": "good1", "type": "external", "subtype": "http", "start": 1, "duration": 2,
            "context": {"http": {"url": "https://a.test/x", "status_code": "oops"}}}})
        .to_string(), // 12
        tx("good2", json!({"marks": {"agent": {"largestContentfulPaint": 1234.5}}})), // 13
    ];
    let dir = tempfile::tempdir().unwrap();
    let p = write_lines(dir.path(), "bad.ndjson", &lines);
    let ds = open(&p);
    assert!(ds.report.files[0].detected.starts_with("Elastic APM RUM"));
    assert_eq!(ds.report.rejected, 10, "{:#?}", ds.report.reject_examples);
    assert_eq!(ds.report.files[0].rows, Some(2));
    let got = reject_lines(&ds);
    assert_eq!(
        got,
        vec![
            (3, s("transaction.duration")),
            (4, s("transaction.timestamp")),
            (5, s("transaction.timestamp")),
            (6, s("transaction.experience.cls")),
            (7, s("error.timestamp")),
            (8, s("span.timestamp")),
            (9, None),
            (10, s("profile")),
            (11, None),
            (12, s("span.context.http.status_code")),
        ]
    );
    let ex = &ds.report.reject_examples;
    assert!(ex.iter().all(|r| r.file == p));
    assert!(ex[0].reason.contains("negative"), "{}", ex[0].reason);
    assert!(ex[1].reason.contains("out of range"), "{}", ex[1].reason);
    assert!(ex[5].reason.contains("was not seen"), "{}", ex[5].reason);
    let rows = table(&ds);
    let ids: Vec<&Value> = rows.iter().map(|r| &r["view_id"]).collect();
    assert_eq!(ids, vec![&json!("good1"), &json!("good2")]);
    assert_eq!(rows[1]["lcp_ms"], json!(1234.5));
}
