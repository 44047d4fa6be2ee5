//! `suggest-mapping` then `breakdown --mapping` on a warehouse-style export.

use std::path::Path;
use std::process::{Command, Output};

fn rumlens(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rumlens"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run rumlens")
}

#[test]
fn suggest_mapping_then_breakdown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // LCP in seconds, time in epoch seconds; p75 of 0.8 1.2 1.6 2.0 2.4 3.1 4.4 5.0 s = 3425 ms.
    let lcp = [1.2, 2.4, 3.1, 5.0, 0.8, 2.0, 4.4, 1.6];
    let lines: Vec<String> = lcp
        .iter()
        .enumerate()
        .map(|(i, x)| {
            serde_json::json!({
                "page_url": format!("https://shop.example/p/{i}"),
                "event_time": 1_791_158_400 + i as i64 * 60,
                "LCP": x,
                "batch": "b1",
            })
            .to_string()
        })
        .collect();
    std::fs::write(d.join("export.ndjson"), lines.join("\n") + "\n").unwrap();

    let out = rumlens(d, &["suggest-mapping", "export.ndjson", "--out", "mapping.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("mapping.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert_eq!(
        printed["columns"]["LCP"],
        serde_json::json!({"to": "lcp_ms", "unit": "s"})
    );
    assert_eq!(
        printed["columns"]["event_time"],
        serde_json::json!({"to": "ts", "time": "epoch_s"})
    );
    assert_eq!(printed["columns"]["page_url"], serde_json::json!({"to": "url"}));
    assert_eq!(printed["_unmapped"], serde_json::json!(["batch"]));
    assert!(stderr.contains("not mapped: batch"), "{stderr}");

    let out = rumlens(
        d,
        &[
            "breakdown",
            "export.ndjson",
            "--mapping",
            "mapping.json",
            "--metric",
            "lcp",
            "--min-n",
            "1",
            "--format",
            "json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows[0]["n"], 8);
    let p75 = rows[0]["p75"].as_f64().unwrap();
    assert!((p75 - 3425.0).abs() < 1e-6, "p75 {p75}");

    // Without the mapping the file is not recognised; a bad mapping names its file.
    let out = rumlens(d, &["breakdown", "export.ndjson"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--mapping FILE"));
    std::fs::write(d.join("bad.json"), r#"{"columns": {"LCP": {"to": "lcp"}}}"#).unwrap();
    let out = rumlens(d, &["breakdown", "export.ndjson", "--mapping", "bad.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.json: invalid mapping file") && stderr.contains("`lcp`"),
        "{stderr}"
    );
}
