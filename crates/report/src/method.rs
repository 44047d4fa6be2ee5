//! What every report states besides its numbers: the dataset facts of the title page and the
//! method and data-quality notes of the last page. Shared by the PDF and the HTML.

use crate::run::Report;
use crate::tables::{Align, DisplayTable};
use crate::text;
use rumlens_engine::schema::cwv_thresholds;

pub const PARAGRAPHS: [(&str, &str); 5] = [
    ("Percentiles", "Linear interpolation between closest ranks (Hyndman–Fan type 7: NumPy's default, DuckDB's quantile_cont, Polars' linear). Every sample counts once; no sampling, no pre-aggregation."),
    ("Confidence intervals", "95% intervals of a percentile are distribution-free, from order statistics: ranks r = floor(np - 1.96·sqrt(np(1-p))) and s = ceil(np + 1.96·sqrt(np(1-p))) + 1 of the n sorted samples. A bound is missing when the sample is too small to give it. Segments with fewer samples than the section's min_n (default 50) are marked low n. In comparisons, a change is significant when the two p75 intervals do not overlap."),
    ("Ratings", "A segment's Core Web Vitals rating is the band of its p75: good at or below the first threshold, poor above the second, needs improvement (NI in tables) between. Shares count samples in each band."),
    ("Error fingerprints", "An error's fingerprint is its type, its message with URLs, quoted strings, UUIDs, hex ids and numbers replaced by placeholders, and its top stack frame (function and file name, without path, query, line or column). Sessions affected are distinct sessions with at least one such error."),
    ("Time", "Times are UTC. Trend buckets start at multiples of the bucket width since the epoch; empty buckets are gaps, not zeros."),
];

/// Title-page facts: inputs, window, rows, sessions, filters, rejects, generated-at.
pub fn facts(r: &Report) -> Vec<(String, String)> {
    let d = &r.dataset;
    let mut files: Vec<String> = d.files.iter().take(12).map(|(f, det)| format!("{f} ({det})")).collect();
    if d.files.len() > 12 {
        files.push(format!("… and {} more files", d.files.len() - 12));
    }
    vec![
        ("Inputs".to_string(), files.join("; ")),
        (
            "Time window (UTC)".into(),
            match (&d.from, &d.to) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                _ => "no events".into(),
            },
        ),
        ("Events".into(), text::int(d.rows)),
        ("Sessions".into(), text::int(d.sessions)),
        ("Filters".into(), d.filter.clone()),
        ("Rows rejected at import".into(), text::int(d.rejected)),
        ("Generated".into(), r.generated_at.clone()),
    ]
}

pub fn thresholds() -> DisplayTable {
    let mut t = DisplayTable {
        title: "Core Web Vitals thresholds".into(),
        columns: vec![
            ("metric".into(), Align::Left),
            ("good (≤)".into(), Align::Right),
            ("poor (>)".into(), Align::Right),
        ],
        rows: Vec::new(),
    };
    for m in ["lcp_ms", "inp_ms", "cls", "fcp_ms", "ttfb_ms"] {
        if let Some(th) = cwv_thresholds(m) {
            let unit = if m.ends_with("_ms") { "ms" } else { "" };
            t.rows.push(vec![
                crate::run::metric_title(m),
                text::num_unit(Some(th.good), unit),
                text::num_unit(Some(th.poor), unit),
            ]);
        }
    }
    t
}

pub fn quality(r: &Report) -> String {
    let d = &r.dataset;
    let mut q = format!(
        "{} row(s) were rejected at import and are not in any number of this report.",
        text::int(d.rejected)
    );
    if !d.invalid_values.is_empty() {
        let v: Vec<String> = d
            .invalid_values
            .iter()
            .map(|(c, n)| format!("{c}: {}", text::int(*n)))
            .collect();
        q.push_str(&format!(
            " Negative or non-finite measures were set to missing (the row is kept): {}.",
            v.join(", ")
        ));
    }
    q
}

pub fn rejects(r: &Report) -> Option<DisplayTable> {
    let d = &r.dataset;
    if d.reject_examples.is_empty() {
        return None;
    }
    let mut t = DisplayTable {
        title: format!("First {} rejected rows", d.reject_examples.len().min(20)),
        columns: vec![
            ("file:line".into(), Align::Left),
            ("field".into(), Align::Left),
            ("reason".into(), Align::Left),
        ],
        rows: Vec::new(),
    };
    for x in d.reject_examples.iter().take(20) {
        t.rows.push(vec![
            format!("{}:{}", x.file.display(), x.line),
            x.field.clone().unwrap_or_else(|| "—".into()),
            x.reason.clone(),
        ]);
    }
    Some(t)
}
