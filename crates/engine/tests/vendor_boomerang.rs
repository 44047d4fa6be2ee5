//! boomerang / mPulse beacons: the public basicrum fixtures (expected values read by hand from
//! the files), a synthetic multi-session file round-tripped through summary and breakdown, and
//! malformed beacons.

mod common;

use common::{fixture, open, reject_lines, s, table};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::Filter;
use serde_json::{json, Map, Value};

const VENDOR: &str = "boomerang";

fn find<'a>(rows: &'a [Map<String, Value>], event: &str, view: &str) -> Vec<&'a Map<String, Value>> {
    rows.iter()
        .filter(|r| r["event_type"] == json!(event) && r["view_id"] == json!(view))
        .collect()
}

const SESSION_1: &str = "70074cfe-446b-4001-af58-ba4fd965c266-rh9f05";
const SESSION_2: &str = "dbfb9d18-2efc-4f3a-929a-2084cf141d64-rh9g9g";

#[test]
fn basicrum_ab_fixture() {
    let ds = open(&fixture(VENDOR, "basicrum_beacon_ab.json.lines"));
    assert!(
        ds.report.files[0]
            .detected
            .starts_with("boomerang / mPulse: found beacon parameters"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    let rows = table(&ds);
    // 11 beacons = 6 pages: 5 page-load + unload pairs collapse to their page-load beacon, and
    // one page (9js0togy) sent a single beacon. Lines 1, 3, 7, 9, 10 carry c.c.r=1.
    let views: Vec<_> = rows.iter().filter(|r| r["event_type"] == json!("view")).collect();
    let actions: Vec<_> = rows.iter().filter(|r| r["event_type"] == json!("action")).collect();
    assert_eq!((views.len(), actions.len(), rows.len()), (6, 5, 11));
    assert!(actions
        .iter()
        .all(|a| a["frustration"] == json!("rage") && a["action_type"] == json!("click")));

    // Line 1 (not the unload beacon of line 2): all from the fixture's strings, epoch ms.
    let v = find(&rows, "view", "aot3mvuv");
    assert_eq!(v.len(), 1);
    let v = v[0];
    assert_eq!(v["ts"], json!(1_661_579_573_277i64)); // rt.tstart
    assert_eq!(v["session_id"], json!(SESSION_1));
    assert_eq!(v["url"], json!("https://friend.com/"));
    assert_eq!(v["referrer"], json!("https://www.google.com/"));
    assert_eq!(v["source_format"], json!("boomerang"));
    assert_eq!(v["ttfb_ms"], json!(1300.0)); // nt_res_st 1661579574577 − nt_nav_st 1661579573277
    assert_eq!(v["fcp_ms"], json!(1618.0)); // pt.fcp
    assert_eq!(v["lcp_ms"], json!(2233.0)); // pt.lcp
    assert_eq!(v["dom_interactive_ms"], json!(1994.0)); // nt_domint 1661579575271 − nav
    assert_eq!(v["dom_complete_ms"], json!(2202.0)); // nt_domcomp 1661579575479 − nav
    assert_eq!(v["load_ms"], json!(2207.0)); // nt_load_end 1661579575484 − nav
    assert_eq!(v["cls"], json!(0.09678397256389808)); // c.cls
    assert_eq!(v["navigation_type"], json!("navigate")); // nt_nav_type 0
    assert_eq!(v["effective_type"], json!("4g"));
    assert_eq!(v["rtt_ms"], json!(50.0));
    assert_eq!(v["downlink_mbps"], json!(10.0));
    assert_eq!(
        (v["screen_w"].clone(), v["screen_h"].clone()),
        (json!(1536), json!(864))
    );
    assert_eq!(v["country"], json!("BG")); // Cf-Ipcountry header
    assert_eq!(v["browser"], json!("Chrome")); // parsed from the User-Agent header
    assert!(v["inp_ms"].is_null());
    // The rage click of line 1 is stamped at rt.end.
    let a = find(&rows, "action", "aot3mvuv");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["ts"], json!(1_661_579_575_484i64));

    // Line 5: back/forward navigation, served from cache (t_resp 5).
    let v = find(&rows, "view", "ad7jp5ar")[0];
    assert_eq!(v["navigation_type"], json!("back_forward"));
    assert_eq!(v["ttfb_ms"], json!(5.0));
    assert_eq!(v["load_ms"], json!(217.0)); // 1661579602281 − 1661579602064
    assert_eq!(v["referrer"], json!("https://friend.com/"));

    // Line 9: Firefox, the page's only beacon (sent at unload, with timings).
    let v = find(&rows, "view", "9js0togy")[0];
    assert_eq!(v["session_id"], json!(SESSION_2));
    assert_eq!(v["browser"], json!("Firefox"));
    assert_eq!(v["load_ms"], json!(2364.0)); // 1661581206568 − 1661581204204
    assert_eq!(v["fcp_ms"], json!(1922.0));
    assert!(v["lcp_ms"].is_null() && v["cls"].is_null() && v["effective_type"].is_null());
    assert_eq!(
        (v["screen_w"].clone(), v["screen_h"].clone()),
        (json!(1280), json!(720))
    );

    // The acceptance query: load by browser.
    let b = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("load", &["browser"])).unwrap();
    let by: Vec<(Option<String>, u64)> = b.rows.iter().map(|r| (r.keys[0].clone(), r.n)).collect();
    assert_eq!(by, vec![(Some("Chrome".into()), 4), (Some("Firefox".into()), 2)]);
    // Chrome loads 2207, 846, 217, 771 → median (771 + 846) / 2.
    assert_eq!(b.rows[0].p50, Some(808.5));
}

#[test]
fn basicrum_all_fields_and_duplicate_beacons() {
    let ds = open(&fixture(VENDOR, "basicrum_misc_all-fields.json.lines"));
    assert_eq!(ds.report.rejected, 0);
    let rows = table(&ds);
    assert_eq!(rows.len(), 2); // the view and one rage click (c.c.r=1)
    let v = find(&rows, "view", "aot3mvuv")[0];
    assert_eq!(v["lcp_ms"], json!(2233.0));
    assert_eq!(v["ttfb_ms"], json!(1300.0));

    // Two copies of the same page-load beacon (pid aot3mvuv, n=1) differing in mob.dl
    // ("10.7" then "10.3", floats as strings): one view, the later copy wins.
    let ds = open(&fixture(VENDOR, "basicrum_misc_mob-dl-float.json.lines"));
    assert_eq!(ds.report.rejected, 0);
    let rows = table(&ds);
    let views = find(&rows, "view", "aot3mvuv");
    assert_eq!(views.len(), 1);
    assert_eq!(views[0]["downlink_mbps"], json!(10.3));
    assert_eq!(find(&rows, "action", "aot3mvuv").len(), 1);
}

const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// A beacon as a basicrum collector stores it: every value a string.
fn beacon(pairs: &[(&str, String)], ua: &str, country: &str, created: &str) -> String {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), Value::String(v.clone()));
    }
    let headers = json!({"User-Agent": [ua], "Cf-Ipcountry": [country], "Accept": ["*/*"]});
    m.insert("request_headers".into(), Value::String(headers.to_string()));
    m.insert("created_at".into(), Value::String(created.into()));
    Value::Object(m).to_string()
}

fn page_load(si: &str, pid: &str, url: &str, t0: i64, ttfb: i64, load: i64, lcp: i64) -> Vec<(&'static str, String)> {
    vec![
        ("u", url.to_string()),
        ("pid", pid.to_string()),
        ("n", "1".into()),
        ("v", "1.815.1".into()),
        ("rt.si", si.to_string()),
        ("rt.start", "navigation".into()),
        ("rt.tstart", t0.to_string()),
        ("rt.end", (t0 + load).to_string()),
        ("t_done", load.to_string()),
        ("t_resp", ttfb.to_string()),
        ("t_page", (load - ttfb).to_string()),
        ("nt_nav_st", t0.to_string()),
        ("nt_res_st", (t0 + ttfb).to_string()),
        ("nt_domint", (t0 + load - 200).to_string()),
        ("nt_domcomp", (t0 + load - 10).to_string()),
        ("nt_load_st", (t0 + load - 5).to_string()),
        ("nt_load_end", (t0 + load).to_string()),
        ("nt_nav_type", "0".into()),
        ("pt.fp", (ttfb + 100).to_string()),
        ("pt.fcp", (ttfb + 100).to_string()),
        ("pt.lcp", lcp.to_string()),
        ("c.cls", "0.05".into()),
        ("mob.etype", "4g".into()),
        ("mob.rtt", "100".into()),
        ("mob.dl", "1.45".into()),
        ("scr.xy", "390x844".into()),
    ]
}

#[test]
fn synthetic_sessions_round_trip() {
    let t0: i64 = 1_791_158_400_000; // 2026-10-05T00:00:00Z
    let s1 = format!("0d6c2a4e-1111-4a4a-9c9c-000000000001-{}", radix36(t0 / 1000));
    let s2 = format!("0d6c2a4e-2222-4a4a-9c9c-000000000002-{}", radix36((t0 + 60_000) / 1000));
    let s3 = format!(
        "0d6c2a4e-3333-4a4a-9c9c-000000000003-{}",
        radix36((t0 + 120_000) / 1000)
    );
    let created = "2026-10-05 00:00:10";
    let mut lines = Vec::new();

    // Session 1, iPhone in France: page load with an error captured before onload (JSURL `err`,
    // count 2), its unload beacon, an XHR that failed with 404, a fetch beacon, an error beacon.
    let mut p = page_load(&s1, "aaaa0001", "https://shop.test/product/123", t0, 300, 2500, 2100);
    let err = "~(~(m~'Cannot*20read*20properties*20of*20undefined~t~'TypeError~d~'".to_string()
        + &radix36(t0 + 1500)
        + "~n~3~f~(~(l~12~c~5~f~'render~wo~'/app.js)~(l~1~c~99~w~'https://cdn.test/vendor.js))))";
    p.push(("err", err));
    p.push(("c.c.r", "2".into()));
    lines.push(beacon(&p, IPHONE, "FR", created));
    lines.push(beacon(
        &[
            ("u", "https://shop.test/product/123".into()),
            ("pid", "aaaa0001".into()),
            ("n", "2".into()),
            ("rt.si", s1.clone()),
            ("rt.tstart", t0.to_string()),
            ("rt.end", (t0 + 2500).to_string()),
            ("t_done", "2500".into()),
            ("rt.quit", "".into()),
            ("c.cls", "0.2".into()),
        ],
        IPHONE,
        "FR",
        created,
    ));
    lines.push(beacon(
        &[
            ("u", "https://shop.test/api/cart?id=9".into()),
            ("pgu", "https://shop.test/product/123".into()),
            ("pid", "aaaa0001".into()),
            ("n", "3".into()),
            ("rt.si", s1.clone()),
            ("rt.tstart", (t0 + 4000).to_string()),
            ("rt.end", (t0 + 4180).to_string()),
            ("t_done", "180".into()),
            ("http.initiator", "xhr".into()),
            ("http.method", "POST".into()),
            ("http.errno", "404".into()),
        ],
        IPHONE,
        "FR",
        created,
    ));
    lines.push(beacon(
        &[
            ("u", "https://shop.test/api/stock".into()),
            ("pgu", "https://shop.test/product/123".into()),
            ("pid", "aaaa0001".into()),
            ("n", "4".into()),
            ("rt.si", s1.clone()),
            ("rt.tstart", (t0 + 5000).to_string()),
            ("t_done", "95.5".into()),
            ("http.initiator", "xhr".into()),
            ("http.type", "f".into()),
            ("http.method", "GET".into()),
        ],
        IPHONE,
        "FR",
        created,
    ));
    lines.push(beacon(
        &[
            ("u", "https://shop.test/product/123".into()),
            ("pid", "aaaa0001".into()),
            ("n", "5".into()),
            ("rt.si", s1.clone()),
            ("rt.tstart", (t0 + 6000).to_string()),
            ("http.initiator", "error".into()),
            ("err", "~(~(m~'https*3a*2f*2fshop.test*2fapi*2fcart~c~500~v~3))".into()),
        ],
        IPHONE,
        "FR",
        created,
    ));

    // Session 2, Chrome desktop in Germany: an SPA (spa_hard + two soft navigations) and an
    // interaction beacon with a rage click.
    let mut p = page_load(&s2, "bbbb0001", "https://shop.test/", t0 + 60_000, 120, 1400, 1100);
    p.push(("http.initiator", "spa_hard".into()));
    lines.push(beacon(&p, CHROME, "DE", created));
    for (n, path, dur) in [("2", "/cart", 350), ("3", "/checkout", 800)] {
        lines.push(beacon(
            &[
                ("u", format!("https://shop.test{path}")),
                ("pid", "bbbb0001".into()),
                ("n", n.into()),
                ("rt.si", s2.clone()),
                ("rt.tstart", (t0 + 70_000).to_string()),
                ("rt.end", (t0 + 70_000 + dur).to_string()),
                ("t_done", dur.to_string()),
                ("http.initiator", "spa".into()),
                ("c.cls", "0.01".into()),
                ("et.inp", "180".into()),
            ],
            CHROME,
            "DE",
            created,
        ));
    }
    lines.push(beacon(
        &[
            ("u", "https://shop.test/checkout".into()),
            ("pid", "bbbb0001".into()),
            ("n", "4".into()),
            ("rt.si", s2.clone()),
            ("rt.tstart", (t0 + 80_000).to_string()),
            ("http.initiator", "interaction".into()),
            ("c.c", "5".into()),
            ("c.c.r", "1".into()),
            ("t_done", "40".into()),
        ],
        CHROME,
        "DE",
        created,
    ));

    // Session 3, Chrome desktop in Germany: two plain page loads, one a reload.
    lines.push(beacon(
        &page_load(&s3, "cccc0001", "https://shop.test/", t0 + 120_000, 200, 1800, 1500),
        CHROME,
        "DE",
        created,
    ));
    let mut p = page_load(
        &s3,
        "cccc0002",
        "https://shop.test/product/7",
        t0 + 130_000,
        250,
        2000,
        1700,
    );
    p.retain(|(k, _)| *k != "nt_nav_type");
    p.push(("nt_nav_type", "1".into()));
    lines.push(beacon(&p, CHROME, "DE", created));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("beacons.json.lines");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let ds = open(&path);
    assert!(
        ds.report.files[0].detected.starts_with("boomerang"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);

    let s = summary(&ds, &Filter::default(), &SummaryOptions { top_values: 20 }).unwrap();
    // views: aaaa0001 (load+unload collapsed), bbbb0001 hard + 2 soft, cccc0001, cccc0002 = 6;
    // resources 2; errors 3 (count 3) + 1 network = 4; actions 2 rage + 1 interaction = 3.
    let by: Vec<(Option<String>, u64)> = s.by_event_type.iter().map(|v| (v.value.clone(), v.count)).collect();
    assert_eq!(
        by,
        vec![
            (Some("view".into()), 6),
            (Some("error".into()), 4),
            (Some("action".into()), 3),
            (Some("resource".into()), 2)
        ]
    );
    assert_eq!(s.sessions, 3);
    assert_eq!(s.rows, 15);

    let rows = table(&ds);
    let v = find(&rows, "view", "aaaa0001");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["cls"], json!(0.05)); // the page-load beacon wins over the unload beacon
    assert_eq!(v[0]["downlink_mbps"], json!(1.45));
    assert_eq!(v[0]["device_type"], json!("mobile"));
    assert_eq!(v[0]["country"], json!("FR"));
    let errs = find(&rows, "error", "aaaa0001");
    assert_eq!(errs.len(), 4);
    let te: Vec<_> = errs.iter().filter(|e| e["error_type"] == json!("TypeError")).collect();
    assert_eq!(te.len(), 3);
    assert_eq!(te[0]["ts"], json!(t0 + 1500)); // base-36 `d`
    assert_eq!(te[0]["error_message"], json!("Cannot read properties of undefined"));
    assert_eq!(
        te[0]["error_stack"],
        json!("at render (https://shop.test/app.js:12:5)\nat https://cdn.test/vendor.js:1:99")
    );
    assert_eq!(te[0]["error_source"], json!("source"));
    let net: Vec<_> = errs.iter().filter(|e| e["error_source"] == json!("network")).collect();
    assert_eq!(net.len(), 1);
    assert_eq!(net[0]["status_code"], json!(500));
    assert_eq!(net[0]["error_message"], json!("https://shop.test/api/cart"));
    let res = find(&rows, "resource", "aaaa0001");
    let xhr = res.iter().find(|r| r["resource_type"] == json!("xhr")).unwrap();
    assert_eq!(xhr["resource_url"], json!("https://shop.test/api/cart?id=9"));
    assert_eq!(xhr["url"], json!("https://shop.test/product/123"));
    assert_eq!(
        (xhr["method"].clone(), xhr["status_code"].clone()),
        (json!("POST"), json!(404))
    );
    assert_eq!(xhr["duration_ms"], json!(180.0));
    let fetch = res.iter().find(|r| r["resource_type"] == json!("fetch")).unwrap();
    assert_eq!(fetch["duration_ms"], json!(95.5));
    assert!(fetch["status_code"].is_null());

    let soft = find(&rows, "view", "bbbb0001-3");
    assert_eq!(soft.len(), 1);
    assert_eq!(soft[0]["load_ms"], json!(800.0));
    assert_eq!(soft[0]["inp_ms"], json!(180.0));
    assert!(soft[0]["lcp_ms"].is_null());
    let reload = find(&rows, "view", "cccc0002")[0];
    assert_eq!(reload["navigation_type"], json!("reload"));
    assert_eq!(reload["dom_interactive_ms"], json!(1800.0));
    let inter: Vec<_> = find(&rows, "action", "bbbb0001");
    assert_eq!(inter.len(), 1);
    assert_eq!(inter[0]["action_type"], json!("click"));
    assert_eq!(inter[0]["frustration"], json!("rage"));

    let b = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp", &["device_type"])).unwrap();
    let by: Vec<(Option<String>, u64)> = b.rows.iter().map(|r| (r.keys[0].clone(), r.n)).collect();
    // LCP only on hard loads: desktop bbbb0001, cccc0001, cccc0002; mobile aaaa0001.
    assert_eq!(by, vec![(Some("desktop".into()), 3), (Some("mobile".into()), 1)]);
    assert_eq!(b.rows[0].p50, Some(1500.0));
}

#[test]
fn query_string_lines() {
    let t0: i64 = 1_791_158_400_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("beacons.log");
    let line = format!(
        "/beacon?u=https%3A%2F%2Fshop.test%2Fsearch%3Fq%3Da%26b&pid=qqqq0001&n=1&rt.si=s-{}&rt.tstart={t0}&t_done=900&nt_nav_st={t0}&nt_load_end={}&pt.lcp=640&mob.ct=wifi",
        radix36(t0 / 1000),
        t0 + 900
    );
    std::fs::write(&path, format!("{line}\nnot a beacon line\n")).unwrap();
    let ds = open(&path);
    assert!(
        ds.report.files[0].detected.contains("query string"),
        "{}",
        ds.report.files[0].detected
    );
    assert_eq!(ds.report.rejected, 1);
    assert_eq!(ds.report.reject_examples[0].line, 2);
    let rows = table(&ds);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["url"], json!("https://shop.test/search?q=a&b"));
    assert_eq!(rows[0]["load_ms"], json!(900.0));
    assert_eq!(rows[0]["lcp_ms"], json!(640.0));
    assert_eq!(rows[0]["connection_type"], json!("wifi"));
}

#[test]
fn malformed_beacons_are_rejected_with_reasons() {
    let t0: i64 = 1_791_158_400_000;
    let good = |pid: &str| {
        beacon(
            &page_load("sess-1", pid, "https://a.test/", t0, 100, 900, 700),
            CHROME,
            "US",
            "2026-10-05 00:00:01",
        )
    };
    let bad = |change: &[(&str, &str)], drop: &[&str]| {
        let mut p = page_load("sess-1", "bad00000", "https://a.test/", t0, 100, 900, 700);
        p.retain(|(k, _)| !drop.contains(k) && !change.iter().any(|(c, _)| c == k));
        for (k, v) in change {
            p.push((k, v.to_string()));
        }
        beacon(&p, CHROME, "US", "2026-10-05 00:00:01")
    };
    let no_ts = {
        let mut m: Map<String, Value> = serde_json::from_str(&bad(&[], &["rt.tstart", "nt_nav_st", "rt.end"])).unwrap();
        m.remove("created_at");
        Value::Object(m).to_string()
    };
    let lines = [
        good("good0001"),                                    // 1
        bad(&[("nt_domint", &(t0 - 5).to_string())], &[]),   // 2 before navigation start
        bad(&[("rt.tstart", "1661579573")], &["nt_nav_st"]), // 3 epoch seconds
        bad(&[("mob.rtt", "-5")], &[]),                      // 4 negative
        bad(&[("c.cls", "abc")], &[]),                       // 5 not a number
        bad(&[("err", "~(~(m~'oops")], &[]),                 // 6 broken JSURL
        no_ts,                                               // 7 no timestamp
        bad(&[("scr.xy", "big")], &[]),                      // 8 bad screen size
        bad(&[("http.initiator", "api_custom_timer")], &[]), // 9 unmapped type
        "[1, 2]".to_string(),                                // 10 not a map
        bad(&[("pt.lcp", "Infinity")], &[]),                 // 11 not finite
        good("good0002"),                                    // 12
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json.lines");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let ds = open(&path);
    assert!(ds.report.files[0].detected.starts_with("boomerang"));
    assert_eq!(ds.report.rejected, 10, "{:#?}", ds.report.reject_examples);
    assert_eq!(ds.report.files[0].rows, Some(2));
    let got = reject_lines(&ds);
    assert_eq!(
        got,
        vec![
            (2, s("nt_domint")),
            (3, s("rt.tstart")),
            (4, s("mob.rtt")),
            (5, s("c.cls")),
            (6, s("err")),
            (7, s("rt.tstart")),
            (8, s("scr.xy")),
            (9, s("http.initiator")),
            (10, None),
            (11, s("pt.lcp")),
        ]
    );
    let ex = &ds.report.reject_examples;
    assert!(ex.iter().all(|r| r.file == path));
    assert!(ex[0].reason.contains("before nt_nav_st"), "{}", ex[0].reason);
    assert!(ex[1].reason.contains("out of range"), "{}", ex[1].reason);
    assert!(ex[2].reason.contains("negative"), "{}", ex[2].reason);
    assert!(ex[5].reason.contains("no timestamp"), "{}", ex[5].reason);
    let rows = table(&ds);
    let pids: Vec<&Value> = rows
        .iter()
        .filter(|r| r["event_type"] == json!("view"))
        .map(|r| &r["view_id"])
        .collect();
    assert_eq!(pids, vec![&json!("good0001"), &json!("good0002")]);
}

fn radix36(mut n: i64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}
