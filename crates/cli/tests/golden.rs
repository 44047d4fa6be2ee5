//! CLI golden tests: each subcommand's csv/json output on the committed sample equals the
//! committed file under tests/golden/. Regenerate after an intended change with
//! `UPDATE_GOLDEN=1 cargo test -p rumlens-cli --test golden` and review the diff.

mod common;

use common::{root, rumlens};

fn golden(name: &str, args: &[&str]) {
    let out = rumlens(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: exit {:?}\n{stderr}", out.status.code());
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let want = std::fs::read(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
    if want != out.stdout {
        let got = String::from_utf8_lossy(&out.stdout);
        let want = String::from_utf8_lossy(&want);
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!(
            "{name} differs from tests/golden/{name} (first differing line {:?})\n--- got ---\n{}\n--- want ---\n{}",
            first.map(|i| i + 1),
            got.lines().take(40).collect::<Vec<_>>().join("\n"),
            want.lines().take(40).collect::<Vec<_>>().join("\n")
        );
    }
}

const PQ: &str = "sample-data/shop.parquet";
const ND: &str = "sample-data/shop.ndjson";
const STEPS: [&str; 10] = [
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
];

#[test]
fn summary_json() {
    golden("summary.json", &["summary", PQ, "--top", "5", "--format", "json"]);
}

#[test]
fn breakdown_json_and_csv() {
    golden(
        "breakdown_lcp_device_browser.json",
        &[
            "breakdown",
            PQ,
            "--metric",
            "lcp",
            "--by",
            "device_type,browser",
            "--format",
            "json",
        ],
    );
    golden(
        "breakdown_inp_release_mobile.csv",
        &[
            "breakdown",
            PQ,
            "--metric",
            "inp",
            "--by",
            "release",
            "--filter",
            "device_type=mobile",
            "--format",
            "csv",
        ],
    );
}

#[test]
fn trend_csv_and_json() {
    golden(
        "trend_lcp_1d_release.csv",
        &[
            "trend", PQ, "--metric", "lcp", "--bucket", "1d", "--by", "release", "--format", "csv",
        ],
    );
    golden(
        "trend_cls_auto.json",
        &["trend", PQ, "--metric", "cls", "--stat", "p90", "--format", "json"],
    );
}

#[test]
fn hist_csv() {
    golden(
        "hist_lcp_log.csv",
        &[
            "hist", PQ, "--metric", "lcp", "--log", "--bins", "20", "--format", "csv",
        ],
    );
}

#[test]
fn errors_json_and_api_csv() {
    golden(
        "errors.json",
        &["errors", ND, "--limit", "10", "--bucket", "1d", "--format", "json"],
    );
    golden("errors_api.csv", &["errors", ND, "--api", "--format", "csv"]);
}

#[test]
fn funnel_csv_and_json() {
    let mut args = vec!["funnel", PQ];
    args.extend(STEPS);
    args.extend(["--format", "csv"]);
    golden("funnel.csv", &args);
    let mut args = vec!["funnel", PQ, "--by", "device_type", "--mode", "strict"];
    args.extend(STEPS);
    args.extend(["--format", "json"]);
    golden("funnel_strict_by_device.json", &args);
}

#[test]
fn parquet_and_ndjson_print_the_same() {
    let a = rumlens(&["breakdown", PQ, "--by", "release,device_type", "--format", "csv"]);
    let b = rumlens(&["breakdown", ND, "--by", "release,device_type", "--format", "csv"]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, b"PAR1 not really").unwrap();
    let out = rumlens(&["summary", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.parquet") && !err.contains("panicked"), "{err}");

    let out = rumlens(&["breakdown", PQ, "--metric", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown metric"));
    assert_eq!(rumlens(&["breakdown"]).status.code(), Some(2));
    assert_eq!(rumlens(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(rumlens(&["summary", "no/such/file.parquet"]).status.code(), Some(1));
    assert!(rumlens(&["breakdown", "--help"]).status.success());
}

#[test]
fn convert_writes_nothing_on_bad_input_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, b"garbage").unwrap();
    let out_path = dir.path().join("out.parquet");
    let out = rumlens(&["convert", bad.to_str().unwrap(), "--out", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out_path.exists());
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);

    let out = rumlens(&["convert", ND, "--out", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a = rumlens(&["summary", PQ, "--format", "csv"]);
    let b = rumlens(&["summary", out_path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(a.stdout, b.stdout);
}
