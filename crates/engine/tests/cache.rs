//! The import cache: a second open of an unchanged NDJSON file reads the cached Parquet and
//! reports exactly what the first did; any change to the file is a miss; the folder is bounded
//! and clearable.

use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::import::ImportCache;
use rumlens_engine::{Dataset, Filter};
use std::path::Path;

fn lines(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "{{\"event_type\":\"view\",\"ts\":\"2026-10-05T10:00:{:02}Z\",\"session_id\":\"s{}\",\"url\":\"https://x.example/p/{i}\",\"lcp_ms\":{}}}\n",
            i % 60,
            i % 7,
            1000 + i
        ));
    }
    out.push_str("{\"event_type\":\"view\",\"ts\":\"not a time\"}\n");
    out
}

fn open(path: &Path, cache: &ImportCache) -> Dataset {
    Dataset::open_cached(&[path.to_string_lossy().into_owned()], &Default::default(), Some(cache)).unwrap()
}

#[test]
fn hit_miss_bound_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("events.ndjson");
    std::fs::write(&data, lines(500)).unwrap();
    let cache = ImportCache::new(dir.path().join("cache"), 1 << 30);

    let first = open(&data, &cache);
    assert!(!first.report.files[0].detected.contains("cached"));
    assert!(cache.size() > 0);
    let second = open(&data, &cache);
    assert!(
        second.report.files[0].detected.ends_with("(cached)"),
        "{}",
        second.report.files[0].detected
    );
    assert_eq!(second.report.rejected, 1);
    assert_eq!(second.report.reject_examples, first.report.reject_examples);
    assert_eq!(second.report.files[0].rows, first.report.files[0].rows);
    let (a, b) = (
        summary(&first, &Filter::default(), &SummaryOptions::default()).unwrap(),
        summary(&second, &Filter::default(), &SummaryOptions::default()).unwrap(),
    );
    assert_eq!(
        (a.rows, a.sessions, a.from_ms, a.to_ms),
        (b.rows, b.sessions, b.from_ms, b.to_ms)
    );
    let df_a = first.filtered(&Filter::default()).unwrap().collect().unwrap();
    let df_b = second.filtered(&Filter::default()).unwrap().collect().unwrap();
    assert!(df_a.equals_missing(&df_b), "cached rows equal parsed rows");

    // Same size, different bytes, new mtime: a miss.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&data, lines(500).replace("1000", "1001")).unwrap();
    assert!(!open(&data, &cache).report.files[0].detected.contains("cached"));

    // Bounded: a tiny cache keeps nothing beyond its size.
    let tiny = ImportCache::new(dir.path().join("tiny"), 10);
    open(&data, &tiny);
    assert_eq!(tiny.size(), 0);

    assert!(cache.clear() > 0);
    assert_eq!(cache.size(), 0);
    assert!(!open(&data, &cache).report.files[0].detected.contains("cached"));
}
