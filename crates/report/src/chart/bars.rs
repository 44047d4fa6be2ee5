//! Bar charts: breakdown (p75 with 95% CI whiskers and CWV threshold lines), CWV shares
//! (stacked), funnel, error hotspots, A-vs-B comparison and events by type. Categories are
//! drawn as text beside the axis (data strings cleaned and cut to fit).

use super::{bold, draw, err, font, header, label, metric_unit, muted, nothing, palette, ChartSvg};
use crate::error::Result;
use crate::text;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rumlens_engine::analysis::{
    breakdown::Breakdown, compare::Compare, errors::Errors, funnel::Funnel, summary::Summary,
};
use rumlens_engine::schema::cwv_thresholds;

/// Bars drawn at most; the tables carry every row.
const MAX_BARS: usize = 20;

struct HBar {
    label: String,
    value: f64,
    colour: RGBColor,
    ci: Option<(f64, f64)>,
    text: String,
}

/// Legend row of coloured squares and names at (x, y) of `area`.
fn legend(area: &DrawingArea<SVGBackend<'_>, Shift>, items: &[(String, RGBColor)], x: i32, y: i32) -> Result<()> {
    let mut x = x;
    for (name, colour) in items {
        area.draw(&Rectangle::new([(x, y), (x + 14, y + 14)], colour.filled()))
            .map_err(err)?;
        area.draw(&Text::new(name.clone(), (x + 20, y - 1), font(14)))
            .map_err(err)?;
        x += 34 + text::width(name, 14.0, false) as i32;
    }
    Ok(())
}

fn seg_label(keys: &[Option<String>]) -> String {
    keys.iter()
        .map(|k| k.as_deref().unwrap_or("(none)"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A chart with one row per category label (first on top, row i at y = n-1-i .. n-i), labels
/// drawn beside the y axis, values along x from `lo` to `hi`.
fn rows_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    labels: &[String],
    (lo, hi): (f64, f64),
    x_desc: &str,
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let n = labels.len();
    let labels: Vec<String> = labels.iter().map(|l| label(l, 14.0, 260.0)).collect();
    let label_w = labels.iter().map(|l| text::width(l, 14.0, false)).fold(40.0, f32::max) as u32 + 16;
    let mut c = ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(24)
        .margin_top(4)
        .y_label_area_size(label_w)
        .x_label_area_size(44)
        .build_cartesian_2d(lo..hi, 0.0..n as f64)
        .map_err(err)?;
    c.configure_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|v| text::num(Some(*v), ""))
        .x_desc(x_desc)
        .label_style(font(14))
        .axis_desc_style(font(15))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GRID)
        .axis_style(palette::AXIS)
        .disable_y_mesh()
        .draw()
        .map_err(err)?;
    let left = Pos::new(HPos::Right, VPos::Center);
    for (i, l) in labels.into_iter().enumerate() {
        let y = (n - 1 - i) as f64 + 0.5;
        c.draw_series(std::iter::once(
            EmptyElement::at((lo, y)) + Text::new(l, (-8, 0), font(14).pos(left)),
        ))
        .map_err(err)?;
    }
    Ok(c)
}

/// Horizontal bars from 0 (or a diverging axis when values are negative), one row per bar,
/// first bar on top; `vlines` are dashed reference lines.
fn hbars(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    bars: &[HBar],
    x_desc: &str,
    vlines: &[(f64, RGBColor)],
) -> Result<()> {
    let n = bars.len();
    let hi = bars
        .iter()
        .map(|b| b.ci.map_or(b.value, |c| c.1.max(b.value)))
        .chain(vlines.iter().map(|v| v.0))
        .fold(0.0, f64::max);
    let lo = bars.iter().map(|b| b.value).fold(0.0, f64::min);
    let (lo, hi) = if lo < 0.0 {
        let m = hi.max(-lo).max(1e-9) * 1.35;
        (-m, m)
    } else {
        (0.0, if hi > 0.0 { hi * 1.3 } else { 1.0 })
    };
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let mut c = rows_chart(area, &labels, (lo, hi), x_desc)?;
    let row_y = |i: usize| (n - 1 - i) as f64;
    for (v, colour) in vlines {
        if *v > lo && *v < hi {
            c.draw_series(DashedLineSeries::new(
                [(*v, 0.0), (*v, n as f64)],
                8,
                6,
                colour.stroke_width(2),
            ))
            .map_err(err)?;
        }
    }
    if lo < 0.0 {
        c.draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, n as f64)],
            palette::AXIS.stroke_width(1),
        ))
        .map_err(err)?;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = row_y(i);
        c.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y + 0.18), (b.value, y + 0.82)],
            b.colour.filled(),
        )))
        .map_err(err)?;
        let mut end = b.value.max(0.0);
        if let Some((l, h)) = b.ci {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(l, y + 0.5), (h, y + 0.5)],
                palette::TEXT.stroke_width(2),
            )))
            .map_err(err)?;
            for x in [l, h] {
                c.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y + 0.32), (x, y + 0.68)],
                    palette::TEXT.stroke_width(2),
                )))
                .map_err(err)?;
            }
            end = end.max(h);
        }
        c.draw_series(std::iter::once(
            EmptyElement::at((end, y + 0.5)) + Text::new(text::clean(&b.text), (6, -8), font(14)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

pub fn breakdown(b: &Breakdown, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let by = if b.by.is_empty() {
        String::new()
    } else {
        format!(" by {}", b.by.join(" × "))
    };
    let title = format!("p75 {}{by}", metric_unit(&b.metric, &b.unit));
    let shown = b.rows.len().min(MAX_BARS);
    let mut note = "bars: p75; whiskers: 95% CI".to_string();
    let th = b.thresholds.or_else(|| cwv_thresholds(&b.metric));
    if let Some(t) = th {
        note.push_str(&format!("; dashed: good ≤ {}, poor > {}", t.good, t.poor));
    }
    if shown < b.rows.len() {
        note.push_str(&format!("; first {shown} of {} segments", b.rows.len()));
    }
    let bars: Vec<HBar> = b
        .rows
        .iter()
        .take(shown)
        .filter(|r| r.p75.is_some())
        .map(|r| HBar {
            label: if b.by.is_empty() {
                "all".into()
            } else {
                seg_label(&r.keys)
            },
            value: r.p75.unwrap_or(0.0),
            colour: if r.low_n {
                palette::light(palette::band(r.rating.as_deref()), 0.5)
            } else {
                palette::band(r.rating.as_deref())
            },
            ci: r.p75_ci_low.zip(r.p75_ci_high),
            text: format!(
                "{}  n={}{}",
                text::num(r.p75, &b.unit),
                text::int(r.n),
                if r.low_n { " (low n)" } else { "" }
            ),
        })
        .collect();
    let unit = match b.unit.as_str() {
        "" | "unitless" => String::new(),
        u => format!(" ({u})"),
    };
    let vlines: Vec<(f64, RGBColor)> = th
        .map(|t| vec![(t.good, palette::GOOD), (t.poor, palette::POOR)])
        .unwrap_or_default();
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        if bars.is_empty() {
            return nothing(&body, "no values in this selection");
        }
        hbars(&body, &bars, &format!("p75{unit}"), &vlines)
    })?))
}

pub fn shares(b: &Breakdown, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let by = if b.by.is_empty() {
        String::new()
    } else {
        format!(" by {}", b.by.join(" × "))
    };
    let title = format!(
        "Share of {} samples by CWV rating{by} (%)",
        metric_unit(&b.metric, &b.unit)
    );
    let rows: Vec<_> = b.rows.iter().filter(|r| r.good.is_some()).take(MAX_BARS).collect();
    let note = match b.thresholds {
        Some(t) => format!("good ≤ {}, needs improvement ≤ {}, poor > {}", t.good, t.poor, t.poor),
        None => "this metric has no Core Web Vitals thresholds".into(),
    };
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        if rows.is_empty() {
            return nothing(&body, "no CWV ratings for this metric");
        }
        legend(
            &body,
            &[
                ("good".into(), palette::GOOD),
                ("needs improvement".into(), palette::NI),
                ("poor".into(), palette::POOR),
            ],
            14,
            0,
        )?;
        let (_, area) = body.split_vertically(24);
        let n = rows.len();
        let labels: Vec<String> = rows
            .iter()
            .map(|r| {
                if b.by.is_empty() {
                    "all".into()
                } else {
                    seg_label(&r.keys)
                }
            })
            .collect();
        let mut c = rows_chart(&area, &labels, (0.0, 100.0), "share of samples (%)")?;
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let g = r.good.unwrap_or(0.0) * 100.0;
            let ni = r.needs_improvement.unwrap_or(0.0) * 100.0;
            let parts = [
                (0.0, g, palette::GOOD),
                (g, g + ni, palette::NI),
                (g + ni, 100.0, palette::POOR),
            ];
            for (a, z, colour) in parts {
                if z > a {
                    c.draw_series(std::iter::once(Rectangle::new(
                        [(a, y + 0.18), (z, y + 0.82)],
                        colour.filled(),
                    )))
                    .map_err(err)?;
                }
            }
            if g >= 12.0 {
                c.draw_series(std::iter::once(
                    EmptyElement::at((0.0, y + 0.5)) + Text::new(format!("{g:.0}%"), (6, -8), bold(13).color(&WHITE)),
                ))
                .map_err(err)?;
            }
        }
        Ok(())
    })?))
}

pub fn funnel(f: &Funnel, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = format!(
        "Sessions reaching each step ({} mode)",
        format!("{:?}", f.mode).to_lowercase()
    );
    let mut keys: Vec<Option<String>> = Vec::new();
    for s in &f.steps {
        if !keys.contains(&s.key) {
            keys.push(s.key.clone());
        }
    }
    let keys: Vec<Option<String>> = keys.into_iter().take(8).collect();
    let note = match &f.by {
        Some(b) => format!("bars: sessions per step by {b}; labels: conversion from step 1"),
        None => "bars: sessions per step; labels: conversion from step 1".into(),
    };
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        let steps = f.labels.len();
        let max = f.steps.iter().map(|s| s.sessions).max().unwrap_or(0);
        if steps == 0 || max == 0 {
            return nothing(&body, "no session reaches the first step");
        }
        let area = if keys.len() > 1 {
            let items: Vec<(String, RGBColor)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    (
                        label(k.as_deref().unwrap_or("(none)"), 14.0, 160.0),
                        palette::series(i, k.as_deref()),
                    )
                })
                .collect();
            legend(&body, &items, 14, 0)?;
            body.split_vertically(24).1
        } else {
            body
        };
        let mut c = ChartBuilder::on(&area)
            .margin_left(12)
            .margin_right(24)
            .y_label_area_size(80)
            .x_label_area_size(52)
            .build_cartesian_2d(0.0..steps as f64, 0.0..max as f64 * 1.15)
            .map_err(err)?;
        c.configure_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| text::num(Some(*v), "count"))
            .y_desc("sessions")
            .label_style(font(14))
            .axis_desc_style(font(15))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .axis_style(palette::AXIS)
            .disable_x_mesh()
            .draw()
            .map_err(err)?;
        let k = keys.len().max(1) as f64;
        let bw = 0.7 / k;
        let centre = Pos::new(HPos::Center, VPos::Top);
        let above = Pos::new(HPos::Center, VPos::Bottom);
        let (pw, _) = area.dim_in_pixel();
        let max_label = (pw as f32 - 120.0) / steps as f32;
        for (i, name) in f.labels.iter().enumerate() {
            let x = i as f64;
            c.draw_series(std::iter::once(
                EmptyElement::at((x + 0.5, 0.0))
                    + Text::new(label(name, 14.0, max_label), (0, 8), font(14).pos(centre)),
            ))
            .map_err(err)?;
            for (j, key) in keys.iter().enumerate() {
                let Some(s) = f.steps.iter().find(|s| s.step == i + 1 && s.key == *key) else {
                    continue;
                };
                let x0 = x + 0.15 + j as f64 * bw;
                let colour = if keys.len() > 1 {
                    palette::series(j, key.as_deref())
                } else {
                    palette::NEUTRAL
                };
                c.draw_series(std::iter::once(Rectangle::new(
                    [(x0, 0.0), (x0 + bw * 0.92, s.sessions as f64)],
                    colour.filled(),
                )))
                .map_err(err)?;
                let conv = if i == 0 {
                    text::int(s.sessions)
                } else {
                    text::pct(s.conversion_from_first)
                };
                c.draw_series(std::iter::once(
                    EmptyElement::at((x0 + bw * 0.46, s.sessions as f64))
                        + Text::new(conv, (0, -4), muted(if keys.len() > 2 { 11 } else { 14 }).pos(above)),
                ))
                .map_err(err)?;
            }
        }
        Ok(())
    })?))
}

pub fn errors(e: &Errors, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = "Errors per hotspot (count)".to_string();
    let shown = e.hotspots.len().min(15);
    let note = format!(
        "{} errors in {} sessions; bars: errors per fingerprint; labels: sessions affected",
        text::int(e.total_errors),
        text::int(e.total_sessions)
    );
    let bars: Vec<HBar> = e
        .hotspots
        .iter()
        .take(shown)
        .map(|h| HBar {
            label: format!(
                "{}{}: {}",
                h.key.as_deref().map(|k| format!("[{k}] ")).unwrap_or_default(),
                h.error_type.as_deref().unwrap_or("Error"),
                h.example_message.as_deref().unwrap_or(&h.fingerprint)
            ),
            value: h.count as f64,
            colour: palette::POOR,
            ci: None,
            text: format!("{}  ({} sessions)", text::int(h.count), text::int(h.sessions)),
        })
        .collect();
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        if bars.is_empty() {
            return nothing(&body, "no errors in this selection");
        }
        hbars(&body, &bars, "errors", &[])
    })?))
}

pub fn compare(r: &Compare, a: &str, b: &str, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = "Change in p75 from A to B (%)".to_string();
    let note = format!(
        "A: {}; B: {}; vermillion: significantly worse, green: significantly better, grey: CIs overlap",
        text::clean(a),
        text::clean(b)
    );
    let bars: Vec<HBar> = r
        .rows
        .iter()
        .filter_map(|row| {
            let rel = row.p75_diff_rel?;
            let colour = match (row.significant, rel > 0.0) {
                (true, true) => palette::POOR,
                (true, false) => palette::GOOD,
                _ => palette::OTHER,
            };
            Some(HBar {
                label: crate::run::metric_title(&row.metric),
                value: rel * 100.0,
                colour,
                ci: None,
                text: format!(
                    "{:+.1}%  ({} → {})",
                    rel * 100.0,
                    text::num_unit(row.a.as_ref().and_then(|x| x.p75), &row.unit),
                    text::num_unit(row.b.as_ref().and_then(|x| x.p75), &row.unit)
                ),
            })
        })
        .collect();
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        if bars.is_empty() {
            return nothing(&body, "one side has no samples");
        }
        hbars(&body, &bars, "p75 change (%)", &[])
    })?))
}

pub fn summary(s: &Summary, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = "Events by type (count)".to_string();
    let note = format!("{} events, {} sessions", text::int(s.rows), text::int(s.sessions));
    let bars: Vec<HBar> = s
        .by_event_type
        .iter()
        .take(MAX_BARS)
        .map(|v| HBar {
            label: v.value.clone().unwrap_or_else(|| "(none)".into()),
            value: v.count as f64,
            colour: palette::NEUTRAL,
            ci: None,
            text: text::int(v.count),
        })
        .collect();
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        if bars.is_empty() {
            return nothing(&body, "no events");
        }
        hbars(&body, &bars, "events", &[])
    })?))
}
