//! A Parquet file rumlens wrote from a dataset carries a marker; opening it skips the row
//! checks and enrichment and gives the same answers as the dataset it was written from.

use polars::prelude::*;
use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::errors::{errors, ErrorsOptions};
use rumlens_engine::export::{sink_dataset_parquet, write_dataset_events, write_events};
use rumlens_engine::gen::{generate, GenOptions};
use rumlens_engine::import::{import, ImportOptions};
use rumlens_engine::{Dataset, Filter, OpenOptions};

fn open(path: &std::path::Path) -> Dataset {
    Dataset::open(&[path.display().to_string()], &OpenOptions::default()).expect("open")
}

fn imported_enriched(path: &std::path::Path) -> bool {
    import(&[path.display().to_string()], ImportOptions::default())
        .expect("import")
        .enriched
}

#[test]
fn dataset_parquet_is_marked_and_reopens_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, marked) = (dir.path().join("raw.parquet"), dir.path().join("enriched.parquet"));
    write_events(
        &mut generate(&GenOptions { sessions: 400, seed: 5 }).expect("gen"),
        &raw,
    )
    .expect("write");
    assert!(!imported_enriched(&raw), "a plain write is not marked");

    let ds = open(&raw);
    let f = Filter::default();
    let mut df = ds.canonical(&f).expect("lazy").collect().expect("collect");
    write_dataset_events(&mut df, &marked).expect("write marked");
    assert!(imported_enriched(&marked), "the dataset's events are marked");

    let again = open(&marked);
    let b = BreakdownOptions::new("lcp", &["device_type", "browser", "page_group", "region"]);
    assert_eq!(
        format!("{:?}", breakdown(&ds, &f, &b)),
        format!("{:?}", breakdown(&again, &f, &b))
    );
    let e = ErrorsOptions::default();
    assert_eq!(
        format!("{:?}", errors(&ds, &f, &e)),
        format!("{:?}", errors(&again, &f, &e))
    );
    // Streamed out: the same rows in the same order, marked too.
    let streamed = dir.path().join("streamed.parquet");
    let rows = sink_dataset_parquet(ds.canonical(&f).expect("lazy"), &streamed).expect("sink");
    assert_eq!(rows as usize, df.height());
    assert!(imported_enriched(&streamed), "a streamed dataset file is marked");
    let back = LazyFrame::scan_parquet(
        PlRefPath::try_from_path(&streamed).expect("path"),
        ScanArgsParquet::default(),
    )
    .expect("scan")
    .collect()
    .expect("read");
    assert!(
        back.equals_missing(&df),
        "streamed file differs from the dataset's events"
    );
    std::fs::remove_file(&streamed).expect("remove");
    // A folder mixing marked and unmarked files is enriched as a whole.
    assert!(
        !import(&[dir.path().display().to_string()], ImportOptions::default())
            .expect("import dir")
            .enriched
    );
}
