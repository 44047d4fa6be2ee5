//! Heatmap of the top error fingerprint: page group × browser, counts in the cells.

use super::{bold, draw, err, font, header, label, muted, nothing, palette, ChartSvg};
use crate::error::Result;
use crate::text;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rumlens_engine::analysis::errors::Errors;

pub fn errors(e: &Errors, w: u32, h: u32) -> Result<Option<ChartSvg>> {
    let title = "Errors of the top hotspot by page group × browser (count)".to_string();
    let Some(hm) = &e.heatmap else {
        return Ok(Some(draw(w, h, |root| {
            let body = header(root, &title, "")?;
            nothing(&body, "no errors in this selection")
        })?));
    };
    let note = format!("fingerprint: {}", hm.fingerprint);
    // Cells at most 56 px tall: a one-row heatmap is a strip, not a wall.
    let h = h.min(62 + hm.rows.len() as u32 * 56 + 56);
    Ok(Some(draw(w, h, |root| {
        let body = header(root, &title, &note)?;
        let (nr, nc) = (hm.rows.len(), hm.columns.len());
        let max = hm.counts.iter().flatten().cloned().max().unwrap_or(0);
        if nr == 0 || nc == 0 || max == 0 {
            return nothing(&body, "no errors in this selection");
        }
        let rows: Vec<String> = hm.rows.iter().map(|r| label(r, 14.0, 220.0)).collect();
        let label_w = rows.iter().map(|l| text::width(l, 14.0, false)).fold(40.0, f32::max) as u32 + 16;
        let mut c = ChartBuilder::on(&body)
            .margin_left(12)
            .margin_right(24)
            .margin_top(4)
            .y_label_area_size(label_w)
            .x_label_area_size(40)
            .build_cartesian_2d(0.0..nc as f64, 0.0..nr as f64)
            .map_err(err)?;
        c.configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .axis_style(palette::AXIS)
            .draw()
            .map_err(err)?;
        let (pw, _) = body.dim_in_pixel();
        let col_w = (pw as f32 - label_w as f32 - 40.0) / nc as f32;
        let centre = Pos::new(HPos::Center, VPos::Center);
        let below = Pos::new(HPos::Center, VPos::Top);
        let left = Pos::new(HPos::Right, VPos::Center);
        for (j, name) in hm.columns.iter().enumerate() {
            c.draw_series(std::iter::once(
                EmptyElement::at((j as f64 + 0.5, 0.0))
                    + Text::new(label(name, 13.0, col_w - 4.0), (0, 8), font(13).pos(below)),
            ))
            .map_err(err)?;
        }
        for (i, name) in rows.iter().enumerate() {
            let y = (nr - 1 - i) as f64;
            c.draw_series(std::iter::once(
                EmptyElement::at((0.0, y + 0.5)) + Text::new(name.clone(), (-8, 0), font(14).pos(left)),
            ))
            .map_err(err)?;
            for j in 0..nc {
                let v = hm.counts.get(i).and_then(|r| r.get(j)).cloned().unwrap_or(0);
                let f = v as f64 / max as f64;
                let colour = palette::light(palette::NEUTRAL, 1.0 - (0.1 + 0.9 * f));
                c.draw_series(std::iter::once(Rectangle::new(
                    [(j as f64 + 0.03, y + 0.05), (j as f64 + 0.97, y + 0.95)],
                    if v == 0 {
                        palette::light(palette::GRID, 0.5).filled()
                    } else {
                        colour.filled()
                    },
                )))
                .map_err(err)?;
                if v > 0 {
                    let style = if f > 0.55 { bold(13).color(&WHITE) } else { muted(13) };
                    c.draw_series(std::iter::once(
                        EmptyElement::at((j as f64 + 0.5, y + 0.5))
                            + Text::new(text::int(v), (0, 0), style.pos(centre)),
                    ))
                    .map_err(err)?;
                }
            }
        }
        Ok(())
    })?))
}
