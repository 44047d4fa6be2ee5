//! Percentile trend: one line per series, the 95% CI band when computed, CWV threshold lines,
//! and n per bucket as bars under the lines (a percentile of 3 samples must look like one).

use super::{draw, err, font, header, label, metric_unit, nothing, palette, ChartSvg};
use crate::error::Result;
use plotters::prelude::*;
use rumlens_engine::analysis::trend::{Trend, TrendPoint};
use rumlens_engine::schema::cwv_thresholds;

pub fn time_label(ms: f64, width_ms: i64) -> String {
    let Some(d) = chrono::DateTime::from_timestamp_millis(ms as i64) else {
        return String::new();
    };
    if width_ms >= 86_400_000 {
        d.format("%b %d").to_string()
    } else {
        d.format("%b %d %H:%M").to_string()
    }
}

/// Points grouped by series key, in the trend's order (most frequent series first).
fn series(t: &Trend) -> Vec<(Option<String>, Vec<&TrendPoint>)> {
    let mut out: Vec<(Option<String>, Vec<&TrendPoint>)> = Vec::new();
    for p in &t.points {
        match out.iter_mut().find(|(k, _)| *k == p.key) {
            Some((_, v)) => v.push(p),
            None => out.push((p.key.clone(), vec![p])),
        }
    }
    out
}

/// Runs of consecutive points that have a value (gaps split lines).
fn runs<'a>(points: &[&'a TrendPoint]) -> Vec<Vec<&'a TrendPoint>> {
    let mut out = vec![Vec::new()];
    for p in points {
        if p.value.is_some() {
            if let Some(last) = out.last_mut() {
                last.push(*p);
            }
        } else if out.last().is_some_and(|r| !r.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

pub fn trend(t: &Trend, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let stat = t.stat.name();
    let mut title = format!("{stat} {} per {}", metric_unit(&t.metric, &t.unit), t.bucket_label());
    if let Some(b) = &t.by {
        title.push_str(&format!(" by {b}"));
    }
    let thresholds = cwv_thresholds(&t.metric);
    let mut note = format!("lines: {stat}; bars below: n per bucket");
    if t.ci {
        note.push_str("; band: 95% CI (where n bounds it)");
    }
    if let Some(th) = thresholds {
        note.push_str(&format!("; dashed: good ≤ {}, poor > {}", th.good, th.poor));
    }
    let svg = draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        let values: Vec<f64> = t
            .points
            .iter()
            .flat_map(|p| [p.value, p.ci_high])
            .flatten()
            .filter(|v| v.is_finite())
            .collect();
        if values.is_empty() {
            return nothing(&body, "no data in this window");
        }
        let x0 = t.points.iter().map(|p| p.bucket_ms).min().unwrap_or(0) as f64;
        let x1 = (t.points.iter().map(|p| p.bucket_ms).max().unwrap_or(0) + t.bucket_width_ms.max(1)) as f64;
        let vmax = values.iter().cloned().fold(0.0, f64::max);
        let ymax = if vmax > 0.0 { vmax * 1.08 } else { 1.0 };
        let (_, bh) = body.dim_in_pixel();
        let (top, bottom) = body.split_vertically((bh as f64 * 0.74) as u32);
        let width = t.bucket_width_ms;
        let unit = match t.unit.as_str() {
            "" | "unitless" => String::new(),
            u => format!(" ({u})"),
        };

        let mut c = ChartBuilder::on(&top)
            .margin_left(12)
            .margin_right(24)
            .margin_top(6)
            .y_label_area_size(80)
            .x_label_area_size(8)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(err)?;
        c.configure_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| crate::text::num(Some(*v), ""))
            .y_desc(format!("{stat}{unit}"))
            .label_style(font(15))
            .axis_desc_style(font(15))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .axis_style(palette::AXIS)
            .draw()
            .map_err(err)?;
        if let Some(th) = thresholds {
            for (v, colour) in [(th.good, palette::GOOD), (th.poor, palette::POOR)] {
                if v < ymax {
                    c.draw_series(DashedLineSeries::new([(x0, v), (x1, v)], 8, 6, colour.stroke_width(2)))
                        .map_err(err)?;
                }
            }
        }
        let half = width as f64 / 2.0;
        let all = series(t);
        for (i, (key, points)) in all.iter().enumerate() {
            let colour = palette::series(i, key.as_deref());
            let mut labelled = false;
            for run in runs(points) {
                if t.ci {
                    // Only where both bounds exist: a band through unknown bounds would invent them.
                    for part in run.split(|p| p.ci_low.is_none() || p.ci_high.is_none()) {
                        if part.len() < 2 {
                            continue;
                        }
                        let upper = part
                            .iter()
                            .map(|p| (p.bucket_ms as f64 + half, p.ci_high.unwrap_or(0.0)));
                        let lower = part
                            .iter()
                            .rev()
                            .map(|p| (p.bucket_ms as f64 + half, p.ci_low.unwrap_or(0.0)));
                        let band: Vec<(f64, f64)> = upper.chain(lower).collect();
                        c.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18).filled())))
                            .map_err(err)?;
                    }
                }
                let pts: Vec<(f64, f64)> = run
                    .iter()
                    .filter_map(|p| Some((p.bucket_ms as f64 + half, p.value?)))
                    .collect();
                let s = c
                    .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
                    .map_err(err)?;
                if !labelled && all.len() > 1 {
                    let name = label(key.as_deref().unwrap_or("(none)"), 14.0, 200.0);
                    s.label(name)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(3)));
                    labelled = true;
                }
                if pts.len() == 1 {
                    c.draw_series(pts.iter().map(|p| Circle::new(*p, 4, colour.filled())))
                        .map_err(err)?;
                }
            }
        }
        if all.len() > 1 {
            c.configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(palette::GRID)
                .label_font(font(14))
                .draw()
                .map_err(err)?;
        }

        // n per bucket (all series together).
        let mut n_by_bucket: std::collections::BTreeMap<i64, u64> = std::collections::BTreeMap::new();
        for p in &t.points {
            *n_by_bucket.entry(p.bucket_ms).or_default() += p.n;
        }
        let nmax = n_by_bucket.values().cloned().max().unwrap_or(1).max(1) as f64;
        let mut c = ChartBuilder::on(&bottom)
            .margin_left(12)
            .margin_right(24)
            .y_label_area_size(80)
            .x_label_area_size(34)
            .build_cartesian_2d(x0..x1, 0.0..nmax * 1.1)
            .map_err(err)?;
        c.configure_mesh()
            .x_labels(7)
            .y_labels(3)
            .x_label_formatter(&|x| time_label(*x, width))
            .y_label_formatter(&|y| crate::text::num(Some(*y), "count"))
            .y_desc("n")
            .label_style(font(14))
            .axis_desc_style(font(15))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .axis_style(palette::AXIS)
            .draw()
            .map_err(err)?;
        c.draw_series(n_by_bucket.iter().map(|(b, n)| {
            let x = *b as f64;
            Rectangle::new(
                [(x + width as f64 * 0.1, 0.0), (x + width as f64 * 0.9, *n as f64)],
                palette::AXIS.mix(0.55).filled(),
            )
        }))
        .map_err(err)?;
        Ok(())
    })?;
    Ok(Some(svg))
}
