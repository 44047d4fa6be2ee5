//! The generator's planted truths are found by the analyses (sample-data/README.md).

use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::errors::{errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel, FunnelMode, FunnelOptions};
use rumlens_engine::gen::{generate, GenOptions};
use rumlens_engine::{Dataset, Filter};
use std::collections::HashMap;

/// (device_type, browser)
type Segment = (String, String);
/// (p75, CI low, CI high, n)
type P75 = (f64, f64, f64, u64);

fn data() -> Dataset {
    let df = generate(&GenOptions {
        sessions: 3000,
        seed: 11,
    })
    .unwrap();
    Dataset::from_frame(df).unwrap().materialize().unwrap()
}

fn filter(specs: &[&str]) -> Filter {
    let mut f = Filter::default();
    for s in specs {
        f.add_spec(s).unwrap();
    }
    f
}

#[test]
fn planted_truths_are_found() {
    let ds = data();

    // 1. The LCP regression: the segment whose p75 grows most from 1.4.0 to 1.5.0 is mobile
    //    Mobile Safari, and its intervals do not overlap; no other segment grows by half.
    let b = breakdown(
        &ds,
        &Filter::default(),
        &BreakdownOptions::new("lcp", &["release", "device_type", "browser"]),
    )
    .unwrap();
    let mut by_seg: HashMap<Segment, HashMap<String, P75>> = HashMap::new();
    for r in &b.rows {
        let k = (
            r.keys[1].clone().unwrap_or_default(),
            r.keys[2].clone().unwrap_or_default(),
        );
        by_seg.entry(k).or_default().insert(
            r.keys[0].clone().unwrap_or_default(),
            (
                r.p75.unwrap(),
                r.p75_ci_low.unwrap_or(f64::NAN),
                r.p75_ci_high.unwrap_or(f64::NAN),
                r.n,
            ),
        );
    }
    let mut growth: Vec<(Segment, f64)> = by_seg
        .iter()
        .filter_map(|(k, rel)| {
            let (a, b) = (rel.get("1.4.0")?, rel.get("1.5.0")?);
            (a.3 >= 100 && b.3 >= 100).then(|| (k.clone(), b.0 / a.0))
        })
        .collect();
    growth.sort_by(|a, b| b.1.total_cmp(&a.1));
    assert_eq!(
        growth[0].0,
        ("mobile".to_string(), "Mobile Safari".to_string()),
        "{growth:?}"
    );
    assert!(growth[0].1 > 1.5, "{growth:?}");
    assert!(growth[1].1 < 1.3, "only one segment regresses: {growth:?}");
    let ms = &by_seg[&("mobile".to_string(), "Mobile Safari".to_string())];
    assert!(ms["1.5.0"].1 > ms["1.4.0"].2, "CIs overlap: {ms:?}");

    // 2. The release-specific error ranks first for 1.5.0 × /cart and never appears before.
    let e = errors(
        &ds,
        &filter(&["release=1.5.0", "page_group=/cart"]),
        &ErrorsOptions::default(),
    )
    .unwrap();
    let top = &e.hotspots[0];
    assert!(top.fingerprint.contains("renderCartTotal"), "{}", top.fingerprint);
    assert!(
        top.count >= 3 * e.hotspots.get(1).map_or(1, |h| h.count),
        "wins by a wide margin"
    );
    let before = errors(&ds, &filter(&["release=1.3.2,1.4.0"]), &ErrorsOptions::default()).unwrap();
    assert!(before.hotspots.iter().all(|h| h.fingerprint != top.fingerprint));

    // 3. Checkout → confirmation drops far more on mobile.
    let f = funnel(
        &ds,
        &Filter::default(),
        &FunnelOptions {
            steps: vec!["/checkout".into(), "/confirmation".into()],
            mode: FunnelMode::Ordered,
            by: Some("device_type".into()),
        },
    )
    .unwrap();
    let conv = |d: &str| {
        f.steps
            .iter()
            .find(|s| s.step == 2 && s.key.as_deref() == Some(d))
            .and_then(|s| s.conversion_from_previous)
            .unwrap()
    };
    assert!(conv("mobile") < 0.45, "mobile {}", conv("mobile"));
    assert!(conv("desktop") > 0.65, "desktop {}", conv("desktop"));

    // 4. POST /api/cart/items fails with 503 in 1.4.0 only.
    let rate = |release: &str| {
        let e = errors(
            &ds,
            &filter(&[&format!("release={release}")]),
            &ErrorsOptions::default(),
        )
        .unwrap();
        let a = e.api.iter().find(|a| a.endpoint == "POST /api/cart/items");
        let s503 = a.map_or(0, |a| {
            a.statuses
                .iter()
                .filter(|s| s.value.as_deref() == Some("503"))
                .map(|s| s.count)
                .sum::<u64>()
        });
        (s503, a.map_or(0, |a| a.calls))
    };
    let (f14, c14) = rate("1.4.0");
    let (f15, c15) = rate("1.5.0");
    assert!(f14 as f64 / c14 as f64 > 0.04, "1.4.0: {f14}/{c14}");
    assert!((f15 as f64) < 0.02 * c15.max(1) as f64, "1.5.0: {f15}/{c15}");
}
