//! Datadog RUM adapter: the public SDK samples and API v2 export (expected values written from
//! reading them), view versions and partial `view_update`s merged into one view, and malformed
//! records.

mod common;

use common::{fixture, get, ndjson, open, open_all, rows_by_time};
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::{Dataset, Filter, OpenOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const VENDOR: &str = "datadog";

const SESSION: &str = "cacbf45c-3a05-48ce-b066-d76349460599";
const VIEW: &str = "623d50fd-75cf-4025-97d2-e51ff94171f6";
const APP_ID: &str = "ac8218cf-498b-4d33-bd44-151095959547";
const EXPLORER: &str = "https://app.datadoghq.com/rum/explorer?live=1h&query=&tab=view";

#[test]
fn sdk_view_sample_nanoseconds_to_ms() {
    let ds = open(&fixture(VENDOR, "sdk_sample_view.json"));
    let f = &ds.report.files[0];
    assert!(
        f.detected.starts_with("Datadog RUM: found browser-SDK events"),
        "{}",
        f.detected
    );
    assert_eq!((f.rows, f.rejected), (Some(1), 0));
    let r = &rows_by_time(&ds)[0];
    let want = json!({
        "event_type": "view", "ts": 1_591_283_924_940i64, "session_id": SESSION, "view_id": VIEW,
        "source_format": "datadog", "url": EXPLORER, "page_group": "/rum/explorer",
        "navigation_type": "navigate", "app": APP_ID,
        // Datadog's own device/OS fields (mobile SDK sample) win over UA parsing.
        "device_type": "tablet", "os": "iOS", "os_version": "15",
        // view.performance.* (ns) → ms; the deprecated twins agree here.
        "fcp_ms": 420.725, "lcp_ms": 20.0, "inp_ms": 20.0, "cls": 0.1,
        "load_ms": 2154.37, "dom_interactive_ms": 906.695, "dom_complete_ms": 2144.66,
    });
    assert_eq!(&Value::Object(r.clone()), &want);
}

#[test]
fn sdk_event_samples() {
    let names = [
        "sdk_sample_action.json",
        "sdk_sample_error.json",
        "sdk_sample_long_task.json",
        "sdk_sample_resource.json",
        "sdk_sample_vital.json",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(VENDOR, n)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let ds = open_all(&refs);
    assert_eq!(ds.report.rejected, 0);
    let rows = rows_by_time(&ds);
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert_eq!(get(r, "session_id"), SESSION);
        assert_eq!(get(r, "view_id"), VIEW);
        assert_eq!(get(r, "url"), EXPLORER);
        assert_eq!(get(r, "source_format"), "datadog");
    }
    let by_type = |t: &str| rows.iter().find(|r| get(r, "event_type") == t).unwrap();

    let res = by_type("resource");
    assert_eq!(get(res, "ts"), 1_591_284_175_328i64);
    assert_eq!(
        get(res, "resource_url"),
        "https://app.datadoghq.com/api/v1/logs-analytics/aggregate?type=rum"
    );
    assert_eq!(get(res, "resource_type"), "xhr");
    assert_eq!(get(res, "method"), "POST");
    assert_eq!(get(res, "status_code"), 200);
    assert_eq!(get(res, "duration_ms"), 246.58); // 246_580_000 ns
    assert_eq!(get(res, "transfer_bytes"), 3699); // transfer_size, not the body size

    let err = by_type("error");
    assert_eq!(
        get(err, "error_message"),
        "XHR error POST https://app.datadoghq.com/api/v1/logs-analytics/aggregate?type=rum"
    );
    assert_eq!(get(err, "error_source"), "network");
    assert_eq!(get(err, "error_stack"), "Failed to load");
    assert_eq!(get(err, "status_code"), 0); // error.resource.status_code: network failure
    assert_eq!(get(err, "method"), "POST");
    assert_eq!(get(err, "effective_type"), "4g");
    assert!(get(err, "fingerprint").is_string(), "derived by enrichment");

    let act = by_type("action");
    assert_eq!(get(act, "action_type"), "click");
    assert_eq!(get(act, "target"), "Options");
    assert_eq!(get(act, "duration_ms"), 566.25); // action.loading_time 566_250_000 ns
    assert_eq!(get(act, "frustration"), "rage"); // ["rage_click"]

    let lt = by_type("long_task");
    assert_eq!(get(lt, "duration_ms"), 71.455);

    let vital = by_type("vital");
    assert_eq!(get(vital, "target"), "user-timing");
    assert_eq!(get(vital, "duration_ms"), 0.0001); // vital.duration is ns too (100 ns)
}

#[test]
fn api_v2_page_and_its_ndjson_items_read_the_same() {
    let page = open(&fixture(VENDOR, "api_v2_rum_events_list_page1.json"));
    let f = &page.report.files[0];
    assert!(f.detected.contains("API v2 page"), "{}", f.detected);
    let items = open(&fixture(VENDOR, "api_v2_rum_events_page1.ndjson"));
    assert!(
        items.report.files[0].detected.contains("API v2 items"),
        "{}",
        items.report.files[0].detected
    );
    let (a, b) = (rows_by_time(&page), rows_by_time(&items));
    assert_eq!(a, b);
    assert_eq!(a.len(), 2);
    let js = &a[0];
    let want = json!({
        "event_type": "resource", "ts": 1_649_757_876_895i64, // attributes.timestamp (ISO)
        "session_id": "c842a0cc-0717-41ed-9319-53806b57eefc", "view_id": "c29e0f27-30aa-4e13-b4b9-4eddc396684b",
        "source_format": "datadog", "url": "https://example.datadoghq.eu/monitors/12345/edit",
        "page_group": "/monitors/:id/edit",
        "referrer": "https://example.datadoghq.eu/monitors/12345?from_ts=1649720111217&to_ts=1649736027006&eval_ts=1649736027006",
        "app": "web-ui", "release": "35.7643717", "environment": "prod", // tags
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.4896.75 Safari/537.36",
        "device_type": "desktop", // "Desktop" in the export
        "browser": "Chrome", "browser_version": "100", "os": "Mac OS X", "os_version": "10",
        "country": "GB", "region": "Europe", "subregion": "Northern Europe",
        "resource_url": "https://static.datadoghq.com/static/c/single-page-app_LogsFavorites.493d30ca539726b7fc61.min.js",
        "resource_type": "script", // js
        "duration_ms": 12.6,
    });
    assert_eq!(&Value::Object(js.clone()), &want);
    let xhr = &a[1];
    assert_eq!(get(xhr, "ts"), 1_649_757_877_029i64);
    assert_eq!(get(xhr, "country"), "IE");
    assert_eq!(get(xhr, "browser_version"), "99");
    assert_eq!(get(xhr, "status_code"), 200);
    assert_eq!(get(xhr, "method"), "POST");
    assert_eq!(get(xhr, "duration_ms"), 212.4);
    assert_eq!(get(xhr, "transfer_bytes"), 4107); // only `size` in this export
}

fn view(id: &str, version: i64, fields: Value) -> Value {
    let mut v = json!({"id": id, "url": "https://shop.test/cart", "loading_type": "initial_load"});
    for (k, x) in fields.as_object().unwrap() {
        v[k] = x.clone();
    }
    json!({"type": "view", "date": 1_791_158_400_000i64, "application": {"id": "app-1"}, "service": "shop",
           "version": "2.0.1", "session": {"id": "s-1", "type": "user"}, "view": v,
           "_dd": {"document_version": version, "format_version": 2}})
}

fn update(id: &str, version: i64, view: Value) -> Value {
    let mut v = view.as_object().unwrap().clone();
    v.insert("id".into(), json!(id));
    json!({"type": "view_update", "date": 1_791_158_400_000i64, "application": {"id": "app-1"},
           "session": {"id": "s-1", "type": "user"}, "view": v,
           "_dd": {"document_version": version, "format_version": 2}})
}

#[test]
fn view_versions_and_partial_updates_merge_into_one_view() {
    let dir = tempfile::tempdir().unwrap();
    let p = ndjson(
        dir.path(),
        "intake.ndjson",
        &[
            view(
                "v-1",
                1,
                json!({"first_byte": 300_000_000, "performance": {"lcp": {"timestamp": 2_345_000_000u64}}}),
            ),
            update(
                "v-1",
                3,
                json!({"performance": {"inp": {"duration": 180_000_000}, "cls": {"score": 0.05}}}),
            ),
            // Arrives late: fills what nothing newer set, overrides nothing newer.
            update(
                "v-1",
                2,
                json!({"dom_complete": 5_000_000_000u64, "performance": {"lcp": {"timestamp": 1}}}),
            ),
            view(
                "v-2",
                1,
                json!({"performance": {"lcp": {"timestamp": 4_500_000_000u64}}}),
            ),
            json!({"type": "error", "date": 1_791_158_401_000i64, "application": {"id": "app-1"},
                   "session": {"id": "s-1"}, "view": {"id": "v-1", "url": "https://shop.test/cart"},
                   "error": {"id": "e-1", "message": "boom", "type": "TypeError", "source": "source"}, "_dd": {}}),
            view(
                "v-1",
                5,
                json!({"performance": {"lcp": {"timestamp": 2_500_000_000u64}}}),
            ),
        ],
    );
    let ds = open(&p);
    assert_eq!(ds.report.rejected, 0);
    let rows = rows_by_time(&ds);
    let views: Vec<_> = rows.iter().filter(|r| get(r, "event_type") == "view").collect();
    assert_eq!(views.len(), 2, "one row per view.id");
    let v1 = views.iter().find(|r| get(r, "view_id") == "v-1").unwrap();
    assert_eq!(get(v1, "lcp_ms"), 2500.0); // version 5
    assert_eq!(get(v1, "ttfb_ms"), 300.0); // version 1, never updated
    assert_eq!(get(v1, "inp_ms"), 180.0); // version 3
    assert_eq!(get(v1, "cls"), 0.05);
    assert_eq!(get(v1, "dom_complete_ms"), 5000.0); // version 2, late
    assert_eq!(get(v1, "url"), "https://shop.test/cart");
    assert_eq!(get(v1, "app"), "shop");
    assert_eq!(get(v1, "release"), "2.0.1");
    assert_eq!(get(v1, "navigation_type"), "navigate");
    let v2 = views.iter().find(|r| get(r, "view_id") == "v-2").unwrap();
    assert_eq!(get(v2, "lcp_ms"), 4500.0);

    // Each page view counts once.
    let b = breakdown(&ds, &Filter::default(), &BreakdownOptions::new("lcp", &[])).unwrap();
    assert_eq!(b.rows[0].n, 2);
    assert_eq!(rows.iter().filter(|r| get(r, "event_type") == "error").count(), 1);
}

#[test]
fn the_view_update_sample_is_older_than_the_view_sample() {
    // The samples share a view.id; the update (version 2) is older than the view (version 9),
    // so the merged view is the view sample's, whatever the order of the lines.
    let dir = tempfile::tempdir().unwrap();
    let read =
        |n: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(fixture(VENDOR, n)).unwrap()).unwrap() };
    let (v, u) = (read("sdk_sample_view.json"), read("sdk_sample_view_update.json"));
    for (name, lines) in [("a.ndjson", [v.clone(), u.clone()]), ("b.ndjson", [u, v])] {
        let ds = open(&ndjson(dir.path(), name, &lines));
        let rows = rows_by_time(&ds);
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(get(&rows[0], "url"), EXPLORER);
        assert_eq!(get(&rows[0], "ts"), 1_591_283_924_940i64);
        assert_eq!(get(&rows[0], "lcp_ms"), 20.0);
    }
}

#[test]
fn export_items_overlapping_pages_and_synthetics() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture(VENDOR, "api_v2_rum_events_page1.ndjson")).unwrap();
    let items: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Two pages on two lines that overlap by one item (re-fetched page): the resource ids
    // de-duplicate.
    let mut synth = items[0].clone();
    synth["attributes"]["attributes"]["session"]["type"] = json!("synthetics");
    synth["attributes"]["attributes"]["resource"]["id"] = json!("other-id");
    let p = ndjson(
        dir.path(),
        "pages.ndjson",
        &[
            json!({"data": [items[0], items[1]]}),
            json!({"data": [items[1], synth]}),
        ],
    );
    let ds = open(&p);
    assert!(ds.report.files[0].detected.contains("API v2 page"));
    let rows = rows_by_time(&ds);
    assert_eq!(rows.len(), 3);
    let bots: Vec<_> = rows.iter().filter(|r| get(r, "device_type") == "bot").collect();
    assert_eq!(bots.len(), 1, "synthetic sessions are bots");
}

#[test]
fn malformed_records_are_rejected_with_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let good = json!({"type": "resource", "date": 1_791_158_400_000i64, "application": {"id": "a"},
                      "session": {"id": "s"}, "view": {"id": "v"}, "_dd": {},
                      "resource": {"type": "fetch", "url": "https://api.test/x", "duration": 5_000_000}});
    let mut negative = good.clone();
    negative["resource"]["duration"] = json!(-1);
    let mut transition = good.clone();
    transition["type"] = json!("transition");
    let mut no_date = good.clone();
    no_date.as_object_mut().unwrap().remove("date");
    let mut seconds = good.clone();
    seconds["date"] = json!(1_791_158_400);
    let item = json!({"type": "rum", "attributes": {"timestamp": "yesterday", "attributes": no_date}});
    let p = dir.path().join("mixed.ndjson");
    let lines = [
        good.to_string(),
        negative.to_string(),
        transition.to_string(),
        no_date.to_string(),
        seconds.to_string(),
        item.to_string(),
        "not json".to_string(),
    ];
    std::fs::write(&p, lines.join("\n")).unwrap();
    let ds = open(&p);
    assert_eq!(ds.report.files[0].rows, Some(1));
    let rejects: Vec<(u64, Option<String>, String)> = ds
        .report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.clone(), r.reason.clone()))
        .collect();
    assert_eq!(rejects.len(), 6, "{rejects:?}");
    let field = |line: u64| {
        rejects
            .iter()
            .find(|r| r.0 == line)
            .unwrap()
            .1
            .clone()
            .unwrap_or_default()
    };
    let reason = |line: u64| rejects.iter().find(|r| r.0 == line).unwrap().2.clone();
    assert_eq!(field(2), "resource.duration");
    assert!(reason(2).contains("negative"));
    assert_eq!(field(3), "type");
    assert!(reason(3).contains("`transition`"), "{}", reason(3));
    assert_eq!(field(4), "date");
    assert_eq!(field(5), "date");
    assert!(reason(5).contains("out of range"));
    assert_eq!(field(6), "attributes.timestamp");
    assert!(reason(7).contains("not a JSON object"));
}

#[test]
fn a_bad_item_in_a_page_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture(VENDOR, "api_v2_rum_events_page1.ndjson")).unwrap();
    let items: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut bad = items.clone();
    bad[1]["attributes"]["attributes"]["resource"]["duration"] = json!("slow");
    // A file holding one page is split into its items: the record number is the item's.
    let ds = open(&ndjson(dir.path(), "page.json", &[json!({"data": bad})]));
    let r = &ds.report.reject_examples[0];
    assert_eq!(
        (r.line, r.field.as_deref()),
        (2, Some("attributes.attributes.resource.duration"))
    );
    assert_eq!(ds.report.files[0].rows, Some(1));
    // Pages one per line: the line is rejected whole, naming the item.
    let ds = open(&ndjson(
        dir.path(),
        "pages.ndjson",
        &[json!({"data": items}), json!({"data": bad})],
    ));
    let r = &ds.report.reject_examples[0];
    assert_eq!(
        (r.line, r.field.as_deref()),
        (2, Some("data[1].attributes.attributes.resource.duration"))
    );
    assert!(r.reason.contains("`slow`"), "{}", r.reason);
    assert_eq!(ds.report.files[0].rows, Some(2));
}

#[test]
fn forced_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = ndjson(
        dir.path(),
        "one.ndjson",
        &[json!({"type": "long_task", "date": 1_791_158_400_000i64, "long_task": {"duration": 51_000_000}})],
    );
    let ds = Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            input_format: Some("datadog"),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        ds.report.files[0].detected,
        "Datadog RUM: forced with --input-format datadog"
    );
    assert_eq!(get(&rows_by_time(&ds)[0], "duration_ms"), 51.0);
}
