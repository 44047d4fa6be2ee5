//! Running a spec: open the dataset once, compute every section with the engine. Rendering
//! never computes; every format draws from the [`Report`] made here, so the same spec gives
//! the same numbers in every format.

use crate::error::{ReportError, Result};
use crate::spec::{to_filter, Analysis, ChartKind, ReportSpec, Section};
use rumlens_engine::analysis::{
    breakdown::{breakdown, Breakdown, BreakdownOptions},
    compare::{compare, Compare},
    errors::{errors, Errors, ErrorsOptions},
    funnel::{funnel, Funnel, FunnelMode, FunnelOptions},
    hist::{hist, HistOptions, Histogram},
    overview::{overview, Overview},
    summary::{summary, Summary, SummaryOptions},
    trend::{trend, Stat, Trend, TrendOptions},
    Bucket,
};
use rumlens_engine::filter::fmt_ts;
use rumlens_engine::import::{Mapping, Reject};
use rumlens_engine::{Dataset, OpenOptions};
use std::path::Path;

/// The computed result of one section.
#[derive(Debug, Clone)]
pub enum SectionResult {
    Summary(Box<Summary>),
    Breakdown(Breakdown),
    Trend(Trend),
    Hist(Histogram),
    Errors(Box<Errors>),
    Funnel(Funnel),
    Compare {
        result: Compare,
        a_label: String,
        b_label: String,
    },
}

#[derive(Debug, Clone)]
pub struct SectionOut {
    pub title: String,
    /// The filters this section was computed under, described.
    pub filter: String,
    pub chart: Option<ChartKind>,
    pub result: SectionResult,
}

/// What the report is about: files, window, rows, rejects.
#[derive(Debug, Clone)]
pub struct DatasetInfo {
    /// Each input file with its detected format.
    pub files: Vec<(String, String)>,
    /// Rows and sessions after the report's filters.
    pub rows: u64,
    pub sessions: u64,
    pub from: Option<String>,
    pub to: Option<String>,
    pub filter: String,
    pub rejected: u64,
    pub reject_examples: Vec<Reject>,
    /// Measures nulled at import (negative / non-finite), per column.
    pub invalid_values: Vec<(String, u64)>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub spec: ReportSpec,
    pub dataset: DatasetInfo,
    /// Core Web Vitals at a glance, for the title page.
    pub overview: Overview,
    pub generated_at: String,
    pub sections: Vec<SectionOut>,
}

/// Progress of a run: `(sections done, sections total)`; return `false` to cancel.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) -> bool + Sync);

/// Open the spec's inputs (relative to `base`) and compute every section.
pub fn run(spec: &ReportSpec, base: &Path, progress: Option<Progress<'_>>) -> Result<Report> {
    let (inputs, mapping, page_rules) = spec.resolve_paths(base);
    let mapping = mapping.as_deref().map(Mapping::load).transpose()?;
    let ds = Dataset::open(
        &inputs,
        &OpenOptions {
            page_rules,
            on_progress: None,
            input_format: spec.input_format.as_deref(),
            rows_read: None,
            mapping: mapping.as_ref(),
            streaming: false,
        },
    )?;
    run_on(spec, &ds, progress)
}

/// Compute every section of `spec` over an already opened dataset (the app's).
pub fn run_on(spec: &ReportSpec, ds: &Dataset, progress: Option<Progress<'_>>) -> Result<Report> {
    let total = spec.sections.len() + 1;
    let tick = |done: usize| -> Result<()> {
        match progress {
            Some(p) if !p(done, total) => Err(ReportError::Engine(rumlens_engine::EngineError::Cancelled)),
            _ => Ok(()),
        }
    };
    let base = spec.filter(&[])?;
    let sum = summary(ds, &base, &SummaryOptions { top_values: 0 })?;
    let ov = overview(ds, &base)?;
    let dataset = DatasetInfo {
        files: ds
            .report
            .files
            .iter()
            .map(|f| (f.path.display().to_string(), f.detected.clone()))
            .collect(),
        rows: sum.rows,
        sessions: sum.sessions,
        from: sum.from_ms.map(fmt_ts),
        to: sum.to_ms.map(fmt_ts),
        filter: base.describe(),
        rejected: sum.rejected,
        reject_examples: sum.reject_examples.clone(),
        invalid_values: sum
            .invalid_values
            .iter()
            .map(|v| (v.value.clone().unwrap_or_default(), v.count))
            .collect(),
    };
    tick(1)?;
    let mut sections = Vec::with_capacity(spec.sections.len());
    for i in 0..spec.sections.len() {
        sections.push(run_section(spec, ds, i)?);
        tick(i + 2)?;
    }
    Ok(Report {
        spec: spec.clone(),
        dataset,
        overview: ov,
        generated_at: generated_at(),
        sections,
    })
}

/// Section `index` (0-based) of `spec` alone, without the report's title-page summary: what a
/// single chart or table export needs.
pub fn run_section(spec: &ReportSpec, ds: &Dataset, index: usize) -> Result<SectionOut> {
    let s = spec
        .sections
        .get(index)
        .ok_or_else(|| ReportError::Output(format!("the report has no section {}", index + 1)))?;
    section(spec, ds, s).map_err(|e| match e {
        ReportError::Engine(rumlens_engine::EngineError::InvalidArgument(m)) => ReportError::Spec {
            path: "spec".into(),
            message: format!("section {} ({}): {m}", index + 1, s.analysis.kind()),
        },
        other => other,
    })
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds) when set, so documents can be reproduced byte for byte.
fn generated_at() -> String {
    let ms = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(|s| s * 1000)
        .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
    fmt_ts(ms)
}

fn section(spec: &ReportSpec, ds: &Dataset, s: &Section) -> Result<SectionOut> {
    let f = spec.filter(&s.filters)?;
    let (result, title) = match &s.analysis {
        Analysis::Summary { top } => {
            let r = summary(ds, &f, &SummaryOptions { top_values: *top })?;
            (SectionResult::Summary(Box::new(r)), "Dataset summary".to_string())
        }
        Analysis::Breakdown {
            metric,
            by,
            event_type,
            min_n,
        } => {
            let r = breakdown(
                ds,
                &f,
                &BreakdownOptions {
                    metric: metric.clone(),
                    by: by.clone(),
                    event_type: event_type.clone(),
                    min_n: *min_n,
                },
            )?;
            let by = if r.by.is_empty() {
                String::new()
            } else {
                format!(" by {}", r.by.join(" × "))
            };
            let t = format!("{} percentiles{by}", metric_title(&r.metric));
            (SectionResult::Breakdown(r), t)
        }
        Analysis::Trend {
            metric,
            stat,
            bucket,
            by,
            event_type,
            ci,
        } => {
            let mut o = TrendOptions::new(metric, Stat::parse(stat)?);
            o.bucket = Bucket::parse(bucket)?;
            o.by = by.clone();
            o.event_type = event_type.clone();
            o.ci = *ci && by.is_none();
            let r = trend(ds, &f, &o)?;
            let t = format!(
                "{} {} per {}{}",
                r.stat.name(),
                metric_title(&r.metric),
                r.bucket_label(),
                r.by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default()
            );
            (SectionResult::Trend(r), t)
        }
        Analysis::Hist {
            metric,
            bins,
            log,
            min,
            max,
            event_type,
        } => {
            let r = hist(
                ds,
                &f,
                &HistOptions {
                    metric: metric.clone(),
                    bins: *bins,
                    log: *log,
                    min: *min,
                    max: *max,
                    event_type: event_type.clone(),
                },
            )?;
            let t = format!("Distribution of {}", metric_title(&r.metric));
            (SectionResult::Hist(r), t)
        }
        Analysis::Errors {
            limit,
            by,
            bucket,
            fingerprint,
        } => {
            let o = ErrorsOptions {
                limit: *limit,
                by: by.clone(),
                bucket: Bucket::parse(bucket)?,
                heatmap_for: fingerprint.clone(),
                heatmap_top: Some(true),
                ..Default::default()
            };
            let r = errors(ds, &f, &o)?;
            (SectionResult::Errors(Box::new(r)), "Error hotspots".to_string())
        }
        Analysis::Funnel { steps, mode, by } => {
            let r = funnel(
                ds,
                &f,
                &FunnelOptions {
                    steps: steps.clone(),
                    mode: FunnelMode::parse(mode)?,
                    by: by.clone(),
                },
            )?;
            let t = format!("Funnel: {}", r.labels.join(" → "));
            (SectionResult::Funnel(r), t)
        }
        Analysis::Compare { a, b, a_label, b_label } => {
            let mut fa = to_filter(a, None, None)?;
            let mut fb = to_filter(b, None, None)?;
            for x in [&mut fa, &mut fb] {
                x.dims.extend(f.dims.iter().cloned());
                x.ranges.extend(f.ranges.iter().cloned());
                x.from_ms = x.from_ms.or(f.from_ms);
                x.to_ms = x.to_ms.or(f.to_ms);
            }
            let r = compare(ds, &fa, &fb)?;
            let a_label = a_label.clone().unwrap_or_else(|| r.a_filter.clone());
            let b_label = b_label.clone().unwrap_or_else(|| r.b_filter.clone());
            let t = format!("{a_label} vs {b_label}");
            (
                SectionResult::Compare {
                    result: r,
                    a_label,
                    b_label,
                },
                t,
            )
        }
    };
    Ok(SectionOut {
        title: s.title.clone().unwrap_or(title),
        filter: f.describe(),
        chart: s.chart_kind(),
        result,
    })
}

/// `LCP`, `INP`… for the Core Web Vitals, the column name otherwise.
pub fn metric_title(column: &str) -> String {
    let base = column.strip_suffix("_ms").unwrap_or(column);
    match base {
        "lcp" | "inp" | "cls" | "fcp" | "ttfb" | "fid" => base.to_uppercase(),
        _ => base.replace('_', " "),
    }
}
