//! Shared helpers of the report tests: generated data, a spec covering every section kind,
//! poppler tools, a strict CSV reader and HTML safety checks written independently of the
//! renderers.
#![allow(dead_code)]

use rumlens_engine::analysis::breakdown::{breakdown, Breakdown, BreakdownOptions};
use rumlens_engine::gen::{generate, GenOptions};
use rumlens_engine::{Dataset, Filter};
use rumlens_report::spec::ReportSpec;
use std::path::Path;

/// A temp folder holding `events.parquet`: `sessions` generated sessions (planted truths).
pub fn temp_dataset(sessions: usize, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut df = generate(&GenOptions { sessions, seed }).unwrap();
    rumlens_engine::export::write_events(&mut df, &dir.path().join("events.parquet")).unwrap();
    dir
}

/// A spec with every section kind over `input` (relative to the spec's folder).
pub fn spec_for(input: &str) -> ReportSpec {
    let json = format!(
        r#"{{
        "title": "Planted truths, checked",
        "inputs": ["{input}"],
        "sections": [
          {{"kind": "summary", "title": "Data"}},
          {{"kind": "breakdown", "metric": "lcp", "by": ["device_type", "browser"]}},
          {{"kind": "breakdown", "metric": "inp", "by": ["release"], "chart": "stacked_bar", "title": "INP ratings"}},
          {{"kind": "trend", "metric": "lcp", "bucket": "1d", "ci": true, "filters": ["browser=Mobile Safari"], "title": "Trend one"}},
          {{"kind": "trend", "metric": "lcp", "bucket": "1d", "by": "release", "title": "Trend by release"}},
          {{"kind": "hist", "metric": "lcp"}},
          {{"kind": "errors", "limit": 10}},
          {{"kind": "errors", "limit": 5, "chart": "heatmap", "title": "Heatmap"}},
          {{"kind": "funnel", "steps": ["/", "/product/:id", "/cart", "/checkout", "/confirmation"], "by": "device_type"}},
          {{"kind": "compare", "a": ["release=1.4.0"], "b": ["release=1.5.0"], "filters": ["browser=Mobile Safari", "device_type=mobile"], "title": "Regression"}}
        ]
    }}"#
    );
    ReportSpec::from_json(&json, "test").unwrap()
}

pub fn open(dir: &Path) -> Dataset {
    Dataset::open(
        &[dir.join("events.parquet").to_string_lossy().into_owned()],
        &Default::default(),
    )
    .unwrap()
}

pub fn engine_breakdown(dir: &Path, metric: &str, by: &[&str]) -> Breakdown {
    breakdown(&open(dir), &Filter::default(), &BreakdownOptions::new(metric, by)).unwrap()
}

/// Run a poppler-utils tool; they are installed by scripts/deps.sh.
pub fn poppler(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (poppler-utils, installed by scripts/deps.sh) did not run: {e}"));
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Share of pixels darker than light grey in a binary PGM (P5) image.
pub fn ink_share(pgm: &[u8]) -> f64 {
    // Header: "P5", width, height, maxval, each separated by whitespace, then one byte/pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[i + 1..i + 1 + w * h];
    pixels.iter().filter(|p| **p < 200).count() as f64 / (w * h) as f64
}

/// RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "{}: last record not terminated",
        path.display()
    );
    rows
}

/// The HTML parses strictly, runs nothing and loads nothing.
pub fn assert_safe_html(html: &str) {
    let doc = roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("HTML is not well-formed: {e}"));
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name().to_ascii_lowercase();
        assert!(
            !["script", "iframe", "object", "embed", "link", "img", "foreignobject"].contains(&name.as_str()),
            "<{name}> in the report"
        );
        for a in n.attributes() {
            let an = a.name().to_ascii_lowercase();
            assert!(!an.starts_with("on"), "event handler attribute {an}");
            if an == "href" || an == "src" {
                assert!(a.value().starts_with('#'), "external reference {an}={}", a.value());
            }
        }
    }
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("Content-Security-Policy"));
}
