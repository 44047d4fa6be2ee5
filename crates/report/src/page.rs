//! Page layout for the PDF: each page is an SVG document in points (text, rules, embedded
//! chart SVGs, tables that break across pages with their header repeated). The PDF writer
//! turns each into a vector page with real, selectable text.

use crate::chart::ChartSvg;
use crate::tables::{Align, DisplayTable};
use crate::text::{esc, fit, width, wrap, FAMILY};

pub const TEXT: &str = "#1f2328";
pub const MUTED: &str = "#59636e";
pub const RULE: &str = "#d0d7de";
const HEAD_BG: &str = "#eef1f4";
const ZEBRA: &str = "#f7f8fa";

pub const BODY: f32 = 9.5;
pub const SMALL: f32 = 7.5;
const ROW: f32 = 11.5;

pub struct Pager {
    pub w: f32,
    pub h: f32,
    pub mx: f32,
    top: f32,
    bottom: f32,
    pages: Vec<String>,
    cur: String,
    pub y: f32,
}

impl Pager {
    pub fn new((w, h): (f32, f32)) -> Self {
        Pager {
            w,
            h,
            mx: 50.0,
            top: 54.0,
            bottom: 58.0,
            pages: Vec::new(),
            cur: String::new(),
            y: 54.0,
        }
    }

    pub fn content_w(&self) -> f32 {
        self.w - 2.0 * self.mx
    }

    fn limit(&self) -> f32 {
        self.h - self.bottom
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.cur));
        self.y = self.top;
    }

    /// Start a new page unless `h` more points fit on this one.
    pub fn need(&mut self, h: f32) {
        if self.y + h > self.limit() && self.y > self.top {
            self.new_page();
        }
    }

    /// Start a new page unless this one is still empty.
    pub fn fresh_page(&mut self) {
        if self.y > self.top {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    pub fn pages_so_far(&self) -> usize {
        self.pages.len() + 1
    }

    /// Text at an absolute position of the current page (baseline at `y`).
    pub fn text_at(&mut self, x: f32, y: f32, s: &str, st: St<'_>) {
        self.cur.push_str(&text_el(x, y, s, st));
    }

    pub fn rule(&mut self, y: f32) {
        let (x1, x2) = (self.mx, self.w - self.mx);
        self.cur.push_str(&format!(
            r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{RULE}" stroke-width="0.6"/>"#
        ));
    }

    /// A wrapped paragraph at the current position.
    pub fn para(&mut self, s: &str, size: f32, bold: bool, fill: &str) {
        let lh = size * 1.35;
        for line in wrap(s, size, bold, self.content_w()) {
            self.need(lh);
            self.y += size;
            let (x, y) = (self.mx, self.y);
            self.text_at(x, y, &line, St(size, bold, fill, "start"));
            self.y += lh - size;
        }
    }

    pub fn heading(&mut self, s: &str, size: f32) {
        self.need(size * 2.0 + 120.0);
        self.y += size;
        let (x, y) = (self.mx, self.y);
        let s = fit(s, size, true, self.content_w());
        self.text_at(x, y, &s, St(size, true, TEXT, "start"));
        self.y += size * 0.55;
    }

    /// `label: value` lines with the labels in a column.
    pub fn facts(&mut self, facts: &[(String, String)]) {
        let lw = facts.iter().map(|(k, _)| width(k, BODY, true)).fold(0.0, f32::max) + 12.0;
        let vw = self.content_w() - lw;
        for (k, v) in facts {
            let lines = wrap(v, BODY, false, vw);
            for (i, line) in lines.iter().enumerate() {
                self.need(BODY * 1.4);
                self.y += BODY;
                let (x, y) = (self.mx, self.y);
                if i == 0 {
                    self.text_at(x, y, k, St(BODY, true, MUTED, "start"));
                }
                self.text_at(x + lw, y, line, St(BODY, false, TEXT, "start"));
                self.y += BODY * 0.4;
            }
        }
    }

    /// A chart scaled to the text width.
    pub fn chart(&mut self, c: &ChartSvg) {
        let scale = self.content_w() / c.width as f32;
        let h = c.height as f32 * scale;
        self.need(h + 6.0);
        let inner = strip_svg(&c.svg);
        self.cur.push_str(&format!(
            r#"<g transform="translate({} {}) scale({scale})">{inner}</g>"#,
            self.mx, self.y
        ));
        self.y += h + 6.0;
    }

    /// A table: columns fitted to the width, rows broken across pages with the header repeated.
    pub fn table(&mut self, t: &DisplayTable) {
        // Wide tables get a smaller font before any cell is cut.
        let (widths, fs) = match column_widths(t, self.content_w(), SMALL) {
            (w, true) => (w, SMALL),
            _ => (column_widths(t, self.content_w(), SMALL * 0.88).0, SMALL * 0.88),
        };
        let draw_header = |p: &mut Pager, cont: bool| {
            let title = if cont {
                format!("{} (continued)", t.title)
            } else {
                t.title.clone()
            };
            p.y += BODY;
            let (x, y) = (p.mx, p.y);
            p.text_at(x, y, &title, St(BODY, true, TEXT, "start"));
            p.y += 4.0;
            let y0 = p.y;
            p.cur.push_str(&format!(
                r#"<rect x="{}" y="{y0}" width="{}" height="{ROW}" fill="{HEAD_BG}"/>"#,
                p.mx,
                widths.iter().sum::<f32>()
            ));
            let mut x = p.mx;
            for ((name, align), w) in t.columns.iter().zip(&widths) {
                let s = fit(name, fs, true, w - 6.0);
                let (tx, anchor) = cell_x(x, *w, *align);
                p.text_at(tx, y0 + ROW - 3.5, &s, St(fs, true, TEXT, anchor));
                x += w;
            }
            p.y += ROW;
        };
        self.need(BODY + 4.0 + ROW * 3.0);
        draw_header(self, false);
        if t.rows.is_empty() {
            self.y += SMALL + 2.0;
            let (x, y) = (self.mx + 3.0, self.y);
            self.text_at(x, y, "(no rows)", St(SMALL, false, MUTED, "start"));
            self.y += 6.0;
            return;
        }
        for (i, row) in t.rows.iter().enumerate() {
            if self.y + ROW > self.limit() {
                self.new_page();
                draw_header(self, true);
            }
            let y0 = self.y;
            if i % 2 == 1 {
                self.cur.push_str(&format!(
                    r#"<rect x="{}" y="{y0}" width="{}" height="{ROW}" fill="{ZEBRA}"/>"#,
                    self.mx,
                    widths.iter().sum::<f32>()
                ));
            }
            let mut x = self.mx;
            for ((cell, (_, align)), w) in row.iter().zip(&t.columns).zip(&widths) {
                let s = fit(cell, fs, false, w - 6.0);
                let (tx, anchor) = cell_x(x, *w, *align);
                self.text_at(tx, y0 + ROW - 3.5, &s, St(fs, false, TEXT, anchor));
                x += w;
            }
            self.y += ROW;
        }
        let y = self.y;
        self.rule(y);
        self.y += 10.0;
    }

    /// Finish: every page as a complete SVG document with its footer and page number.
    pub fn finish(mut self, footer: &str, first_number: usize, total: usize) -> Vec<String> {
        if !self.cur.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.cur));
        }
        let (w, h, mx) = (self.w, self.h, self.mx);
        self.pages
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let fy = h - 30.0;
                let foot = format!(
                    "{}{}{}",
                    text_el(mx, fy, &fit(footer, SMALL, false, w - 2.0 * mx - 80.0), St(SMALL, false, MUTED, "start")),
                    text_el(w - mx, fy, &format!("page {} of {total}", first_number + i), St(SMALL, false, MUTED, "end")),
                    format_args!(
                        r#"<line x1="{mx}" y1="{}" x2="{}" y2="{}" stroke="{RULE}" stroke-width="0.6"/>"#,
                        fy - 10.0,
                        w - mx,
                        fy - 10.0
                    )
                );
                format!(
                    r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="#ffffff"/>{body}{foot}</svg>"##
                )
            })
            .collect()
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + usize::from(!self.cur.is_empty() || self.pages.is_empty())
    }
}

fn cell_x(x: f32, w: f32, align: Align) -> (f32, &'static str) {
    match align {
        Align::Left => (x + 3.0, "start"),
        Align::Right => (x + w - 3.0, "end"),
    }
}

/// Text style: size (pt), bold, fill colour, SVG text-anchor.
#[derive(Clone, Copy)]
pub struct St<'a>(pub f32, pub bool, pub &'a str, pub &'a str);

fn text_el(x: f32, y: f32, s: &str, St(size, bold, fill, anchor): St<'_>) -> String {
    format!(
        r#"<text x="{x:.2}" y="{y:.2}" font-family="{FAMILY}" font-size="{size}"{} fill="{fill}" text-anchor="{anchor}" xml:space="preserve">{}</text>"#,
        if bold { r#" font-weight="bold""# } else { "" },
        esc(s)
    )
}

/// Natural column widths at font size `fs`; when too wide, the widest text columns give way
/// (cells are cut with an ellipsis), when narrow the spare width is shared. The flag says
/// whether everything fitted uncut.
fn column_widths(t: &DisplayTable, avail: f32, fs: f32) -> (Vec<f32>, bool) {
    let mut w: Vec<f32> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let head = width(name, fs, true).min(90.0);
            let cells = t
                .rows
                .iter()
                .map(|r| r.get(i).map_or(0.0, |c| width(c, fs, false)))
                .fold(0.0, f32::max);
            head.max(cells) + 8.0
        })
        .collect();
    let total: f32 = w.iter().sum();
    let fits = total <= avail;
    if total > avail {
        // Shrink text (left-aligned) columns first, the widest most, down to 40 pt.
        let mut excess = total - avail;
        for _ in 0..64 {
            if excess <= 0.5 {
                break;
            }
            let Some((i, _)) = w
                .iter()
                .enumerate()
                .filter(|(i, x)| t.columns[*i].1 == Align::Left && **x > 40.0)
                .max_by(|a, b| a.1.total_cmp(b.1))
            else {
                break;
            };
            let cut = (w[i] - 40.0).min(excess).min(w[i] * 0.25).max(0.5);
            w[i] -= cut;
            excess -= cut;
        }
        let total: f32 = w.iter().sum();
        if total > avail {
            let s = avail / total;
            w.iter_mut().for_each(|x| *x *= s);
        }
    } else if total > avail * 0.55 {
        let extra = (avail - total) / w.len() as f32;
        w.iter_mut().for_each(|x| *x += extra);
    }
    (w, fits)
}

/// The content of an SVG document without its outer `<svg>` element.
pub fn strip_svg(svg: &str) -> &str {
    let start = svg.find("<svg").and_then(|i| svg[i..].find('>').map(|j| i + j + 1));
    let end = svg.rfind("</svg>");
    match (start, end) {
        (Some(s), Some(e)) if s <= e => &svg[s..e],
        _ => svg,
    }
}
