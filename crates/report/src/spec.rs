//! The report spec: a JSON document naming the inputs, the filters and an ordered list of
//! sections, each one analysis with its options, a title and a chart kind. Documented in
//! `docs/report-spec.md`; its JSON Schema is generated from these types
//! (`docs/report-spec.schema.json`, kept fresh by a test).

use crate::error::{ReportError, Result};
use rumlens_engine::filter::{parse_time, DimFilter, RangeFilter};
use rumlens_engine::Filter;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Current spec version.
pub const VERSION: u32 = 1;

/// A report: inputs, filters and sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Spec format version (1).
    #[serde(default = "version")]
    pub version: u32,
    /// Report title, shown on the title page.
    pub title: String,
    /// Optional line under the title (context, ticket, audience).
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Files, globs or directories. Relative paths are resolved against the spec file's folder.
    pub inputs: Vec<String>,
    /// Read every input as this format instead of detecting it (see `rumlens formats`).
    #[serde(default)]
    pub input_format: Option<String>,
    /// Column mapping file for non-canonical exports (relative to the spec file).
    #[serde(default)]
    pub mapping: Option<String>,
    /// Page-group rules file, one `REGEX -> GROUP` per line (relative to the spec file).
    #[serde(default)]
    pub page_rules: Option<String>,
    /// Filters applied to every section, combined with AND.
    #[serde(default)]
    pub filters: Vec<FilterItem>,
    /// Keep events at or after this time (2026-10-05, 2026-10-05T14:00 or RFC 3339).
    #[serde(default)]
    pub from: Option<String>,
    /// Keep events before this time.
    #[serde(default)]
    pub to: Option<String>,
    /// Paper size of the PDF.
    #[serde(default)]
    pub paper: Paper,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

fn version() -> u32 {
    VERSION
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in PostScript points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// One filter: a string in the command line's `--filter` syntax (`device_type=mobile`,
/// `browser!=Safari`, `lcp>=2500`, `inp=200..500`), or the structured form the app writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum FilterItem {
    Spec(String),
    Dim(DimItem),
    Range(RangeItem),
}

/// `column ∈ values`, or `∉` when `negate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DimItem {
    pub column: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub negate: bool,
}

/// `min ≤ column ≤ max`; either bound optional, `*_exclusive` for strict bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RangeItem {
    pub column: String,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub min_exclusive: bool,
    #[serde(default)]
    pub max_exclusive: bool,
}

/// One section: an analysis, its title, section-only filters and a chart kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Section {
    /// Section heading; a title is made from the analysis when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// Filters for this section only, combined with the report's (AND).
    #[serde(default)]
    pub filters: Vec<FilterItem>,
    /// Chart kind; the analysis' natural chart when absent, `none` for tables only.
    #[serde(default)]
    pub chart: Option<ChartKind>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Percentile trend lines with n per point (trend).
    Line,
    /// Bars: p75 with CI and CWV thresholds (breakdown), counts (errors, summary), A vs B (compare).
    Bar,
    /// Good / needs-improvement / poor shares per segment (breakdown).
    StackedBar,
    /// Distribution with CWV bands (hist).
    Histogram,
    /// Sessions per step (funnel).
    Funnel,
    /// Errors by page × browser for the top fingerprint (errors).
    Heatmap,
    /// No chart, tables only.
    None,
}

/// The analysis of a section, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Analysis {
    /// Rows by event type, sessions, time range, values of the main dimensions, rejects.
    Summary {
        /// Values listed per dimension.
        #[serde(default = "d_top")]
        top: usize,
    },
    /// Percentiles, p75 95% CI and CWV shares of a metric by up to 3 dimensions.
    Breakdown {
        metric: String,
        #[serde(default)]
        by: Vec<String>,
        #[serde(default)]
        event_type: Option<String>,
        /// Segments with fewer samples are flagged low n.
        #[serde(default = "d_min_n")]
        min_n: u64,
    },
    /// A statistic of a metric per time bucket, optionally one line per value of a dimension.
    Trend {
        metric: String,
        /// p50, p75, p90, p95, p99, mean or count.
        #[serde(default = "d_stat")]
        stat: String,
        /// auto, or 1m, 15m, 1h, 6h, 1d, 1w…
        #[serde(default = "d_auto")]
        bucket: String,
        #[serde(default)]
        by: Option<String>,
        #[serde(default)]
        event_type: Option<String>,
        /// Draw the 95% confidence band of the percentile (unsplit trends).
        #[serde(default)]
        ci: bool,
    },
    /// Distribution of a metric in linear or log bins.
    Hist {
        metric: String,
        #[serde(default = "d_bins")]
        bins: usize,
        #[serde(default = "d_true")]
        log: bool,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
        #[serde(default)]
        event_type: Option<String>,
    },
    /// Error hotspots by fingerprint and failing API endpoints.
    Errors {
        /// Hotspots listed.
        #[serde(default = "d_limit")]
        limit: usize,
        #[serde(default)]
        by: Option<String>,
        #[serde(default = "d_auto")]
        bucket: String,
        /// Fingerprint whose page × browser heatmap is drawn; default: the top hotspot's.
        #[serde(default)]
        fingerprint: Option<String>,
    },
    /// Sessions through ordered steps.
    Funnel {
        /// Page groups (`/cart`), `url~REGEX` or `column=value`, in order.
        steps: Vec<String>,
        /// strict, ordered or any.
        #[serde(default = "d_mode")]
        mode: String,
        #[serde(default)]
        by: Option<String>,
    },
    /// Core Web Vitals p75 of two segments side by side, with the difference and its significance.
    Compare {
        a: Vec<FilterItem>,
        b: Vec<FilterItem>,
        #[serde(default)]
        a_label: Option<String>,
        #[serde(default)]
        b_label: Option<String>,
    },
}

fn d_top() -> usize {
    10
}
fn d_min_n() -> u64 {
    50
}
fn d_stat() -> String {
    "p75".into()
}
fn d_auto() -> String {
    "auto".into()
}
fn d_bins() -> usize {
    60
}
fn d_true() -> bool {
    true
}
fn d_limit() -> usize {
    20
}
fn d_mode() -> String {
    "ordered".into()
}

impl Analysis {
    pub fn kind(&self) -> &'static str {
        match self {
            Analysis::Summary { .. } => "summary",
            Analysis::Breakdown { .. } => "breakdown",
            Analysis::Trend { .. } => "trend",
            Analysis::Hist { .. } => "hist",
            Analysis::Errors { .. } => "errors",
            Analysis::Funnel { .. } => "funnel",
            Analysis::Compare { .. } => "compare",
        }
    }

    /// Chart kinds this analysis can draw; the first is the default.
    pub fn charts(&self) -> &'static [ChartKind] {
        use ChartKind::*;
        match self {
            Analysis::Summary { .. } => &[Bar, None],
            Analysis::Breakdown { .. } => &[Bar, StackedBar, None],
            Analysis::Trend { .. } => &[Line, None],
            Analysis::Hist { .. } => &[Histogram, None],
            Analysis::Errors { .. } => &[Bar, Heatmap, None],
            Analysis::Funnel { .. } => &[Funnel, None],
            Analysis::Compare { .. } => &[Bar, None],
        }
    }
}

impl Section {
    /// The chart drawn, `None` for tables only.
    pub fn chart_kind(&self) -> Option<ChartKind> {
        match self.chart.unwrap_or(self.analysis.charts()[0]) {
            ChartKind::None => None,
            k => Some(k),
        }
    }
}

impl ReportSpec {
    /// Parse and validate a spec; errors name the JSON line and column or the section.
    pub fn from_json(text: &str, origin: &str) -> Result<Self> {
        let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| ReportError::Spec {
            path: origin.into(),
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })?;
        let spec: ReportSpec = serde_json::from_value(raw.clone()).map_err(|e| ReportError::Spec {
            path: origin.into(),
            message: locate(&raw).unwrap_or_else(|| e.to_string()),
        })?;
        spec.check_unknown_section_keys(&raw, origin)?;
        spec.validate(origin)?;
        Ok(spec)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Sections flatten their analysis, so serde cannot reject unknown keys there; a typo
    /// (`"metrc"`) would silently fall back to a default. Compare against the known keys.
    fn check_unknown_section_keys(&self, raw: &serde_json::Value, origin: &str) -> Result<()> {
        let Some(sections) = raw.get("sections").and_then(|s| s.as_array()) else {
            return Ok(());
        };
        for (i, (raw_s, s)) in sections.iter().zip(&self.sections).enumerate() {
            let known = section_keys(s);
            if let Some(obj) = raw_s.as_object() {
                for k in obj.keys() {
                    if !known.iter().any(|n| n == k) {
                        return Err(ReportError::Spec {
                            path: origin.into(),
                            message: format!(
                                "section {} ({}): unknown field `{k}`; expected one of {}",
                                i + 1,
                                s.analysis.kind(),
                                known.join(", ")
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn validate(&self, origin: &str) -> Result<()> {
        let bad = |message: String| ReportError::Spec {
            path: origin.into(),
            message,
        };
        if self.version != VERSION {
            return Err(bad(format!(
                "version {} is not supported (expected {VERSION})",
                self.version
            )));
        }
        if self.inputs.is_empty() {
            return Err(bad("`inputs` is empty: name at least one file, glob or folder".into()));
        }
        if self.sections.is_empty() {
            return Err(bad("`sections` is empty".into()));
        }
        self.filter(&[]).map_err(|e| bad(format!("filters: {e}")))?;
        for (i, s) in self.sections.iter().enumerate() {
            let at = |m: String| bad(format!("section {} ({}): {m}", i + 1, s.analysis.kind()));
            if let Some(c) = s.chart {
                if !s.analysis.charts().contains(&c) {
                    let names: Vec<String> = s.analysis.charts().iter().map(|c| chart_name(*c)).collect();
                    return Err(at(format!(
                        "chart `{}` does not fit this analysis; use one of {}",
                        chart_name(c),
                        names.join(", ")
                    )));
                }
            }
            self.filter(&s.filters).map_err(|e| at(format!("filters: {e}")))?;
            match &s.analysis {
                Analysis::Funnel { steps, .. } if steps.len() < 2 => {
                    return Err(at("a funnel needs at least 2 steps".into()))
                }
                Analysis::Compare { a, b, .. } => {
                    to_filter(a, None, None).map_err(|e| at(format!("a: {e}")))?;
                    to_filter(b, None, None).map_err(|e| at(format!("b: {e}")))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The report's filter combined with extra (section) items.
    pub fn filter(&self, extra: &[FilterItem]) -> rumlens_engine::Result<Filter> {
        let mut items = self.filters.clone();
        items.extend_from_slice(extra);
        to_filter(&items, self.from.as_deref(), self.to.as_deref())
    }

    /// Inputs and side files resolved against `base` (the spec file's folder).
    pub fn resolve_paths(&self, base: &Path) -> (Vec<String>, Option<PathBuf>, Option<PathBuf>) {
        let resolve = |p: &str| -> String {
            if Path::new(p).is_absolute() {
                p.to_string()
            } else {
                base.join(p).to_string_lossy().into_owned()
            }
        };
        (
            self.inputs.iter().map(|p| resolve(p)).collect(),
            self.mapping.as_deref().map(|p| PathBuf::from(resolve(p))),
            self.page_rules.as_deref().map(|p| PathBuf::from(resolve(p))),
        )
    }
}

/// Build an engine filter from spec items and a time window.
pub fn to_filter(items: &[FilterItem], from: Option<&str>, to: Option<&str>) -> rumlens_engine::Result<Filter> {
    let mut f = Filter::default();
    for item in items {
        match item {
            FilterItem::Spec(s) => f.add_spec(s)?,
            FilterItem::Dim(d) => f.dims.push(DimFilter {
                column: rumlens_engine::analysis::dimension(&d.column)?.to_string(),
                values: d.values.clone(),
                negate: d.negate,
            }),
            FilterItem::Range(r) => f.ranges.push(RangeFilter {
                column: r.column.clone(),
                min: r.min,
                max: r.max,
                min_exclusive: r.min_exclusive,
                max_exclusive: r.max_exclusive,
            }),
        }
    }
    if let Some(t) = from {
        f.from_ms = Some(parse_time(t)?);
    }
    if let Some(t) = to {
        f.to_ms = Some(parse_time(t)?);
    }
    // Validates column names and types without touching data.
    f.expr()?;
    Ok(f)
}

/// The structured items of an engine filter, for specs written by the app.
pub fn from_filter(f: &Filter) -> (Vec<FilterItem>, Option<String>, Option<String>) {
    let mut items: Vec<FilterItem> = f
        .dims
        .iter()
        .map(|d| {
            FilterItem::Dim(DimItem {
                column: d.column.clone(),
                values: d.values.clone(),
                negate: d.negate,
            })
        })
        .collect();
    items.extend(f.ranges.iter().map(|r| {
        FilterItem::Range(RangeItem {
            column: r.column.clone(),
            min: r.min,
            max: r.max,
            min_exclusive: r.min_exclusive,
            max_exclusive: r.max_exclusive,
        })
    }));
    let ts = |ms: Option<i64>| ms.map(fmt_ms);
    (items, ts(f.from_ms), ts(f.to_ms))
}

/// RFC 3339 UTC with milliseconds when they are not zero (so a brushed window survives).
fn fmt_ms(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(d) if ms % 1000 != 0 => d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Some(d) => d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => ms.to_string(),
    }
}

pub fn chart_name(c: ChartKind) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Which section a deserialisation error is in, with serde's message.
fn locate(raw: &serde_json::Value) -> Option<String> {
    let sections = raw.get("sections")?.as_array()?;
    sections.iter().enumerate().find_map(|(i, s)| {
        let e = serde_json::from_value::<Section>(s.clone()).err()?;
        let kind = s.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
        Some(format!("section {} ({kind}): {e}", i + 1))
    })
}

/// Keys a section object may carry: the common ones plus its analysis' fields.
fn section_keys(s: &Section) -> Vec<String> {
    let mut keys: Vec<String> = ["title", "filters", "chart"].iter().map(|k| k.to_string()).collect();
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(&s.analysis) {
        keys.extend(m.keys().cloned());
    }
    keys
}

/// The JSON Schema of a spec, pretty-printed (written to `docs/report-spec.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ReportSpec);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
