//! The bad-input set: every malformed file gives its documented outcome and nothing panics.
//! Files are generated here (a 5 MB line and a truncated Parquet do not belong in git).

use polars::prelude::*;
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::{Dataset, EngineError, Filter, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

const GOOD: &str = r#"{"event_type":"view","ts":"2026-10-05T10:00:00Z","session_id":"s1","lcp_ms":1200}"#;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn open(p: &Path) -> Result<Dataset, EngineError> {
    Dataset::open(&[p.to_string_lossy().into_owned()], &OpenOptions::default())
}

fn rows(ds: &Dataset) -> u64 {
    summary(ds, &Filter::default(), &SummaryOptions::default())
        .unwrap()
        .rows
}

/// A file with one good line around the bad one: the good rows are kept, the bad one rejected
/// with the expected field and reason.
fn expect_reject(dir: &Path, name: &str, bad_line: &[u8], field: Option<&str>, reason: &str) {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(bad_line);
    bytes.push(b'\n');
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.push(b'\n');
    let p = write(dir, name, &bytes);
    let ds = open(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(rows(&ds), 2, "{name}: good rows kept");
    assert_eq!(ds.report.rejected, 1, "{name}");
    let r = &ds.report.reject_examples[0];
    assert_eq!(r.line, 2, "{name}");
    assert_eq!(r.file, p, "{name}");
    assert_eq!(r.field.as_deref(), field, "{name}: {}", r.reason);
    assert!(r.reason.contains(reason), "{name}: `{}` lacks `{reason}`", r.reason);
}

fn expect_file_error(p: &Path, reason: &str) {
    match open(p) {
        Err(EngineError::File { path, reason: why }) => {
            assert_eq!(path, p);
            assert!(why.contains(reason), "{}: `{why}` lacks `{reason}`", p.display());
        }
        Err(other) => panic!("{}: unexpected error kind {other}", p.display()),
        Ok(_) => panic!("{}: opened, expected an error", p.display()),
    }
}

fn sample_frame() -> DataFrame {
    df!(
        "event_type" => ["view", "view"],
        "ts" => [1_791_158_400_000i64, 1_791_158_460_000],
        "lcp_ms" => [1000.0, 2000.0],
    )
    .unwrap()
}

#[test]
fn rejected_rows_are_reported_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    expect_reject(
        d,
        "invalid_utf8.ndjson",
        b"{\"event_type\":\"view\",\"ts\":1791158400000,\"url\":\"\xff\xfe\"}",
        None,
        "invalid UTF-8",
    );
    expect_reject(d, "not_json.ndjson", b"this is not json", None, "not valid JSON");
    expect_reject(d, "not_object.ndjson", b"[1,2,3]", None, "expected a JSON object");
    expect_reject(
        d,
        "numbers_as_strings.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"lcp_ms":"2500"}"#,
        Some("lcp_ms"),
        "expected a number",
    );
    expect_reject(
        d,
        "negative.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"inp_ms":-3}"#,
        Some("inp_ms"),
        "negative",
    );
    expect_reject(
        d,
        "nan.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"lcp_ms":NaN}"#,
        None,
        "not valid JSON",
    );
    expect_reject(
        d,
        "infinite.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"lcp_ms":1e999}"#,
        None,
        "not valid JSON",
    );
    expect_reject(
        d,
        "ts_seconds.ndjson",
        br#"{"event_type":"view","ts":1791158400}"#,
        Some("ts"),
        "epoch seconds",
    );
    expect_reject(
        d,
        "ts_garbage.ndjson",
        br#"{"event_type":"view","ts":"yesterday"}"#,
        Some("ts"),
        "RFC 3339",
    );
    expect_reject(
        d,
        "ts_far_future.ndjson",
        br#"{"event_type":"view","ts":"2999-01-01T00:00:00Z"}"#,
        Some("ts"),
        "out of range",
    );
    expect_reject(
        d,
        "missing_event_type.ndjson",
        br#"{"ts":1791158400000}"#,
        Some("event_type"),
        "missing required",
    );
    expect_reject(
        d,
        "unknown_event_type.ndjson",
        br#"{"event_type":"pageview","ts":1791158400000}"#,
        Some("event_type"),
        "unknown event type",
    );
    expect_reject(
        d,
        "int_with_fraction.ndjson",
        br#"{"event_type":"resource","ts":1791158400000,"status_code":200.5}"#,
        Some("status_code"),
        "integer",
    );
    expect_reject(
        d,
        "object_for_string.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"url":{"a":1}}"#,
        Some("url"),
        "expected a string",
    );
    let deep = format!(
        r#"{{"event_type":"view","ts":1791158400000,"x":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    expect_reject(d, "deeply_nested.ndjson", deep.as_bytes(), None, "recursion limit");
}

#[test]
fn first_twenty_rejects_kept_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::new();
    for _ in 0..50 {
        s.push_str("garbage\n");
        s.push_str(GOOD);
        s.push('\n');
    }
    let p = write(dir.path(), "many_bad.ndjson", s.as_bytes());
    let ds = open(&p).unwrap();
    assert_eq!(rows(&ds), 50);
    assert_eq!(ds.report.rejected, 50);
    assert_eq!(ds.report.reject_examples.len(), 20);
    assert_eq!(ds.report.reject_examples[19].line, 39);
}

#[test]
fn tolerated_inputs() {
    let dir = tempfile::tempdir().unwrap();
    // Empty NDJSON: no rows, no error.
    let p = write(dir.path(), "empty.ndjson", b"");
    let ds = open(&p).unwrap();
    assert_eq!(rows(&ds), 0);
    // Extra fields and missing optional fields import.
    let p = write(
        dir.path(),
        "extra.ndjson",
        br#"{"event_type":"view","ts":1791158400000,"custom":{"deep":[1,2]},"another":true}"#,
    );
    assert_eq!(rows(&open(&p).unwrap()), 1);
    // A 5 MB single line imports.
    let big = format!(
        r#"{{"event_type":"error","ts":1791158400000,"error_message":"{}"}}"#,
        "x".repeat(5 << 20)
    );
    let p = write(dir.path(), "huge_line.ndjson", big.as_bytes());
    let ds = open(&p).unwrap();
    assert_eq!(rows(&ds), 1);
    assert_eq!(ds.report.rejected, 0);
    // CRLF line ends and blank lines.
    let p = write(
        dir.path(),
        "crlf.ndjson",
        format!("{GOOD}\r\n\r\n{GOOD}\r\n").as_bytes(),
    );
    assert_eq!(rows(&open(&p).unwrap()), 2);
}

#[test]
fn unreadable_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    expect_file_error(&write(d, "empty.parquet", b""), "empty");
    expect_file_error(
        &write(d, "not_parquet.parquet", b"hello, I am a CSV file\n1,2,3\n"),
        "not a Parquet file",
    );

    let mut df = sample_frame();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    expect_file_error(&write(d, "truncated.parquet", &bytes[..bytes.len() / 2]), "truncated");
    // Footer intact but the metadata length is corrupt.
    let mut corrupt = bytes.clone();
    let n = corrupt.len();
    corrupt[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
    expect_file_error(&write(d, "corrupt_footer.parquet", &corrupt), "Parquet");

    let mut no_ts = df!("event_type" => ["view"], "lcp_ms" => [1.0]).unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut no_ts).unwrap();
    expect_file_error(&write(d, "missing_ts.parquet", &bytes), "missing required column `ts`");

    let mut wrong = df!("event_type" => ["view"], "ts" => [1_791_158_400_000i64], "lcp_ms" => ["slow"]).unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut wrong).unwrap();
    expect_file_error(&write(d, "string_timing.parquet", &bytes), "expected a number");

    // Truncated gzip.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for _ in 0..2000 {
        writeln!(gz, "{GOOD}").unwrap();
    }
    let gz = gz.finish().unwrap();
    expect_file_error(&write(d, "truncated.ndjson.gz", &gz[..gz.len() / 2]), "read error");

    expect_file_error(&d.join("does_not_exist.parquet"), "no such file");

    // Permission denied (root reads everything, so only meaningful for other users).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = write(d, "secret.ndjson", GOOD.as_bytes());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&p).is_err() {
            expect_file_error(&p, "permission denied");
        }
    }
}

#[test]
fn parquet_columns_are_conformed() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = sample_frame();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    let p = write(dir.path(), "minimal.parquet", &bytes);
    let ds = open(&p).unwrap();
    let out = ds.collect().unwrap();
    assert_eq!(out.height(), 2);
    assert_eq!(out.schema().len(), rumlens_engine::schema::COLUMNS.len());
}

#[test]
fn parquet_rows_breaking_the_rules_are_rejected_with_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "event_type" => [Some("view"), Some("view"), Some("pageview"), Some("view"), None, Some("view")],
        "ts" => [1_791_158_400_000i64, 1_791_158_400_000, 1_791_158_400_000, 1_791_158_400, 1_791_158_400_000, 1_791_158_400_000],
        "lcp_ms" => [1000.0, -5.0, 1000.0, 1000.0, 1000.0, f64::NAN],
        "inp_ms" => [Some(100.0), None, None, None, None, Some(f64::INFINITY)],
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    let p = write(dir.path(), "rules.parquet", &bytes);
    let ds = open(&p).unwrap();
    // Row rules: unknown/missing event type, ts out of range → rows 3, 4, 5 rejected.
    assert_eq!(rows(&ds), 3);
    assert_eq!(ds.report.rejected, 3);
    let got: Vec<(u64, Option<&str>)> = ds
        .report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![(3, Some("event_type")), (4, Some("ts")), (5, Some("event_type"))]
    );
    assert!(ds.report.reject_examples[1].reason.contains("out of range"));
    // Value rules: the negative LCP, the NaN LCP and the infinite INP are nulled and counted.
    let s = summary(&ds, &Filter::default(), &SummaryOptions::default()).unwrap();
    let invalid: Vec<(Option<String>, u64)> = s.invalid_values.iter().map(|v| (v.value.clone(), v.count)).collect();
    assert_eq!(invalid, vec![(Some("lcp_ms".into()), 2), (Some("inp_ms".into()), 1)]);
    let b = rumlens_engine::analysis::breakdown::breakdown(
        &ds,
        &Filter::default(),
        &rumlens_engine::analysis::breakdown::BreakdownOptions::new("lcp", &[]),
    )
    .unwrap();
    assert_eq!(b.rows[0].n, 1);
}
