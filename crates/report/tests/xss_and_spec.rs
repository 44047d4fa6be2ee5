//! Attacker-controlled beacon strings stay text in every format, CSV formulas are
//! neutralised, and bad specs are refused with the place of the mistake.

mod common;

use rumlens_report::spec::ReportSpec;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(2)>";
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

/// Canonical NDJSON with payloads in a dimension (release), an error message and a page URL.
fn hostile_dataset() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for i in 0..60 {
        let release = match i % 3 {
            0 => SCRIPT,
            1 => FORMULA,
            _ => "\"><svg onload=alert(3)>",
        };
        let view = serde_json::json!({
            "event_type": "view", "ts": format!("2026-10-05T10:{:02}:00Z", i % 60),
            "session_id": format!("s{}", i % 20), "view_id": format!("v{i}"),
            "url": format!("https://x.example/p/{}?q=<b>", i % 4), "release": release,
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "lcp_ms": 1000.0 + 37.0 * i as f64, "inp_ms": 100.0 + i as f64, "cls": 0.01 * (i % 7) as f64
        });
        lines.push(view.to_string());
        if i % 4 == 0 {
            let err = serde_json::json!({
                "event_type": "error", "ts": format!("2026-10-05T10:{:02}:30Z", i % 60),
                "session_id": format!("s{}", i % 20), "url": "https://x.example/p/1",
                "release": release, "error_type": "TypeError",
                "error_message": format!("{IMG} {FORMULA}"),
            });
            lines.push(err.to_string());
        }
    }
    std::fs::write(dir.path().join("hostile.ndjson"), lines.join("\n") + "\n").unwrap();
    dir
}

fn hostile_spec() -> ReportSpec {
    ReportSpec::from_json(
        &format!(
            r#"{{"title": "{}", "inputs": ["hostile.ndjson"], "sections": [
              {{"kind": "summary"}},
              {{"kind": "breakdown", "metric": "lcp", "by": ["release"], "min_n": 5}},
              {{"kind": "trend", "metric": "lcp", "by": "release", "bucket": "15m"}},
              {{"kind": "errors", "by": "release"}},
              {{"kind": "errors", "chart": "heatmap"}},
              {{"kind": "funnel", "steps": ["/p/:id", "/p/:id"], "by": "release"}}
            ]}}"#,
            "Report <b>bold</b> & \\\"quoted\\\""
        ),
        "test",
    )
    .unwrap()
}

#[test]
fn payloads_are_text_everywhere() {
    let dir = hostile_dataset();
    let report = rumlens_report::run(&hostile_spec(), dir.path(), None).unwrap();

    let html = rumlens_report::html::html(&report).unwrap();
    common::assert_safe_html(&html);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "payload shown as text"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(!html.contains(IMG) && !html.contains(SCRIPT));
    assert!(html.contains("<title>Report &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;</title>"));

    // Every chart is well-formed SVG with the payload as text content.
    for (i, s) in report.sections.iter().enumerate() {
        if let Some(c) = rumlens_report::chart::render(s).unwrap() {
            let doc = roxmltree::Document::parse(&c.svg).unwrap_or_else(|e| panic!("chart {}: {e}", i + 1));
            assert!(!doc.descendants().any(|n| n.tag_name().name() == "script"));
        }
    }

    // CSV: formulas neutralised wherever a text cell starts with one.
    let files = rumlens_report::write(&report, &dir.path().join("csv/"), None).unwrap();
    let mut saw_formula = false;
    for f in &files {
        for row in common::read_csv(f) {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{}: {cell}",
                    f.display()
                );
                saw_formula |= cell.starts_with("'=HYPERLINK");
            }
        }
    }
    assert!(saw_formula, "the neutralised payload is kept, not dropped");

    // The PDF renders, and the payload is on it as text.
    let pdf = dir.path().join("r.pdf");
    rumlens_report::write(&report, &pdf, None).unwrap();
    let text = common::poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains(SCRIPT), "payload kept literally in the PDF text");
}

#[test]
fn events_export_csv_is_neutralised() {
    let dir = hostile_dataset();
    let ds = rumlens_engine::Dataset::open(
        &[dir.path().join("hostile.ndjson").to_string_lossy().into_owned()],
        &Default::default(),
    )
    .unwrap();
    let mut df = ds.filtered(&Default::default()).unwrap().collect().unwrap();
    let out = dir.path().join("events.csv");
    rumlens_engine::export::write_events(&mut df, &out).unwrap();
    let rows = common::read_csv(&out);
    assert_eq!(rows.len() - 1, df.height());
    let col = rows[0].iter().position(|h| h == "release").unwrap();
    assert!(rows[1..].iter().any(|r| r[col] == format!("'{FORMULA}")));
    assert!(rows[1..].iter().all(|r| !r[col].starts_with('=')));
    let ts = rows[0].iter().position(|h| h == "ts").unwrap();
    assert!(rows[1][ts].ends_with('Z'), "{}", rows[1][ts]);
}

fn spec_err(json: &str) -> String {
    ReportSpec::from_json(json, "spec.json").unwrap_err().to_string()
}

#[test]
fn bad_specs_name_the_mistake() {
    let base = r#""title": "t", "inputs": ["x.parquet"]"#;
    let e = spec_err(&format!(
        r#"{{{base}, "sections": [{{"kind": "breakdown", "metric": "lcp", "bye": ["browser"]}}]}}"#
    ));
    assert!(e.contains("section 1 (breakdown): unknown field `bye`"), "{e}");
    let e = spec_err(&format!(
        r#"{{{base}, "sections": [{{"kind": "trend", "metric": "lcp", "chart": "heatmap"}}]}}"#
    ));
    assert!(e.contains("chart `heatmap` does not fit"), "{e}");
    let e = spec_err(&format!(r#"{{{base}, "sections": [{{"kind": "pie"}}]}}"#));
    assert!(e.contains("pie"), "{e}");
    let e = spec_err(&format!(r#"{{{base}, "sections": []}}"#));
    assert!(e.contains("`sections` is empty"), "{e}");
    let e = spec_err(&format!(
        r#"{{{base}, "filters": ["nope=1"], "sections": [{{"kind": "summary"}}]}}"#
    ));
    assert!(e.contains("filters"), "{e}");
    let e = spec_err(&format!(
        r#"{{{base}, "version": 2, "sections": [{{"kind": "summary"}}]}}"#
    ));
    assert!(e.contains("version 2"), "{e}");
    let e = spec_err("{\n  \"title\": \"t\",\n  oops\n}");
    assert!(e.contains("line 3"), "{e}");
    let e = spec_err(&format!(
        r#"{{{base}, "sections": [{{"kind": "funnel", "steps": ["/"]}}]}}"#
    ));
    assert!(e.contains("at least 2 steps"), "{e}");
}

#[test]
fn spec_round_trips_and_app_filters_convert() {
    let spec = common::spec_for("events.parquet");
    let again = ReportSpec::from_json(&spec.to_json(), "again").unwrap();
    assert_eq!(spec, again);
    let mut f = rumlens_engine::Filter::default();
    f.add_spec("device_type=mobile,tablet").unwrap();
    f.add_spec("lcp>=2500").unwrap();
    f.from_ms = Some(1_791_000_000_123);
    let (items, from, to) = rumlens_report::spec::from_filter(&f);
    let back = rumlens_report::spec::to_filter(&items, from.as_deref(), to.as_deref()).unwrap();
    assert_eq!(back, f);
}

#[test]
fn schema_doc_is_current() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/report-spec.schema.json");
    let want = rumlens_report::spec::json_schema();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/report-spec.schema.json is stale: run UPDATE_DOCS=1 cargo test -p rumlens-report --test xss_and_spec"
    );
}

#[test]
fn example_spec_is_valid() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample-data/report-example.json");
    let spec = ReportSpec::load(&path).unwrap();
    let kinds: std::collections::BTreeSet<&str> = spec.sections.iter().map(|s| s.analysis.kind()).collect();
    assert_eq!(kinds.len(), 7, "the example covers every section kind: {kinds:?}");
}
