//! The tables of each section: the reading form (rounded, with units, for PDF and HTML) and the
//! full-precision form (the engine's `Table`, for CSV). Both come from the same result.

use crate::run::{Report, SectionOut, SectionResult};
use crate::text::{int, num, num_unit, pct};
use rumlens_engine::analysis::breakdown::Breakdown;
use rumlens_engine::filter::fmt_ts;
use rumlens_engine::table::{Table, ToTable, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table for reading: strings already formatted.
#[derive(Debug, Clone)]
pub struct DisplayTable {
    pub title: String,
    pub columns: Vec<(String, Align)>,
    pub rows: Vec<Vec<String>>,
}

impl DisplayTable {
    fn new(title: &str, columns: &[(&str, Align)]) -> Self {
        DisplayTable {
            title: title.into(),
            columns: columns.iter().map(|(c, a)| (c.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }
}

use Align::{Left as L, Right as R};

fn unit_suffix(unit: &str) -> String {
    match unit {
        "" | "unitless" => String::new(),
        u => format!(" ({u})"),
    }
}

fn ci(lo: Option<f64>, hi: Option<f64>, unit: &str) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("{}–{}", num(Some(l), unit), num(Some(h), unit)),
        _ => "—".into(),
    }
}

fn breakdown_table(b: &Breakdown) -> DisplayTable {
    let u = unit_suffix(&b.unit);
    let mut cols: Vec<(String, Align)> = b.by.iter().map(|d| (d.clone(), L)).collect();
    if cols.is_empty() {
        cols.push(("segment".into(), L));
    }
    cols.push(("n".into(), R));
    for c in [
        format!("p50{u}"),
        format!("p75{u}"),
        "p75 95% CI".into(),
        format!("p90{u}"),
        format!("p95{u}"),
        format!("p99{u}"),
    ] {
        cols.push((c, R));
    }
    let cwv = b.thresholds.is_some();
    if cwv {
        for c in ["good", "NI", "poor", "rating"] {
            cols.push((c.into(), if c == "rating" { L } else { R }));
        }
    }
    let mut t = DisplayTable {
        title: format!(
            "{} by {}",
            crate::run::metric_title(&b.metric),
            if b.by.is_empty() {
                "all".into()
            } else {
                b.by.join(" × ")
            }
        ),
        columns: cols,
        rows: Vec::new(),
    };
    for r in &b.rows {
        let mut row: Vec<String> = if b.by.is_empty() {
            vec!["all".into()]
        } else {
            r.keys
                .iter()
                .map(|k| k.clone().unwrap_or_else(|| "(none)".into()))
                .collect()
        };
        row.push(format!("{}{}", int(r.n), if r.low_n { " (low)" } else { "" }));
        for v in [r.p50, r.p75] {
            row.push(num(v, &b.unit));
        }
        row.push(ci(r.p75_ci_low, r.p75_ci_high, &b.unit));
        for v in [r.p90, r.p95, r.p99] {
            row.push(num(v, &b.unit));
        }
        if cwv {
            row.extend([pct(r.good), pct(r.needs_improvement), pct(r.poor)]);
            row.push(short_rating(r.rating.as_deref()));
        }
        t.rows.push(row);
    }
    t
}

/// A rating as the table's headers name the bands (`NI` for needs improvement).
fn short_rating(r: Option<&str>) -> String {
    match r {
        Some("needs-improvement") | Some("needs_improvement") => "NI".into(),
        Some(r) => r.into(),
        None => "—".into(),
    }
}

/// Tables for reading, in order.
pub fn display(s: &SectionOut) -> Vec<DisplayTable> {
    match &s.result {
        SectionResult::Summary(x) => {
            let mut t = DisplayTable::new("Events by type", &[("event type", L), ("events", R)]);
            for v in &x.by_event_type {
                t.rows
                    .push(vec![v.value.clone().unwrap_or_else(|| "(none)".into()), int(v.count)]);
            }
            let mut d = DisplayTable::new(
                "Dimensions",
                &[("dimension", L), ("distinct", R), ("most frequent values (events)", L)],
            );
            for dim in &x.dimensions {
                let top: Vec<String> = dim
                    .values
                    .iter()
                    .map(|v| format!("{} ({})", v.value.as_deref().unwrap_or("(none)"), int(v.count)))
                    .collect();
                d.rows.push(vec![dim.column.clone(), int(dim.distinct), top.join(", ")]);
            }
            vec![t, d]
        }
        SectionResult::Breakdown(b) => vec![breakdown_table(b)],
        SectionResult::Trend(tr) => {
            let u = unit_suffix(&tr.unit);
            let stat = tr.stat.name();
            let mut cols: Vec<(&str, Align)> = vec![("bucket (UTC)", L)];
            if tr.by.is_some() {
                cols.push((tr.by.as_deref().unwrap_or(""), L));
            }
            let head = format!("{stat}{u}");
            cols.push((&head, R));
            cols.push(("n", R));
            if tr.ci {
                cols.push(("95% CI", R));
            }
            let mut t = DisplayTable::new(&format!("{stat} per {}", tr.bucket_label()), &cols);
            for p in tr.points.iter().filter(|p| p.n > 0) {
                let mut row = vec![fmt_ts(p.bucket_ms).replace('T', " ").replace(":00Z", "")];
                if tr.by.is_some() {
                    row.push(p.key.clone().unwrap_or_else(|| "(none)".into()));
                }
                row.push(num(p.value, if stat == "count" { "count" } else { &tr.unit }));
                row.push(int(p.n));
                if tr.ci {
                    row.push(ci(p.ci_low, p.ci_high, &tr.unit));
                }
                t.rows.push(row);
            }
            vec![t]
        }
        SectionResult::Hist(h) => {
            let u = unit_suffix(&h.unit);
            let range = format!("bin{u}");
            let mut t = DisplayTable::new("Bins", &[(&range, L), ("CWV band", L), ("samples", R), ("share", R)]);
            for b in h.bins.iter().filter(|b| b.count > 0) {
                t.rows.push(vec![
                    format!("{} – {}", num(Some(b.lo), &h.unit), num(Some(b.hi), &h.unit)),
                    b.band.clone().unwrap_or_else(|| "—".into()),
                    int(b.count),
                    pct(Some(b.share)),
                ]);
            }
            vec![t]
        }
        SectionResult::Errors(e) => {
            let mut cols: Vec<(&str, Align)> = vec![("#", R)];
            if let Some(b) = &e.by {
                cols.push((b.as_str(), L));
            }
            cols.extend([
                ("error", L),
                ("errors", R),
                ("sessions", R),
                ("of sessions", R),
                ("top page", L),
                ("top browser", L),
                ("last seen (UTC)", L),
            ]);
            let mut t = DisplayTable::new("Error hotspots", &cols);
            for (i, h) in e.hotspots.iter().enumerate() {
                let mut row = vec![(i + 1).to_string()];
                if e.by.is_some() {
                    row.push(h.key.clone().unwrap_or_else(|| "(none)".into()));
                }
                row.extend([
                    format!(
                        "{}: {}",
                        h.error_type.as_deref().unwrap_or("Error"),
                        h.example_message.as_deref().unwrap_or(&h.fingerprint)
                    ),
                    int(h.count),
                    int(h.sessions),
                    pct(Some(h.session_share)),
                    h.top_pages
                        .first()
                        .and_then(|c| c.value.clone())
                        .unwrap_or_else(|| "—".into()),
                    h.top_browsers
                        .first()
                        .and_then(|c| c.value.clone())
                        .unwrap_or_else(|| "—".into()),
                    fmt_ts(h.last_seen_ms).replace('T', " ").replace('Z', ""),
                ]);
                t.rows.push(row);
            }
            let mut a = DisplayTable::new(
                "Failing API endpoints",
                &[
                    ("endpoint", L),
                    ("calls", R),
                    ("failures", R),
                    ("failure rate", R),
                    ("sessions", R),
                    ("statuses (0 = network)", L),
                ],
            );
            for x in &e.api {
                let st: Vec<String> = x
                    .statuses
                    .iter()
                    .map(|c| format!("{}×{}", c.value.as_deref().unwrap_or("?"), int(c.count)))
                    .collect();
                a.rows.push(vec![
                    x.endpoint.clone(),
                    int(x.calls),
                    int(x.failures),
                    pct(Some(x.failure_rate)),
                    int(x.sessions),
                    st.join(", "),
                ]);
            }
            let mut out = vec![t];
            if !a.rows.is_empty() {
                out.push(a);
            }
            out
        }
        SectionResult::Funnel(f) => {
            let mut cols: Vec<(&str, Align)> = vec![("step", R), ("page / event", L)];
            if let Some(b) = &f.by {
                cols.push((b.as_str(), L));
            }
            cols.extend([
                ("sessions", R),
                ("from previous", R),
                ("from first", R),
                ("drop-off", R),
                ("median time", R),
                ("p75 time", R),
            ]);
            let mut t = DisplayTable::new("Steps", &cols);
            for s in &f.steps {
                let mut row = vec![s.step.to_string(), s.label.clone()];
                if f.by.is_some() {
                    row.push(s.key.clone().unwrap_or_else(|| "(none)".into()));
                }
                row.extend([
                    int(s.sessions),
                    pct(s.conversion_from_previous),
                    pct(s.conversion_from_first),
                    int(s.dropoff),
                    num_unit(s.median_time_ms, "ms"),
                    num_unit(s.p75_time_ms, "ms"),
                ]);
                t.rows.push(row);
            }
            vec![t]
        }
        SectionResult::Compare {
            result,
            a_label,
            b_label,
        } => {
            let a_p = format!("A p75 ({})", a_label);
            let b_p = format!("B p75 ({})", b_label);
            let mut t = DisplayTable::new(
                "p75 per metric, A vs B",
                &[
                    ("metric", L),
                    ("A n", R),
                    (&a_p, R),
                    ("A 95% CI", R),
                    ("B n", R),
                    (&b_p, R),
                    ("B 95% CI", R),
                    ("change", R),
                    ("significant", L),
                ],
            );
            for r in &result.rows {
                let side = |x: &Option<rumlens_engine::analysis::breakdown::BreakdownRow>| match x {
                    Some(x) => (
                        int(x.n),
                        num_unit(x.p75, &r.unit),
                        ci(x.p75_ci_low, x.p75_ci_high, &r.unit),
                    ),
                    None => ("0".into(), "—".into(), "—".into()),
                };
                let (an, ap, aci) = side(&r.a);
                let (bn, bp, bci) = side(&r.b);
                t.rows.push(vec![
                    crate::run::metric_title(&r.metric),
                    an,
                    ap,
                    aci,
                    bn,
                    bp,
                    bci,
                    r.p75_diff_rel.map_or("—".into(), |d| format!("{:+.1}%", d * 100.0)),
                    if r.significant { "yes" } else { "no" }.into(),
                ]);
            }
            vec![t]
        }
    }
}

/// Full-precision tables for CSV, named.
pub fn csv_tables(s: &SectionOut) -> Vec<(String, Table)> {
    match &s.result {
        SectionResult::Summary(x) => vec![("summary".into(), x.to_table())],
        SectionResult::Breakdown(b) => vec![("breakdown".into(), b.to_table())],
        SectionResult::Trend(t) => vec![("trend".into(), t.to_table())],
        SectionResult::Hist(h) => vec![("hist".into(), h.to_table())],
        SectionResult::Errors(e) => {
            let mut out = vec![("errors".into(), e.to_table()), ("api".into(), e.api_table())];
            if let Some(hm) = &e.heatmap {
                let mut cols = vec!["page_group".to_string()];
                cols.extend(hm.columns.iter().cloned());
                let mut t = Table {
                    columns: cols,
                    rows: Vec::new(),
                };
                for (i, r) in hm.rows.iter().enumerate() {
                    let mut row: Vec<Value> = vec![r.clone().into()];
                    row.extend(hm.counts.get(i).into_iter().flatten().map(|c| Value::from(*c)));
                    t.rows.push(row);
                }
                out.push(("heatmap".into(), t));
            }
            out
        }
        SectionResult::Funnel(f) => vec![("funnel".into(), f.to_table())],
        SectionResult::Compare { result, .. } => vec![("compare".into(), result.to_table())],
    }
}

/// The title page's at-a-glance table: p75 of each Core Web Vital with n, CI and rating.
pub fn vitals(r: &Report) -> DisplayTable {
    let mut t = DisplayTable::new(
        "Core Web Vitals at a glance (page views, all sections' base filters)",
        &[
            ("metric", L),
            ("p75", R),
            ("95% CI", R),
            ("n", R),
            ("good", R),
            ("poor", R),
            ("rating", L),
        ],
    );
    for v in &r.overview.vitals {
        let Some(s) = &v.stats else { continue };
        t.rows.push(vec![
            crate::run::metric_title(&v.metric),
            num_unit(s.p75, &v.unit),
            ci(s.p75_ci_low, s.p75_ci_high, &v.unit),
            format!("{}{}", int(s.n), if s.low_n { " (low)" } else { "" }),
            pct(s.good),
            pct(s.poor),
            short_rating(s.rating.as_deref()),
        ]);
    }
    t
}
