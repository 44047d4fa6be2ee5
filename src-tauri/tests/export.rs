//! Export through Tauri's mock runtime: a spec built by the app re-runs in the CLI's code path
//! (`rumlens_report::run` on the saved file) to the numbers the app's own queries show; reports,
//! charts and tables are written where the (test seam of the) save dialog says.

mod common;

use common::{invoke, mobile, sample, window};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

use rumlens_engine::{Dataset, Filter, OpenOptions};
use rumlens_report::run::SectionResult;
use rumlens_report::ReportSpec;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The sections the UI sends for Breakdown (by browser), Trends (daily p75), Compare, Errors.
fn sections() -> Value {
    json!([
        {"title": null, "filters": [], "chart": "bar", "kind": "breakdown", "metric": "lcp_ms", "by": ["browser"], "event_type": null, "min_n": 50},
        {"title": null, "filters": [], "chart": null, "kind": "trend", "metric": "lcp_ms", "stat": "p75", "bucket": "1d", "by": null, "event_type": null, "ci": false},
        {"title": null, "filters": [], "chart": null, "kind": "compare",
         "a": [{"column": "release", "values": ["1.4.0"], "negate": false}],
         "b": [{"column": "release", "values": ["1.5.0"], "negate": false}], "a_label": null, "b_label": null},
        {"title": null, "filters": [], "chart": "bar", "kind": "errors", "limit": 50, "by": null, "bucket": "auto", "fingerprint": null}
    ])
}

fn bytes(p: &Value) -> Vec<u8> {
    std::fs::read(p.as_str().expect("a path")).expect("written file")
}

#[test]
fn exported_spec_reruns_in_the_cli_to_the_apps_numbers() {
    let config = tempfile::tempdir().unwrap();
    let saves = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_CONFIG_HOME", config.path());
    std::env::set_var(rumlens_app::dialog::TEST_SAVE_DIR, saves.path());
    let (_app, w) = window();

    // Nothing open yet: no spec, no export.
    let args = json!({"title": "t", "sections": sections(), "filter": Filter::default()});
    assert_eq!(invoke(&w, "report_spec", args).unwrap_err()["code"], "no_dataset");
    let args = json!({"section": sections()[0], "filter": Filter::default(), "format": "png"});
    assert_eq!(invoke(&w, "export_chart", args).unwrap_err()["code"], "no_dataset");

    invoke(
        &w,
        "open_dataset",
        json!({"paths": [sample()], "onProgress": "__CHANNEL__:1"}),
    )
    .unwrap();

    // The spec of what is on screen: the dataset's absolute path, the filter bar as items.
    let spec = invoke(
        &w,
        "report_spec",
        json!({"title": "Mobile LCP review", "sections": sections(), "filter": mobile()}),
    )
    .unwrap();
    let abs = std::path::absolute(sample()).unwrap();
    assert_eq!(spec["inputs"], json!([abs.to_string_lossy()]));
    assert_eq!(
        spec["filters"],
        json!([{"column": "device_type", "values": ["mobile"], "negate": false}])
    );
    assert_eq!(spec["sections"].as_array().unwrap().len(), 4);

    // Saved through the dialog (test seam), then run the way `rumlens report` does.
    let saved = invoke(&w, "save_report_spec", json!({"spec": spec})).unwrap();
    let saved = PathBuf::from(saved.as_str().unwrap());
    assert_eq!(saved, saves.path().join("mobile-lcp-review.json"));
    let loaded = ReportSpec::load(&saved).unwrap();
    let report = rumlens_report::run(&loaded, saved.parent().unwrap(), None).unwrap();

    // Breakdown: every segment's n and p75 equal the app's breakdown under the same filter.
    let app_b = invoke(
        &w,
        "breakdown",
        json!({"seq": 1, "view": "breakdown", "filter": mobile(), "opts": {"metric": "lcp_ms", "by": ["browser"], "event_type": null, "min_n": 50}}),
    )
    .unwrap();
    let SectionResult::Breakdown(b) = &report.sections[0].result else {
        panic!("section 1 is not a breakdown")
    };
    let app_rows = app_b["rows"].as_array().unwrap();
    assert!(app_rows.len() >= 2, "several browsers on mobile");
    assert_eq!(b.rows.len(), app_rows.len());
    for (r, a) in b.rows.iter().zip(app_rows) {
        assert_eq!(json!(r.keys), a["keys"]);
        assert_eq!(json!(r.n), a["n"]);
        assert_eq!(r.p75, a["p75"].as_f64(), "p75 of {:?}", r.keys);
        assert_eq!(r.p75_ci_low, a["p75_ci_low"].as_f64());
    }

    // Trend: every daily point's value and n.
    let app_t = invoke(
        &w,
        "trend",
        json!({"seq": 1, "view": "trends", "filter": mobile(), "opts": {"metric": "lcp_ms", "stat": "p75", "bucket": {"ms": 86_400_000}, "by": null, "event_type": null, "max_series": 10, "ci": false}}),
    )
    .unwrap();
    let SectionResult::Trend(t) = &report.sections[1].result else {
        panic!("section 2 is not a trend")
    };
    let app_points = app_t["points"].as_array().unwrap();
    assert!(app_points.len() > 5);
    assert_eq!(t.points.len(), app_points.len());
    for (p, a) in t.points.iter().zip(app_points) {
        assert_eq!(json!(p.bucket_ms), a["bucket_ms"]);
        assert_eq!(json!(p.n), a["n"]);
        assert_eq!(p.value, a["value"].as_f64());
    }

    // Compare: segments A and B also take the report's filter, as in the app's Compare view.
    let and_release = |v: &str| {
        let mut f = mobile();
        f["dims"]
            .as_array_mut()
            .unwrap()
            .push(json!({"column": "release", "values": [v], "negate": false}));
        f
    };
    let app_c = invoke(
        &w,
        "compare",
        json!({"seq": 1, "view": "compare", "a": and_release("1.4.0"), "b": and_release("1.5.0")}),
    )
    .unwrap();
    let SectionResult::Compare { result: c, .. } = &report.sections[2].result else {
        panic!("section 3 is not a compare")
    };
    for (r, a) in c.rows.iter().zip(app_c["rows"].as_array().unwrap()) {
        assert_eq!(json!(r.a.as_ref().map(|x| x.n)), a["a"]["n"]);
        assert_eq!(r.b.as_ref().and_then(|x| x.p75), a["b"]["p75"].as_f64());
    }

    export_report_formats(&w, &spec, saves.path());
    export_one_view(&w, saves.path());
    bad_specs(&w, &spec);
}

fn export_report_formats(w: &WebviewWindow<MockRuntime>, spec: &Value, dir: &Path) {
    let pdf = invoke(
        w,
        "export_report",
        json!({"spec": spec, "format": "pdf", "onProgress": "__CHANNEL__:2"}),
    )
    .unwrap();
    assert_eq!(pdf, json!([dir.join("mobile-lcp-review.pdf").to_string_lossy()]));
    assert!(bytes(&pdf[0]).starts_with(b"%PDF"));

    let html = invoke(
        w,
        "export_report",
        json!({"spec": spec, "format": "html", "onProgress": "__CHANNEL__:3"}),
    )
    .unwrap();
    let html = String::from_utf8(bytes(&html[0])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "the HTML report runs no script"
    );

    // CSV: one file per table into the chosen folder; the breakdown's first.
    let csv = invoke(
        w,
        "export_report",
        json!({"spec": spec, "format": "csv", "onProgress": "__CHANNEL__:4"}),
    )
    .unwrap();
    let files: Vec<&str> = csv.as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(files.len() >= 4, "{files:?}");
    assert!(files
        .iter()
        .all(|f| f.starts_with(&*dir.join("mobile-lcp-review-csv").to_string_lossy())));
    let first = std::fs::read_to_string(files[0]).unwrap();
    assert!(first.starts_with("browser,n,"), "{first}");
}

fn export_one_view(w: &WebviewWindow<MockRuntime>, dir: &Path) {
    let breakdown = &sections()[0];
    let png = invoke(
        w,
        "export_chart",
        json!({"section": breakdown, "filter": mobile(), "format": "png"}),
    )
    .unwrap();
    assert_eq!(
        png,
        json!(dir.join("rumlens-breakdown-lcp_ms-by-browser.png").to_string_lossy())
    );
    assert!(bytes(&png).starts_with(b"\x89PNG\r\n\x1a\n"));
    let svg = invoke(
        w,
        "export_chart",
        json!({"section": sections()[1], "filter": mobile(), "format": "svg"}),
    )
    .unwrap();
    let svg = String::from_utf8(bytes(&svg)).unwrap();
    assert!(svg.contains("<svg"), "{}", &svg[..svg.len().min(200)]);

    // The view's main table: the same rows as the app's breakdown.
    let csv = invoke(w, "export_table", json!({"section": breakdown, "filter": mobile()})).unwrap();
    let text = String::from_utf8(bytes(&csv)).unwrap();
    assert!(text.starts_with("browser,n,p50,p75"), "{text}");
    let ds = Dataset::open(&[sample()], &OpenOptions::default()).unwrap();
    let f: Filter = serde_json::from_value(mobile()).unwrap();
    let opts = rumlens_engine::analysis::breakdown::BreakdownOptions::new("lcp_ms", &["browser"]);
    let want = rumlens_engine::analysis::breakdown::breakdown(&ds, &f, &opts).unwrap();
    assert_eq!(text.lines().count(), want.rows.len() + 1);

    // A section drawn without a chart has none to export.
    let mut no_chart = breakdown.clone();
    no_chart["chart"] = json!("none");
    let err = invoke(
        w,
        "export_chart",
        json!({"section": no_chart, "filter": mobile(), "format": "svg"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
}

fn bad_specs(w: &WebviewWindow<MockRuntime>, spec: &Value) {
    let mut empty = spec.clone();
    empty["sections"] = json!([]);
    let err = invoke(
        w,
        "export_report",
        json!({"spec": empty, "format": "pdf", "onProgress": "__CHANNEL__:5"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_spec");
    assert!(err["message"].as_str().unwrap().contains("sections"), "{err}");

    let mut wrong_chart = spec.clone();
    wrong_chart["sections"][0]["chart"] = json!("line");
    let err = invoke(w, "save_report_spec", json!({"spec": wrong_chart})).unwrap_err();
    assert_eq!(err["code"], "bad_spec");

    let one_step = json!({"title": null, "filters": [], "chart": null, "kind": "funnel", "steps": ["/"], "mode": "ordered", "by": null});
    let err = invoke(
        w,
        "report_spec",
        json!({"title": "t", "sections": [one_step], "filter": mobile()}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_spec");

    let unknown_metric = json!({"title": null, "filters": [], "chart": null, "kind": "hist", "metric": "nonsense", "bins": 10, "log": false, "min": null, "max": null, "event_type": null});
    let err = invoke(
        w,
        "export_table",
        json!({"section": unknown_metric, "filter": mobile()}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_spec", "{err}");
}

#[test]
fn a_cancelled_export_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ds = Dataset::open(&[sample()], &OpenOptions::default()).unwrap();
    let source = rumlens_app::state::Source {
        paths: vec![sample()],
        mapping: None,
    };
    let sections: Vec<rumlens_report::spec::Section> = serde_json::from_value(sections()).unwrap();
    let spec = rumlens_app::export::build_spec("c", sections, &Filter::default(), &source).unwrap();
    let out = dir.path().join("c.pdf");
    let seen = std::sync::Mutex::new(Vec::new());
    let stop_after_two = |done: usize, total: usize| {
        seen.lock().unwrap().push((done, total));
        done < 2
    };
    let err = rumlens_app::export::export_report(
        &ds,
        &spec,
        rumlens_app::export::ReportFormat::Pdf,
        &out,
        &stop_after_two,
    )
    .unwrap_err();
    assert_eq!(err.code, "cancelled");
    assert!(!out.exists());
    assert_eq!(*seen.lock().unwrap(), vec![(1, 5), (2, 5)]);
}

/// The section every view sends with its default options (written by the UI's tests,
/// ui/tests/fixtures/view-sections.json) is a valid spec section, and computes on the sample,
/// chart and table included.
#[test]
fn ui_sections_are_valid_specs() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/tests/fixtures/view-sections.json");
    let views: std::collections::BTreeMap<String, Vec<rumlens_report::spec::Section>> =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(views.len(), 7);
    let ds = Dataset::open(&[sample()], &OpenOptions::default()).unwrap();
    let source = rumlens_app::state::Source {
        paths: vec![sample()],
        mapping: None,
    };
    let dir = tempfile::tempdir().unwrap();
    for (view, sections) in views {
        let spec = rumlens_app::export::build_spec(&view, sections.clone(), &Filter::default(), &source)
            .unwrap_or_else(|e| panic!("{view}: {e}"));
        let report = rumlens_report::run_on(&spec, &ds, None).unwrap_or_else(|e| panic!("{view}: {e}"));
        assert_eq!(report.sections.len(), sections.len());
        let one = rumlens_app::export::section_spec(sections[0].clone(), &Filter::default(), &source).unwrap();
        let png = dir.path().join(format!("{view}.png"));
        rumlens_app::export::export_chart(&ds, &one, rumlens_app::export::ChartFormat::Png, &png)
            .unwrap_or_else(|e| panic!("{view} chart: {e}"));
        let csv = dir.path().join(format!("{view}.csv"));
        rumlens_app::export::export_table(&ds, &one, &csv).unwrap_or_else(|e| panic!("{view} table: {e}"));
        assert!(std::fs::metadata(&csv).unwrap().len() > 20, "{view}: empty table");
    }
}
