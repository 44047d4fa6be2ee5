//! Report charts drawn with plotters into SVG: line (trends with n and an optional CI band),
//! bar (breakdown p75 with CI and CWV thresholds; error counts; compare), stacked bar (CWV
//! shares), histogram (log axis, CWV bands), funnel and heatmap. The palette is the UI's
//! (Okabe–Ito, colour-blind safe); every title names the statistic and the unit.
//! The same SVG is embedded in the PDF and the HTML and rendered to PNG.

mod bars;
mod heatmap;
mod hist;
mod line;

use crate::error::{ReportError, Result};
use crate::run::{SectionOut, SectionResult};
use crate::spec::ChartKind;
use crate::text;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Chart canvas in SVG user units; the PDF scales it to the text width (A4: ×0.57).
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 520;

/// A drawn chart: a standalone SVG document.
#[derive(Debug, Clone)]
pub struct ChartSvg {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

pub mod palette {
    use plotters::style::RGBColor;
    // Okabe–Ito, as in ui/src/lib/charts/palette.ts (light theme).
    pub const TEXT: RGBColor = RGBColor(0x1f, 0x23, 0x28);
    pub const MUTED: RGBColor = RGBColor(0x59, 0x63, 0x6e);
    pub const AXIS: RGBColor = RGBColor(0x8c, 0x95, 0x9f);
    pub const GRID: RGBColor = RGBColor(0xe6, 0xe8, 0xeb);
    pub const GOOD: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const NI: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const POOR: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const NEUTRAL: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const OTHER: RGBColor = RGBColor(0x9a, 0xa0, 0xa6);
    pub const SERIES: [RGBColor; 8] = [
        RGBColor(0x00, 0x72, 0xB2),
        RGBColor(0xE6, 0x9F, 0x00),
        RGBColor(0x00, 0x9E, 0x73),
        RGBColor(0xCC, 0x79, 0xA7),
        RGBColor(0x56, 0xB4, 0xE9),
        RGBColor(0xD5, 0x5E, 0x00),
        RGBColor(0x7f, 0x6a, 0x00),
        RGBColor(0x00, 0x00, 0x00),
    ];

    /// Colour of a CWV band as the engine names it.
    pub fn band(b: Option<&str>) -> RGBColor {
        match b {
            Some("good") => GOOD,
            Some("needs-improvement") | Some("needs_improvement") => NI,
            Some("poor") => POOR,
            _ => NEUTRAL,
        }
    }

    /// `c` blended towards white by `f` (0 = unchanged, 1 = white).
    pub fn light(c: RGBColor, f: f64) -> RGBColor {
        let m = |v: u8| (v as f64 + (255.0 - v as f64) * f).round() as u8;
        RGBColor(m(c.0), m(c.1), m(c.2))
    }

    /// Colour of the i-th series of a split (`(other)` grey).
    pub fn series(i: usize, key: Option<&str>) -> RGBColor {
        if key == Some("(other)") {
            OTHER
        } else {
            SERIES[i % SERIES.len()]
        }
    }
}

/// Register the committed font with plotters once (it measures text for layout with it).
fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, text::REGULAR);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, text::BOLD);
    });
}

pub(crate) fn err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::render("chart", format!("{e:?}"))
}

pub(crate) fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&palette::TEXT)
}

pub(crate) fn bold(size: u32) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&palette::TEXT)
}

pub(crate) fn muted(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&palette::MUTED)
}

/// Title (statistic and unit) and a muted note line at the top; returns the area below.
pub(crate) fn header<'a>(
    root: &DrawingArea<SVGBackend<'a>, Shift>,
    title: &str,
    note: &str,
) -> Result<DrawingArea<SVGBackend<'a>, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let max = w as f32 - 24.0;
    root.draw(&Text::new(
        text::fit(&text::clean(title), 20.0, true, max),
        (12, 10),
        bold(20),
    ))
    .map_err(err)?;
    if !note.is_empty() {
        root.draw(&Text::new(
            text::fit(&text::clean(note), 15.0, false, max),
            (12, 38),
            muted(15),
        ))
        .map_err(err)?;
    }
    let (_, body) = root.split_vertically(if note.is_empty() { 40 } else { 62 });
    Ok(body)
}

/// A chart label from data: control characters removed, cut to `max` px at `size`.
pub(crate) fn label(s: &str, size: f32, max: f32) -> String {
    text::fit(&text::clean(s), size, false, max)
}

/// Draw into a fresh SVG document of the standard size.
pub(crate) fn draw(
    width: u32,
    height: u32,
    f: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<ChartSvg> {
    fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        f(&root)?;
        root.present().map_err(err)?;
    }
    Ok(ChartSvg { svg, width, height })
}

/// The chart of a section, `None` when the section has none (or nothing to draw).
pub fn render(s: &SectionOut) -> Result<Option<ChartSvg>> {
    let Some(kind) = s.chart else {
        return Ok(None);
    };
    let (w, h) = (WIDTH, HEIGHT);
    let svg = match (&s.result, kind) {
        (SectionResult::Trend(t), ChartKind::Line) => line::trend(t, w, h)?,
        (SectionResult::Breakdown(b), ChartKind::Bar) => bars::breakdown(b, w, h)?,
        (SectionResult::Breakdown(b), ChartKind::StackedBar) => bars::shares(b, w, h)?,
        (SectionResult::Hist(x), ChartKind::Histogram) => hist::hist(x, w, h)?,
        (SectionResult::Funnel(f), ChartKind::Funnel) => bars::funnel(f, w, h)?,
        (SectionResult::Errors(e), ChartKind::Bar) => bars::errors(e, w, h)?,
        (SectionResult::Errors(e), ChartKind::Heatmap) => heatmap::errors(e, w, h)?,
        (
            SectionResult::Compare {
                result,
                a_label,
                b_label,
            },
            ChartKind::Bar,
        ) => bars::compare(result, a_label, b_label, w, h)?,
        (SectionResult::Summary(x), ChartKind::Bar) => bars::summary(x, w, h)?,
        _ => None,
    };
    Ok(svg)
}

/// `(statistic) METRIC (unit)` for titles.
pub(crate) fn metric_unit(metric: &str, unit: &str) -> String {
    let m = crate::run::metric_title(metric);
    match unit {
        "" | "unitless" => m,
        u => format!("{m} ({u})"),
    }
}

/// An empty chart saying why there is nothing to draw.
pub(crate) fn nothing(root: &DrawingArea<SVGBackend<'_>, Shift>, why: &str) -> Result<()> {
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        why.to_string(),
        (w as i32 / 2, h as i32 / 2),
        muted(18).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        )),
    ))
    .map_err(err)
}
