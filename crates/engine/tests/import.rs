//! Import of several files, globs, directories with hive partitions; enrichment precedence.

use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::export::write_events;
use rumlens_engine::schema::{Builder, Row};
use rumlens_engine::{Dataset, Filter, OpenOptions};
use std::path::Path;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

fn views(n: usize, lcp: f64) -> polars::prelude::DataFrame {
    let mut b = Builder::new();
    for i in 0..n {
        let mut r = Row::new();
        r.str("event_type", "view")
            .i64("ts", 1_791_158_400_000 + i as i64 * 1000)
            .str("session_id", format!("s{i}"))
            .str("url", format!("https://x.test/blog/post-{i}?utm=1"))
            .str("user_agent", IPHONE)
            .f64("lcp_ms", lcp + i as f64);
        b.push(r);
    }
    b.finish().unwrap()
}

fn open(inputs: &[&Path]) -> Dataset {
    let inputs: Vec<String> = inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    Dataset::open(&inputs, &OpenOptions::default()).unwrap()
}

fn values(ds: &Dataset, column: &str) -> Vec<(Option<String>, u64)> {
    let s = summary(ds, &Filter::default(), &SummaryOptions { top_values: 100 }).unwrap();
    let d = s.dimensions.into_iter().find(|d| d.column == column).unwrap();
    d.values.into_iter().map(|v| (v.value, v.count)).collect()
}

#[test]
fn hive_directories_globs_and_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("export");
    for (release, country, n, ext) in [
        ("1.4.0", "US", 3, "parquet"),
        ("1.5.0", "DE", 2, "ndjson"),
        ("1.5.0", "JP", 4, "ndjson.gz"),
    ] {
        let d = root
            .join(format!("release={release}"))
            .join(format!("country={country}"));
        std::fs::create_dir_all(&d).unwrap();
        write_events(&mut views(n, 1000.0), &d.join(format!("part-0.{ext}"))).unwrap();
    }
    std::fs::write(root.join("_SUCCESS"), b"").unwrap();
    std::fs::write(root.join("README.txt"), b"not data").unwrap();

    let ds = open(&[&root]);
    assert_eq!(
        values(&ds, "release"),
        vec![(Some("1.5.0".into()), 6), (Some("1.4.0".into()), 3)]
    );
    assert_eq!(
        values(&ds, "region"),
        vec![
            (Some("Asia".into()), 4),
            (Some("Americas".into()), 3),
            (Some("Europe".into()), 2)
        ]
    );

    // A glob and an explicit list give the same rows.
    let glob = format!("{}/**/*.ndjson*", root.display());
    let ds = Dataset::open(&[glob], &OpenOptions::default()).unwrap();
    assert_eq!(
        summary(&ds, &Filter::default(), &SummaryOptions::default())
            .unwrap()
            .rows,
        6
    );
    let a = root.join("release=1.4.0/country=US/part-0.parquet");
    let b = root.join("release=1.5.0/country=DE/part-0.ndjson");
    let ds = open(&[&a, &b]);
    assert_eq!(
        summary(&ds, &Filter::default(), &SummaryOptions::default())
            .unwrap()
            .rows,
        5
    );
    // Files named one by one keep the partitions of their path.
    assert_eq!(
        values(&ds, "release"),
        vec![(Some("1.4.0".into()), 3), (Some("1.5.0".into()), 2)]
    );
}

#[test]
fn input_columns_win_over_derived_ones() {
    let mut df = views(2, 1000.0);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ndjson");
    write_events(&mut df, &p).unwrap();
    // Add an exporter-provided device_type and page_group to the second row.
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen('{', r#"{"device_type":"kiosk","page_group":"/blog/:slug","#, 1);
    std::fs::write(&p, lines.join("\n")).unwrap();
    let ds = open(&[&p]);
    let b = breakdown(
        &ds,
        &Filter::default(),
        &BreakdownOptions::new("lcp", &["device_type", "browser", "page_group"]),
    )
    .unwrap();
    let keys: Vec<Vec<Option<String>>> = b.rows.iter().map(|r| r.keys.clone()).collect();
    assert!(keys.contains(&vec![
        Some("kiosk".into()),
        Some("Mobile Safari".into()),
        Some("/blog/:slug".into())
    ]));
    assert!(keys.contains(&vec![
        Some("mobile".into()),
        Some("Mobile Safari".into()),
        Some("/blog/post-0".into())
    ]));
}

#[test]
fn page_rules_file_applies_first() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.parquet");
    write_events(&mut views(5, 1000.0), &p).unwrap();
    let rules = dir.path().join("rules.txt");
    std::fs::write(&rules, "# posts\n^/blog/post-[0-9]+$ -> /blog/:post\n").unwrap();
    let ds = Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            page_rules: Some(rules),
            on_progress: None,
            input_format: None,
            rows_read: None,
            mapping: None,
            streaming: false,
        },
    )
    .unwrap();
    assert_eq!(values(&ds, "page_group"), vec![(Some("/blog/:post".into()), 5)]);
}

#[test]
fn progress_reports_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ndjson");
    write_events(&mut views(50, 1000.0), &p).unwrap();
    let size = std::fs::metadata(&p).unwrap().len();
    let seen = std::sync::Mutex::new(Vec::new());
    let rows = std::sync::atomic::AtomicU64::new(0);
    let cb = |done: u64, total: u64| {
        seen.lock().unwrap().push((done, total));
        true
    };
    let ds = Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            page_rules: None,
            on_progress: Some(&cb),
            input_format: None,
            rows_read: Some(&rows),
            mapping: None,
            streaming: false,
        },
    )
    .unwrap();
    assert_eq!(
        summary(&ds, &Filter::default(), &SummaryOptions::default())
            .unwrap()
            .rows,
        50
    );
    assert_eq!(rows.load(std::sync::atomic::Ordering::Relaxed), 50);
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty());
    assert_eq!(*seen.last().unwrap(), (size, size));
    let cancel = |_: u64, _: u64| false;
    let r = Dataset::open(
        &[p.to_string_lossy().into_owned()],
        &OpenOptions {
            page_rules: None,
            on_progress: Some(&cancel),
            input_format: None,
            rows_read: None,
            mapping: None,
            streaming: false,
        },
    );
    assert!(matches!(r, Err(rumlens_engine::EngineError::Cancelled)));
}
