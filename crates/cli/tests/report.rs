//! `rumlens report`: the tables of a report equal, byte for byte, the CSV of the matching
//! subcommands under the same filters (one engine, one number), and its errors exit as
//! documented.

mod common;

use common::rumlens;

const SPEC: &str = "sample-data/report-example.json";
const PQ: &str = "sample-data/shop.parquet";
const BASE: [&str; 4] = ["--filter", "environment=prod", "--filter", "device_type!=bot"];

fn table(dir: &std::path::Path, prefix: &str, suffix: &str) -> Vec<u8> {
    let f = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(prefix) && n.ends_with(suffix)
        })
        .unwrap_or_else(|| panic!("no {prefix}*{suffix} in {}", dir.display()));
    std::fs::read(f).unwrap()
}

fn csv_of(args: &[&str]) -> Vec<u8> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(BASE);
    all.extend(["--format", "csv"]);
    let out = rumlens(&all);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn report_tables_equal_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = format!("{}/", dir.path().display());
    let out = rumlens(&["report", SPEC, "--out", &out_dir]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = dir.path();
    assert_eq!(
        table(d, "02-", "-breakdown.csv"),
        csv_of(&["breakdown", PQ, "--metric", "lcp", "--by", "device_type,browser"])
    );
    assert_eq!(
        table(d, "03-", "-breakdown.csv"),
        csv_of(&["breakdown", PQ, "--metric", "inp", "--by", "release"])
    );
    assert_eq!(
        table(d, "04-", "-trend.csv"),
        csv_of(&[
            "trend",
            PQ,
            "--metric",
            "lcp",
            "--bucket",
            "1d",
            "--ci",
            "--filter",
            "browser=Mobile Safari"
        ])
    );
    assert_eq!(
        table(d, "06-", "-hist.csv"),
        csv_of(&["hist", PQ, "--metric", "lcp", "--bins", "60", "--log"])
    );
    assert_eq!(
        table(d, "09-", "-funnel.csv"),
        csv_of(&[
            "funnel",
            PQ,
            "--step",
            "/",
            "--step",
            "/product/:id",
            "--step",
            "/cart",
            "--step",
            "/checkout",
            "--step",
            "/confirmation",
            "--by",
            "device_type"
        ])
    );
    assert_eq!(
        table(d, "07-", "-api.csv"),
        csv_of(&["errors", PQ, "--api", "--limit", "15"])
    );
}

#[test]
fn report_writes_pdf_html_png() {
    let dir = tempfile::tempdir().unwrap();
    for (name, magic) in [
        ("r.pdf", &b"%PDF-"[..]),
        ("r.html", b"<!DOCTYPE html>"),
        ("r.png", b"\x89PNG"),
    ] {
        let p = dir.path().join(name);
        let out = rumlens(&["report", SPEC, "--out", p.to_str().unwrap(), "--paper", "letter"]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read(&p).unwrap().starts_with(magic), "{name}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"));
    }
}

#[test]
fn report_errors_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    // Unknown output format: usage error.
    let out = rumlens(&["report", SPEC, "--out", dir.path().join("r.docx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // A bad spec: named, exit 1, nothing written.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"title": "t", "inputs": ["x"], "sections": [{"kind": "hist", "metrc": "lcp"}]}"#,
    )
    .unwrap();
    let target = dir.path().join("r.pdf");
    let out = rumlens(&["report", bad.to_str().unwrap(), "--out", target.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bad.json") && err.contains("section 1 (hist)") && err.contains("metric"),
        "{err}"
    );
    assert!(!target.exists());
    // Missing input named in the spec.
    let missing = dir.path().join("missing.json");
    std::fs::write(
        &missing,
        r#"{"title": "t", "inputs": ["nope.parquet"], "sections": [{"kind": "summary"}]}"#,
    )
    .unwrap();
    let out = rumlens(&["report", missing.to_str().unwrap(), "--out", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.parquet"));
}

#[test]
fn export_events_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.csv");
    let out = rumlens(&["export", PQ, "--filter", "release=1.5.0", "--out", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&p).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("event_type,ts,"), "{header}");
    let summary = rumlens(&["summary", PQ, "--filter", "release=1.5.0", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let rows = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "rows")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    assert_eq!(text.matches("\r\n").count() as u64, rows + 1);
}
