//! Column mapping for non-canonical exports: warehouse-style NDJSON and Parquet with other
//! names and units (seconds LCP, epoch-seconds time) opened with a mapping, the suggested
//! mapping, bad mapping files and bad records.

use polars::prelude::*;
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::import::mapping::{ColumnMap, TimeFormat, Unit};
use rumlens_engine::import::{canonical_columns, preview, suggest_mapping, Mapping};
use rumlens_engine::{Dataset, EngineError, Filter, OpenOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// LCP in seconds; sorted: 0.8 1.2 1.6 2.0 2.4 3.1 4.4 5.0 → p75 (linear) = 3.1 + 0.25 × 1.3 s.
const LCP_S: [f64; 8] = [1.2, 2.4, 3.1, 5.0, 0.8, 2.0, 4.4, 1.6];
const P75_MS: f64 = 3425.0;
/// 2026-10-05T00:00:00Z in epoch seconds.
const T0: i64 = 1_791_158_400;
const UA: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36";

fn warehouse_records() -> Vec<Value> {
    LCP_S
        .iter()
        .enumerate()
        .map(|(i, lcp)| {
            json!({
                "page_url": format!("https://shop.example/product/{i}"),
                "userAgent": UA,
                "event_time": T0 + i as i64 * 60,
                "lcp": lcp,
                "session": format!("s{}", i % 3),
                "geo": {"country": "DE"},
                "warehouse_load_id": "batch-7",
            })
        })
        .collect()
}

fn write_ndjson(dir: &Path, name: &str, lines: &[Value]) -> PathBuf {
    let p = dir.join(name);
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&p, text.join("\n") + "\n").unwrap();
    p
}

fn write_parquet(dir: &Path) -> PathBuf {
    let n = LCP_S.len();
    let mut df = df!(
        "PageURL" => (0..n).map(|i| format!("https://shop.example/product/{i}")).collect::<Vec<_>>(),
        "time" => (0..n).map(|i| T0 + i as i64 * 60).collect::<Vec<_>>(),
        "largestContentfulPaint" => LCP_S.to_vec(),
        "ua" => vec![UA; n],
        "type" => vec!["view"; n],
        "cost_center" => vec![3i64; n],
    )
    .unwrap();
    let p = dir.join("export.parquet");
    let f = std::fs::File::create(&p).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
    p
}

fn mapping(v: Value) -> Mapping {
    serde_json::from_value(v).unwrap()
}

fn ndjson_mapping() -> Mapping {
    mapping(json!({
        "columns": {
            "page_url": {"to": "url"},
            "userAgent": {"to": "user_agent"},
            "event_time": {"to": "ts", "time": "epoch_s"},
            "lcp": {"to": "lcp_ms", "unit": "s"},
            "session": {"to": "session_id"},
            "geo.country": {"to": "country"}
        },
        "defaults": {"event_type": "view"}
    }))
}

fn open(p: &Path, m: &Mapping) -> Result<Dataset, EngineError> {
    Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            mapping: Some(m),
            ..OpenOptions::default()
        },
    )
}

fn p75(ds: &Dataset) -> (u64, f64) {
    let opts = BreakdownOptions {
        min_n: 1,
        ..BreakdownOptions::new("lcp", &[])
    };
    let r = breakdown(ds, &Filter::default(), &opts).unwrap();
    assert_eq!(r.rows.len(), 1);
    (r.rows[0].n, r.rows[0].p75.unwrap())
}

#[test]
fn ndjson_with_mapping_gives_p75_in_ms() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ndjson(dir.path(), "export.ndjson", &warehouse_records());
    let ds = open(&p, &ndjson_mapping()).unwrap();
    assert_eq!(ds.report.rejected, 0, "{:?}", ds.report.reject_examples);
    assert_eq!(ds.report.files[0].detected, "column mapping");
    let (n, p75) = p75(&ds);
    assert_eq!(n, 8);
    assert!((p75 - P75_MS).abs() < 1e-6, "p75 {p75}");
    let df = ds.collect().unwrap();
    let ts = df.column("ts").unwrap().cast(&DataType::Int64).unwrap();
    assert_eq!(ts.i64().unwrap().get(0), Some(T0 * 1000));
    let country = df.column("country").unwrap();
    assert_eq!(country.str().unwrap().get(0), Some("DE"));
    let browser = df.column("browser").unwrap();
    assert_eq!(browser.str().unwrap().get(0), Some("Chrome"));
    let source = df.column("source_format").unwrap();
    assert_eq!(source.str().unwrap().get(0), Some("mapping"));
}

#[test]
fn parquet_with_mapping_gives_p75_in_ms() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_parquet(dir.path());
    let m = mapping(json!({
        "columns": {
            "PageURL": {"to": "url"},
            "time": {"to": "ts", "time": "epoch_s"},
            "largestContentfulPaint": {"to": "lcp_ms", "unit": "s"},
            "ua": {"to": "user_agent"},
            "type": {"to": "event_type"}
        }
    }));
    let ds = open(&p, &m).unwrap();
    assert_eq!(ds.report.rejected, 0);
    let (n, p75) = p75(&ds);
    assert_eq!(n, 8);
    assert!((p75 - P75_MS).abs() < 1e-6, "p75 {p75}");
    let df = ds.collect().unwrap();
    let ts = df.column("ts").unwrap().cast(&DataType::Int64).unwrap();
    assert_eq!(ts.i64().unwrap().get(7), Some((T0 + 7 * 60) * 1000));
    assert_eq!(
        df.column("page_group").unwrap().str().unwrap().get(0),
        Some("/product/:id")
    );
    assert_eq!(
        df.column("source_format").unwrap().str().unwrap().get(0),
        Some("mapping")
    );
}

#[test]
fn parquet_mapping_with_wrong_column_type_is_a_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_parquet(dir.path());
    let m = mapping(json!({
        "columns": {"time": {"to": "ts", "time": "epoch_s"}, "ua": {"to": "lcp_ms"}},
        "defaults": {"event_type": "view"}
    }));
    let err = open(&p, &m).err().unwrap().to_string();
    assert!(err.contains("export.parquet"), "{err}");
    assert!(err.contains("`ua` (mapped to `lcp_ms`)"), "{err}");
    let m = mapping(json!({"columns": {"when": {"to": "ts"}}, "defaults": {"event_type": "view"}}));
    let err = open(&p, &m).err().unwrap().to_string();
    assert!(err.contains("`when`") && err.contains("not in the file"), "{err}");
}

#[test]
fn suggest_mapping_on_ndjson_proposes_columns_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ndjson(dir.path(), "export.ndjson", &warehouse_records());
    let m = suggest_mapping(&p).unwrap();
    let col = |src: &str| m.columns.get(src).cloned();
    let cm = |to: &str, unit, time| {
        Some(ColumnMap {
            to: to.into(),
            unit,
            time,
        })
    };
    assert_eq!(col("page_url"), cm("url", None, None));
    assert_eq!(col("userAgent"), cm("user_agent", None, None));
    assert_eq!(col("event_time"), cm("ts", None, Some(TimeFormat::EpochS)));
    assert_eq!(col("lcp"), cm("lcp_ms", Some(Unit::S), None));
    assert_eq!(col("session"), cm("session_id", None, None));
    assert_eq!(col("geo.country"), cm("country", None, None));
    assert_eq!(m.unmapped, vec!["warehouse_load_id".to_string()]);
    assert_eq!(m.defaults.get("event_type"), Some(&json!("view")));
    // Deterministic, and usable as is.
    assert_eq!(m.to_json().unwrap(), suggest_mapping(&p).unwrap().to_json().unwrap());
    let (_, p75) = p75(&open(&p, &m).unwrap());
    assert!((p75 - P75_MS).abs() < 1e-6, "p75 {p75}");
}

#[test]
fn suggest_mapping_on_parquet_proposes_columns_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_parquet(dir.path());
    let m = suggest_mapping(&p).unwrap();
    let to = |src: &str| m.columns.get(src).map(|c| (c.to.as_str(), c.unit, c.time));
    assert_eq!(to("PageURL"), Some(("url", None, None)));
    assert_eq!(to("time"), Some(("ts", None, Some(TimeFormat::EpochS))));
    assert_eq!(to("largestContentfulPaint"), Some(("lcp_ms", Some(Unit::S), None)));
    assert_eq!(to("ua"), Some(("user_agent", None, None)));
    assert_eq!(to("type"), Some(("event_type", None, None)));
    assert_eq!(m.unmapped, vec!["cost_center".to_string()]);
    assert!(m.defaults.is_empty());
    let (_, p75) = p75(&open(&p, &m).unwrap());
    assert!((p75 - P75_MS).abs() < 1e-6, "p75 {p75}");
}

#[test]
fn suggest_mapping_reads_other_units_and_time_formats() {
    let dir = tempfile::tempdir().unwrap();
    let recs: Vec<Value> = (0..10)
        .map(|i| {
            json!({
                "timestamp": format!("2026-10-05T10:{:02}:00Z", i),
                "lcp_us": 2_500_000 + i * 1000,
                "inp": 180 + i,
                "created_at": (T0 + i) * 1_000_000_000,
                "event_type": "view",
            })
        })
        .collect();
    let p = write_ndjson(dir.path(), "x.jsonl", &recs);
    let m = suggest_mapping(&p).unwrap();
    let to = |src: &str| m.columns.get(src).map(|c| (c.to.as_str(), c.unit, c.time));
    assert_eq!(to("timestamp"), Some(("ts", None, Some(TimeFormat::Rfc3339))));
    assert_eq!(to("lcp_us"), Some(("lcp_ms", Some(Unit::Us), None)));
    assert_eq!(to("inp"), Some(("inp_ms", Some(Unit::Ms), None)));
    assert_eq!(to("event_type"), Some(("event_type", None, None)));
    // `timestamp` wins over `created_at` for `ts`.
    assert_eq!(m.unmapped, vec!["created_at".to_string()]);
}

fn load_err(dir: &Path, text: &str) -> String {
    let p = dir.join("mapping.json");
    std::fs::write(&p, text).unwrap();
    let err = Mapping::load(&p).expect_err("error").to_string();
    assert!(err.contains("mapping.json"), "names the file: {err}");
    err
}

#[test]
fn bad_mapping_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let e = load_err(
        d,
        r#"{"columns": {"a": {"to": "lcp"}, "t": {"to": "ts"}}, "defaults": {"event_type": "view"}}"#,
    );
    assert!(e.contains("`lcp`, which is not a canonical column"), "{e}");
    let e = load_err(
        d,
        r#"{"columns": {"u": {"to": "url", "unit": "s"}, "t": {"to": "ts"}}, "defaults": {"event_type": "view"}}"#,
    );
    assert!(
        e.contains("`unit` applies to duration columns only") && e.contains("`url`"),
        "{e}"
    );
    let e = load_err(
        d,
        r#"{"columns": {"u": {"to": "url"}}, "defaults": {"event_type": "view"}}"#,
    );
    assert!(e.contains("required column `ts`"), "{e}");
    let e = load_err(d, r#"{"columns": {"t": {"to": "ts"}}}"#);
    assert!(e.contains("required column `event_type`"), "{e}");
    let e = load_err(d, r#"{"columns": {"t": {"to": "ts", "unit": "minutes"}}}"#);
    assert!(e.contains("unknown variant `minutes`"), "{e}");
    let e = load_err(d, r#"{"colums": {}}"#);
    assert!(e.contains("unknown field `colums`"), "{e}");
    let e = load_err(
        d,
        r#"{"columns": {"t": {"to": "ts", "time": "epoch_s"}}, "defaults": {"event_type": "page"}}"#,
    );
    assert!(e.contains("unknown event type `page`"), "{e}");
    let e = load_err(
        d,
        r#"{"columns": {"a": {"to": "ts"}, "b": {"to": "ts"}}, "defaults": {"event_type": "view"}}"#,
    );
    assert!(e.contains("`a` and `b` both map to `ts`"), "{e}");
    let e = load_err(d, "not json");
    assert!(e.contains("invalid mapping file"), "{e}");
    let e = Mapping::load(&d.join("missing.json")).err().unwrap().to_string();
    assert!(e.contains("missing.json") && e.contains("no such file"), "{e}");
}

#[test]
fn mapping_and_input_format_do_not_combine() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ndjson(dir.path(), "export.ndjson", &warehouse_records());
    let m = ndjson_mapping();
    let r = Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            mapping: Some(&m),
            input_format: Some("datadog"),
            ..OpenOptions::default()
        },
    );
    assert!(matches!(r, Err(EngineError::InvalidArgument(_))));
}

#[test]
fn bad_records_are_rejected_with_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = warehouse_records();
    let good = recs[0].clone();
    let with = |k: &str, v: Value| {
        let mut r = good.clone();
        r[k] = v;
        r
    };
    recs.push(with("lcp", json!(-1.5)));
    recs.push(with("lcp", json!("slow")));
    recs.push(with("event_time", json!(T0 * 1000)));
    recs.push(with("event_time", json!("yesterday")));
    recs.push(with("page_url", json!({"href": "x"})));
    recs.push(json!("just a string"));
    let p = write_ndjson(dir.path(), "export.ndjson", &recs);
    let ds = open(&p, &ndjson_mapping()).unwrap();
    assert_eq!(ds.report.rejected, 6);
    let got: Vec<(u64, Option<String>, String)> = ds
        .report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.clone(), r.reason.clone()))
        .collect();
    let expect = [
        (9, Some("lcp"), "negative value -1.5 (mapped to `lcp_ms`)"),
        (10, Some("lcp"), "expected a number, got `slow` (mapped to `lcp_ms`)"),
        (11, Some("event_time"), "out of range 2000–2100 (read as epoch_s"),
        (
            12,
            Some("event_time"),
            "expected a number, got `yesterday` (read as epoch_s",
        ),
        (
            13,
            Some("page_url"),
            "expected a string, got an object (mapped to `url`)",
        ),
        (14, None, "not a JSON object"),
    ];
    for ((line, field, reason), (want_line, want_field, want_reason)) in got.iter().zip(expect) {
        assert_eq!(*line, want_line);
        assert_eq!(field.as_deref(), want_field, "line {line}: {reason}");
        assert!(reason.contains(want_reason), "line {line}: {reason}");
    }
    // The good rows are kept.
    assert_eq!(p75(&ds).0, 8);
}

#[test]
fn parquet_rfc3339_strings_and_out_of_range_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "when" => ["2026-10-05T10:00:00Z", "2026-10-05T12:00:00+02:00", "1970-01-01T00:00:00Z", "garbage"],
        "lcp_ms" => [1000.0, 2000.0, 3000.0, 4000.0],
    )
    .unwrap();
    let p = dir.path().join("t.parquet");
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    let m = mapping(json!({"columns": {"when": {"to": "ts"}}, "defaults": {"event_type": "view"}}));
    let ds = open(&p, &m).unwrap();
    // Canonical `lcp_ms` is read as it is; the 1970 row and the unparseable one are rejected.
    assert_eq!(p75(&ds).0, 2);
    assert_eq!(ds.report.rejected, 2);
    let fields: Vec<_> = ds
        .report
        .reject_examples
        .iter()
        .map(|r| (r.line, r.field.clone()))
        .collect();
    assert_eq!(fields, vec![(3, Some("ts".into())), (4, Some("ts".into()))]);
    let df = ds.collect().unwrap();
    let ts = df.column("ts").unwrap().cast(&DataType::Int64).unwrap();
    let ts: Vec<_> = ts.i64().unwrap().iter().collect();
    assert_eq!(ts, vec![Some(1_791_194_400_000), Some(1_791_194_400_000)]);
}

#[test]
fn unrecognised_file_is_unknown_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ndjson(dir.path(), "export.ndjson", &warehouse_records());
    let err = Dataset::open(&[p.to_string_lossy().into_owned()], &OpenOptions::default())
        .err()
        .unwrap();
    assert_eq!(err.code(), "unknown_format");
    let msg = err.to_string();
    assert!(
        msg.contains("export.ndjson") && msg.contains("unrecognised format"),
        "{msg}"
    );
}

#[test]
fn preview_of_ndjson_lists_columns_in_file_order_with_samples() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = warehouse_records();
    recs[0]["lcp"] = Value::Null;
    recs[1]["page_url"] = json!("");
    let p = write_ndjson(dir.path(), "export.ndjson", &recs);
    let cols = preview(&p, 3).unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "page_url",
            "userAgent",
            "event_time",
            "lcp",
            "session",
            "geo.country",
            "warehouse_load_id"
        ]
    );
    let samples = |name: &str| cols.iter().find(|c| c.name == name).unwrap().samples.clone();
    // Nulls and empty strings are skipped; numbers are their JSON text.
    assert_eq!(samples("lcp"), ["2.4", "3.1", "5.0"]);
    assert_eq!(
        samples("page_url"),
        [
            "https://shop.example/product/0",
            "https://shop.example/product/2",
            "https://shop.example/product/3"
        ]
    );
    assert_eq!(samples("event_time")[0], T0.to_string());
    assert_eq!(samples("geo.country"), ["DE", "DE", "DE"]);
    // The names are the ones a suggested mapping uses.
    let m = suggest_mapping(&p).unwrap();
    for k in m.columns.keys().chain(&m.unmapped) {
        assert!(names.contains(&k.as_str()), "{k}");
    }
    assert!(preview(&p, 0).unwrap().iter().all(|c| c.samples.is_empty()));
}

#[test]
fn preview_of_parquet_reads_the_first_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_parquet(dir.path());
    let cols = preview(&p, 2).unwrap();
    let got: Vec<(&str, Vec<String>)> = cols.iter().map(|c| (c.name.as_str(), c.samples.clone())).collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (
                "PageURL",
                s(&["https://shop.example/product/0", "https://shop.example/product/1"])
            ),
            ("time", s(&[&T0.to_string(), &(T0 + 60).to_string()])),
            ("largestContentfulPaint", s(&["1.2", "2.4"])),
            ("ua", s(&[UA, UA])),
            ("type", s(&["view", "view"])),
            ("cost_center", s(&["3", "3"])),
        ]
    );
    let err = preview(&dir.path().join("missing.parquet"), 2).err().unwrap();
    assert!(err.to_string().contains("missing.parquet"), "{err}");
}

#[test]
fn canonical_columns_describe_the_schema() {
    let cols = canonical_columns();
    assert_eq!(cols.len(), rumlens_engine::schema::COLUMNS.len());
    let get = |n: &str| cols.iter().find(|c| c.name == n).unwrap();
    assert_eq!(get("ts").kind, "timestamp");
    assert!(get("lcp_ms").duration && get("lcp_ms").unit == "ms");
    assert!(!get("cls").duration);
    assert_eq!(get("url").kind, "text");
    assert_eq!(get("event_type").kind, "dim");
}
