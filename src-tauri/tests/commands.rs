//! The app's commands through Tauri's mock runtime: real IPC requests, real engine.

mod common;

use common::{invoke, mobile, sample, window, window_with_budget};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

use rumlens_app::state::AppState;
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::{Dataset, Filter, OpenOptions};
use serde_json::json;

#[test]
fn open_then_query_then_supersede() {
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_CONFIG_HOME", config.path());
    let (_app, w) = window();

    // Nothing open yet.
    let err = invoke(
        &w,
        "overview",
        json!({"seq": 1, "view": "overview", "filter": Filter::default()}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "no_dataset");

    // Open the sample; the progress channel id is any valid one.
    let info = invoke(
        &w,
        "open_dataset",
        json!({"paths": [sample()], "onProgress": "__CHANNEL__:7"}),
    )
    .unwrap();
    assert_eq!(info["summary"]["rows"], 6336);
    assert_eq!(info["report"]["rejected"], 0);

    // A filtered breakdown equals the engine's own answer for the same filter.
    let got = invoke(
        &w,
        "breakdown",
        json!({"seq": 1, "view": "breakdown", "filter": mobile(), "opts": {"metric": "lcp", "by": [], "event_type": null, "min_n": 50}}),
    )
    .unwrap();
    let ds = Dataset::open(&[sample()], &OpenOptions::default()).unwrap();
    let filter: Filter = serde_json::from_value(mobile()).unwrap();
    let want = breakdown(&ds, &filter, &BreakdownOptions::new("lcp", &[])).unwrap();
    assert_eq!(got["rows"][0]["n"], want.rows[0].n);
    assert_eq!(got["rows"][0]["p75"].as_f64(), want.rows[0].p75);

    // Overview tile n for LCP under the same filter.
    let o = invoke(
        &w,
        "overview",
        json!({"seq": 1, "view": "overview", "filter": mobile()}),
    )
    .unwrap();
    assert_eq!(o["vitals"][0]["stats"]["n"], want.rows[0].n);

    // An older query of the same view is superseded; other views are independent.
    invoke(&w, "trend", json!({"seq": 5, "view": "trends", "filter": Filter::default(), "opts": {"metric": "lcp", "stat": "p75", "bucket": "auto", "by": null, "event_type": null, "max_series": 10}})).unwrap();
    let stale = invoke(&w, "trend", json!({"seq": 3, "view": "trends", "filter": Filter::default(), "opts": {"metric": "lcp", "stat": "p75", "bucket": "auto", "by": null, "event_type": null, "max_series": 10}})).unwrap_err();
    assert_eq!(stale["code"], "superseded");

    // Bad arguments and bad files come back as {code, message}.
    let err = invoke(&w, "breakdown", json!({"seq": 2, "view": "breakdown", "filter": Filter::default(), "opts": {"metric": "nonsense", "by": [], "event_type": null, "min_n": 50}})).unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
    assert!(err["message"].as_str().unwrap().contains("unknown metric"));
    let bad = config.path().join("bad.parquet");
    std::fs::write(&bad, b"not parquet").unwrap();
    let err = invoke(
        &w,
        "open_dataset",
        json!({"paths": [bad], "onProgress": "__CHANNEL__:8"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_file");
    assert!(err["message"].as_str().unwrap().contains("bad.parquet"));

    // The failed open kept the previous dataset; the good one is remembered.
    assert!(invoke(
        &w,
        "summary",
        json!({"seq": 1, "view": "chips", "filter": Filter::default()})
    )
    .is_ok());
    let recent = invoke(&w, "recent_files", json!({})).unwrap();
    assert_eq!(recent[0]["paths"][0], sample());

    // In this test, not its own: tests share the process env (XDG_CONFIG_HOME).
    unknown_format_then_mapping_dialog(&w, config.path());
}

/// A warehouse export no format recognises: `unknown_format`, then the mapping dialog's
/// proposal, an open with it (remembered), and the saved mapping offered next time.
fn unknown_format_then_mapping_dialog(w: &WebviewWindow<MockRuntime>, dir: &std::path::Path) {
    const T0: i64 = 1_791_158_400;
    let lines: Vec<String> = (0..12)
        .map(|i| {
            json!({
                "page_url": format!("https://shop.example/p/{i}"),
                "event_time": T0 + i * 60,
                "lcp_seconds": 1.5 + i as f64 / 10.0,
                "session": format!("s{}", i % 4),
                "warehouse_load_id": "batch-7",
            })
            .to_string()
        })
        .collect();
    let file = dir.join("warehouse.ndjson");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let path = file.to_string_lossy().into_owned();

    let err = invoke(
        w,
        "open_dataset",
        json!({"paths": [path], "onProgress": "__CHANNEL__:9"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "unknown_format");
    assert!(err["message"].as_str().unwrap().contains("warehouse.ndjson"), "{err}");

    let p = invoke(w, "suggest_mapping", json!({"path": path})).unwrap();
    assert_eq!(p["path"], path);
    assert_eq!(p["saved"], false);
    let names: Vec<&str> = p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["page_url", "event_time", "lcp_seconds", "session", "warehouse_load_id"]
    );
    assert_eq!(p["columns"][1]["samples"].as_array().unwrap().len(), 5);
    assert_eq!(p["columns"][1]["samples"][0], T0.to_string());
    assert_eq!(p["columns"][2]["samples"][0], "1.5");
    let m = &p["mapping"];
    assert_eq!(m["columns"]["event_time"], json!({"to": "ts", "time": "epoch_s"}));
    assert_eq!(m["columns"]["lcp_seconds"], json!({"to": "lcp_ms", "unit": "s"}));
    assert_eq!(m["columns"]["page_url"]["to"], "url");
    assert_eq!(m["defaults"]["event_type"], "view");
    assert_eq!(m["_unmapped"], json!(["warehouse_load_id"]));
    let canonical = p["canonical"].as_array().unwrap();
    let lcp = canonical.iter().find(|c| c["name"] == "lcp_ms").unwrap();
    assert_eq!(lcp["duration"], true);
    assert_eq!(lcp["kind"], "float");

    // Open with the proposal as the dialog sends it back, and remember it.
    let info = invoke(
        w,
        "open_dataset",
        json!({"paths": [path], "onProgress": "__CHANNEL__:10", "mapping": m, "rememberMapping": true}),
    )
    .unwrap();
    assert_eq!(info["summary"]["rows"], 12);
    assert_eq!(info["report"]["rejected"], 0);
    assert_eq!(info["report"]["files"][0]["detected"], "column mapping");
    // The mock app's config dir is XDG_CONFIG_HOME itself.
    let saved: Vec<_> = std::fs::read_dir(dir.join("mappings")).unwrap().flatten().collect();
    assert_eq!(saved.len(), 1, "one mapping file saved");

    // Next time the saved mapping is offered (here: an edited one, to tell it apart).
    let mut edited = m.clone();
    edited["columns"]["session"] = json!({"to": "view_id"});
    invoke(
        w,
        "open_dataset",
        json!({"paths": [path], "onProgress": "__CHANNEL__:11", "mapping": edited, "rememberMapping": true}),
    )
    .unwrap();
    let again = invoke(w, "suggest_mapping", json!({"path": path})).unwrap();
    assert_eq!(again["saved"], true);
    assert_eq!(again["mapping"]["columns"]["session"]["to"], "view_id");
    assert_eq!(again["columns"], p["columns"]);

    // A bad mapping is an invalid argument, and is not saved.
    let mut bad = m.clone();
    bad["columns"]["session"] = json!({"to": "nonsense"});
    let err = invoke(
        w,
        "open_dataset",
        json!({"paths": [path], "onProgress": "__CHANNEL__:12", "mapping": bad, "rememberMapping": true}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
    let again = invoke(w, "suggest_mapping", json!({"path": path})).unwrap();
    assert_eq!(again["mapping"]["columns"]["session"]["to"], "view_id");
}

#[test]
fn cancelled_import_reports_cancelled() {
    use std::sync::atomic::AtomicBool;
    let cancel = AtomicBool::new(true);
    let sent = std::sync::Mutex::new(Vec::new());
    let send = |p| sent.lock().unwrap().push(p);
    match rumlens_app::service::open(&[sample()], false, None, u64::MAX, &send, &cancel) {
        Err(e) => assert_eq!(e.code, "cancelled"),
        Ok(_) => panic!("a cancelled import returned a dataset"),
    }
    let cancel = AtomicBool::new(false);
    let (_, info) = rumlens_app::service::open(&[sample()], false, None, u64::MAX, &send, &cancel).unwrap();
    let sent = sent.into_inner().unwrap();
    let last = sent.last().unwrap();
    assert!(last.finished);
    assert_eq!(last.rows, Some(info.summary.rows));
}

/// The same sample, loaded into memory under the machine's budget and streamed from disk under
/// a budget too small for it: the open says which, and the queries answer the same.
#[test]
fn over_the_memory_budget_the_dataset_streams_with_the_same_answers() {
    // `open_sample`, which leaves the recent list (in the config dir) alone, on the committed
    // sample; no other test opens the sample this way, so setting the variable races nothing.
    std::env::set_var("RUMLENS_SAMPLE", sample());
    // Default budget (RUMLENS_MEMORY_BUDGET_MB unset): the sample fits.
    let (mem_app, mem) = window();
    let info = invoke(&mem, "open_sample", json!({"onProgress": "__CHANNEL__:1"})).unwrap();
    let storage = &info["storage"];
    assert_eq!(storage["mode"], "memory", "{storage}");
    assert!(storage["bytes"].as_u64().unwrap() > 0, "{storage}");
    assert!(storage["budget_bytes"].as_u64().unwrap() > storage["bytes"].as_u64().unwrap());

    // A budget nothing fits in.
    let tiny = 1024;
    let (disk_app, disk) = window_with_budget(tiny);
    let streamed = invoke(&disk, "open_sample", json!({"onProgress": "__CHANNEL__:2"})).unwrap();
    let storage = &streamed["storage"];
    assert_eq!(storage["mode"], "streaming", "{storage}");
    assert_eq!(storage["budget_bytes"], tiny);
    let rows = info["summary"]["rows"].as_u64().unwrap();
    assert_eq!(
        storage["bytes"].as_u64(),
        Some(rows * rumlens_engine::store::BYTES_PER_EVENT),
        "estimated from the footer's rows: {storage}"
    );
    assert_eq!(streamed["summary"], info["summary"]);
    assert_eq!(streamed["report"], info["report"]);
    // What the windows hold is what they said.
    use tauri::Manager;
    let held = |app: &tauri::App<MockRuntime>| app.state::<AppState>().dataset("main").unwrap();
    assert!(!held(&mem_app).is_streaming() && held(&mem_app).memory().is_some());
    assert!(held(&disk_app).is_streaming() && held(&disk_app).memory().is_none());

    for (cmd, args) in [
        (
            "breakdown",
            json!({"seq": 1, "view": "breakdown", "filter": mobile(), "opts": {"metric": "lcp", "by": ["browser"], "event_type": null, "min_n": 1}}),
        ),
        ("overview", json!({"seq": 1, "view": "overview", "filter": mobile()})),
        (
            "errors",
            json!({"seq": 1, "view": "errors", "filter": Filter::default(), "opts": {}}),
        ),
    ] {
        let want = invoke(&mem, cmd, args.clone()).unwrap();
        let got = invoke(&disk, cmd, args).unwrap();
        let answered = ["rows", "vitals", "hotspots"]
            .iter()
            .any(|k| want[k].as_array().is_some_and(|a| !a.is_empty()));
        assert!(answered, "{cmd} answered nothing: {want}");
        assert_same(&got, &want, cmd);
    }
}

/// `got` equals `want` but for the last bits of floats (sums in another order: means differ
/// in the 16th digit between the engines).
fn assert_same(got: &serde_json::Value, want: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (got, want) {
        (Value::Number(g), Value::Number(w)) if g.is_f64() || w.is_f64() => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{path}: {g} != {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{path}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_same(g, w, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            assert_eq!(
                g.keys().collect::<Vec<_>>(),
                w.keys().collect::<Vec<_>>(),
                "{path}: keys"
            );
            for (k, w) in w {
                assert_same(&g[k], w, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}
