//! Histogram: bins coloured by CWV band, log or linear x axis with 1-2-5 ticks, threshold lines.

use super::{draw, err, font, header, metric_unit, nothing, palette, ChartSvg};
use crate::error::Result;
use crate::text;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rumlens_engine::analysis::hist::Histogram;

/// Ticks at 1, 2 and 5 × 10^k inside [lo, hi] (log axes), at most ~8.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if lo <= 0.0 || hi <= lo {
        return out;
    }
    let mut k = lo.log10().floor() as i32;
    while 10f64.powi(k) <= hi * 10.0 && out.len() < 40 {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(k);
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        k += 1;
    }
    if out.len() > 8 {
        out.retain(|v| (v.log10().fract().abs() < 1e-9) || (v / 10f64.powf(v.log10().floor()) - 1.0).abs() < 1e-9);
    }
    out
}

pub fn hist(hs: &Histogram, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = format!(
        "Distribution of {}, {} bins (count)",
        metric_unit(&hs.metric, &hs.unit),
        if hs.log { "log" } else { "linear" }
    );
    let mut note = format!("n = {}", text::int(hs.n));
    if hs.underflow + hs.overflow > 0 {
        note.push_str(&format!(
            "; outside the bins: {} below, {} above",
            text::int(hs.underflow),
            text::int(hs.overflow)
        ));
    }
    if let Some(t) = hs.thresholds {
        note.push_str(&format!(
            "; colours: CWV band; dashed: good ≤ {}, poor > {}",
            t.good, t.poor
        ));
    }
    let log = hs.log;
    let fx = move |v: f64| if log { v.max(1e-12).log10() } else { v };
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        let (Some(first), Some(last)) = (hs.bins.first(), hs.bins.last()) else {
            return nothing(&body, "no values in this selection");
        };
        let (lo, hi) = (first.lo, last.hi);
        let ymax = hs.bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64 * 1.1;
        let unit = match hs.unit.as_str() {
            "" | "unitless" => String::new(),
            u => format!(" ({u})"),
        };
        let mut c = ChartBuilder::on(&body)
            .margin_left(12)
            .margin_right(28)
            .y_label_area_size(80)
            .x_label_area_size(50)
            .build_cartesian_2d(fx(lo)..fx(hi), 0.0..ymax)
            .map_err(err)?;
        let mut mesh = c.configure_mesh();
        mesh.y_labels(6)
            .y_label_formatter(&|v| text::num(Some(*v), "count"))
            .y_desc("samples")
            .x_desc(format!(
                "{}{unit}{}",
                crate::run::metric_title(&hs.metric),
                if log { ", log scale" } else { "" }
            ))
            .label_style(font(14))
            .axis_desc_style(font(15))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .axis_style(palette::AXIS)
            .disable_x_mesh();
        if log {
            mesh.x_labels(0);
        } else {
            mesh.x_labels(8).x_label_formatter(&|v| text::num(Some(*v), ""));
        }
        mesh.draw().map_err(err)?;
        if log {
            let below = Pos::new(HPos::Center, VPos::Top);
            for t in log_ticks(lo, hi) {
                c.draw_series(std::iter::once(PathElement::new(
                    vec![(fx(t), 0.0), (fx(t), ymax)],
                    palette::GRID.stroke_width(1),
                )))
                .map_err(err)?;
                c.draw_series(std::iter::once(
                    EmptyElement::at((fx(t), 0.0)) + Text::new(text::num(Some(t), ""), (0, 8), font(14).pos(below)),
                ))
                .map_err(err)?;
            }
        }
        c.draw_series(hs.bins.iter().map(|b| {
            Rectangle::new(
                [(fx(b.lo), 0.0), (fx(b.hi), b.count as f64)],
                palette::band(b.band.as_deref()).filled(),
            )
        }))
        .map_err(err)?;
        if let Some(t) = hs.thresholds {
            for (v, colour) in [(t.good, palette::GOOD), (t.poor, palette::POOR)] {
                if v > lo && v < hi {
                    c.draw_series(DashedLineSeries::new(
                        [(fx(v), 0.0), (fx(v), ymax)],
                        8,
                        6,
                        colour.stroke_width(2),
                    ))
                    .map_err(err)?;
                }
            }
        }
        Ok(())
    })?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticks() {
        assert_eq!(
            super::log_ticks(100.0, 6000.0),
            vec![100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0]
        );
    }
}
