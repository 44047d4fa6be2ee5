//! Enriching already-enriched rows changes nothing (and skips the work: only rows with an
//! empty derived column are looked at); partly enriched rows are completed exactly as a fresh
//! enrichment would.

use polars::prelude::*;
use rumlens_engine::{Dataset, Filter};

fn sample() -> DataFrame {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample-data/shop.parquet");
    Dataset::open(&[path.to_string()], &Default::default())
        .unwrap()
        .filtered(&Filter::default())
        .unwrap()
        .collect()
        .unwrap()
}

#[test]
fn re_enrichment_is_identity_and_completes_gaps() {
    let enriched = sample();
    assert!(enriched.column("device_type").unwrap().null_count() < enriched.height());
    let again = Dataset::from_frame(enriched.clone())
        .unwrap()
        .filtered(&Filter::default())
        .unwrap()
        .collect()
        .unwrap();
    assert!(again.equals_missing(&enriched));

    // Blank the derived columns of every other row: enrichment fills them back identically.
    let mask: BooleanChunked = (0..enriched.height()).map(|i| i % 2 == 0).collect();
    let mut holed = enriched.clone();
    for c in ["device_type", "browser", "os", "page_group", "fingerprint"] {
        let s = holed.column(c).unwrap().as_materialized_series().clone();
        let nulls = Series::full_null(c.into(), s.len(), s.dtype());
        let blanked = s.zip_with(&mask, &nulls).unwrap();
        holed.with_column(blanked.into_column()).unwrap();
    }
    let filled = Dataset::from_frame(holed)
        .unwrap()
        .filtered(&Filter::default())
        .unwrap()
        .collect()
        .unwrap();
    assert!(filled.equals_missing(&enriched));
}
