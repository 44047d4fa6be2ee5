//! The compact in-memory form (`Dataset::materialize`: parts by event type, categoricals,
//! narrowed integers, constant columns) answers every analysis exactly as the lazy dataset
//! over the same events does, under filters that hit, miss and negate values.

use rumlens_engine::analysis::breakdown::{breakdown, BreakdownOptions};
use rumlens_engine::analysis::compare::compare;
use rumlens_engine::analysis::errors::{errors, ErrorsOptions};
use rumlens_engine::analysis::funnel::{funnel, FunnelMode, FunnelOptions};
use rumlens_engine::analysis::hist::{hist, HistOptions};
use rumlens_engine::analysis::overview::overview;
use rumlens_engine::analysis::summary::{summary, SummaryOptions};
use rumlens_engine::analysis::trend::{trend, Stat, TrendOptions};
use rumlens_engine::gen::{generate, GenOptions};
use rumlens_engine::{Dataset, Filter, OpenOptions};

fn filter(specs: &[&str]) -> Filter {
    let mut f = Filter::default();
    for s in specs {
        f.add_spec(s).expect("filter spec");
    }
    f
}

fn filters() -> Vec<Filter> {
    vec![
        Filter::default(),
        filter(&["device_type=mobile"]),
        filter(&["browser!=Chrome", "release=1.4.0,1.5.0"]),
        filter(&["country=ZZ"]),
        filter(&["event_type=view,error", "lcp>=1000"]),
        filter(&["page_group=/cart", "device_type!=bot"]),
    ]
}

/// Floats to 12 significant digits: a mean summed in another order differs in the last bit.
fn rounded(debug: String) -> String {
    let float = regex::Regex::new(r"-?\d+\.\d+(e-?\d+)?").expect("regex");
    float
        .replace_all(&debug, |c: &regex::Captures| match c[0].parse::<f64>() {
            Ok(v) => format!("{v:.11e}"),
            Err(_) => c[0].to_string(),
        })
        .into_owned()
}

/// Run every analysis on both datasets and compare their full results (Debug prints every
/// field).
#[test]
fn materialized_equals_lazy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("events.parquet");
    let mut raw = generate(&GenOptions {
        sessions: 500,
        seed: 11,
    })
    .expect("generate");
    rumlens_engine::export::write_events(&mut raw, &file).expect("write");
    let open = |streaming: bool| {
        let opts = OpenOptions {
            streaming,
            ..OpenOptions::default()
        };
        Dataset::open(&[file.display().to_string()], &opts).expect("open")
    };
    let lazy = open(false);
    let mem = lazy.clone().materialize().expect("materialize");
    let streamed = open(true);
    assert!(streamed.is_streaming() && !mem.is_streaming());
    let (bytes, parts) = mem.memory().expect("materialized");
    assert!(bytes > 0 && parts.len() >= 5, "{parts:?}");

    for (form, other) in [("materialized", &mem), ("streamed", &streamed)] {
        check(&lazy, other, form);
    }
}

fn check(lazy: &Dataset, mem: &Dataset, form: &str) {
    let same = |what: &str, a: String, b: String| assert_eq!(rounded(a), rounded(b), "{what} differs {form}");
    for (i, f) in filters().iter().enumerate() {
        let ctx = |what: &str| format!("{what} under filter {i}");
        let b = BreakdownOptions::new("lcp", &["device_type", "browser"]);
        same(
            &ctx("breakdown"),
            format!("{:?}", breakdown(lazy, f, &b)),
            format!("{:?}", breakdown(mem, f, &b)),
        );
        let b = BreakdownOptions::new("duration_ms", &["resource_type"]);
        same(
            &ctx("breakdown of resources"),
            format!("{:?}", breakdown(lazy, f, &b)),
            format!("{:?}", breakdown(mem, f, &b)),
        );
        let mut t = TrendOptions::new("inp", Stat::P75);
        t.by = Some("release".into());
        t.ci = true;
        same(
            &ctx("trend"),
            format!("{:?}", trend(lazy, f, &t)),
            format!("{:?}", trend(mem, f, &t)),
        );
        let mut t = TrendOptions::new("lcp", Stat::Mean);
        t.by = Some("browser".into());
        t.max_series = 3;
        same(
            &ctx("trend of the top browsers"),
            format!("{:?}", trend(lazy, f, &t)),
            format!("{:?}", trend(mem, f, &t)),
        );
        let mut h = HistOptions::new("lcp");
        h.log = true;
        same(
            &ctx("hist"),
            format!("{:?}", hist(lazy, f, &h)),
            format!("{:?}", hist(mem, f, &h)),
        );
        let e = ErrorsOptions {
            by: Some("page_group".into()),
            ..Default::default()
        };
        same(
            &ctx("errors"),
            format!("{:?}", errors(lazy, f, &e)),
            format!("{:?}", errors(mem, f, &e)),
        );
        let fo = FunnelOptions {
            steps: ["/", "/product/:id", "/cart", "/checkout"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            mode: FunnelMode::Ordered,
            by: Some("device_type".into()),
        };
        same(
            &ctx("funnel"),
            format!("{:?}", funnel(lazy, f, &fo)),
            format!("{:?}", funnel(mem, f, &fo)),
        );
        let s = SummaryOptions::default();
        same(
            &ctx("summary"),
            format!("{:?}", summary(lazy, f, &s)),
            format!("{:?}", summary(mem, f, &s)),
        );
        same(
            &ctx("overview"),
            format!("{:?}", overview(lazy, f)),
            format!("{:?}", overview(mem, f)),
        );
    }
    let (a, b) = (filter(&["release=1.4.0"]), filter(&["release=1.5.0"]));
    same(
        "compare",
        format!("{:?}", compare(lazy, &a, &b)),
        format!("{:?}", compare(mem, &a, &b)),
    );
}

/// Writing a materialized dataset gives the canonical dtypes back.
#[test]
fn canonical_dtypes_come_back() {
    let raw = generate(&GenOptions { sessions: 50, seed: 3 }).expect("generate");
    let mem = Dataset::from_frame(raw)
        .expect("dataset")
        .materialize()
        .expect("materialize");
    let df = mem
        .canonical(&Filter::default())
        .expect("lazy")
        .collect()
        .expect("collect");
    for c in rumlens_engine::schema::COLUMNS {
        let dt = df.column(c.name).expect("column").dtype().clone();
        assert_eq!(dt, rumlens_engine::schema::dtype(c.kind), "{}", c.name);
    }
}
