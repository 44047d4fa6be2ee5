//! The PDF: a title page (title, dataset files, window, rows, filters, generated-at, Core Web
//! Vitals at a glance, contents), one section per page (chart, then tables that flow over
//! pages), and a method page (percentile and CI method, CWV thresholds, fingerprint rules,
//! rejects). Vector throughout: pages are SVG drawn by krilla with the committed font embedded
//! (subset) and text kept as text.

use crate::chart;
use crate::error::{ReportError, Result};
use crate::method;
use crate::page::{Pager, St, BODY, MUTED, TEXT};
use crate::run::Report;
use crate::tables;
use crate::text;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};

/// Render the report as PDF bytes.
pub fn pdf(r: &Report) -> Result<Vec<u8>> {
    let pages = pages(r)?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(r.spec.title.clone())
            .creator("rumlens".into())
            .producer(format!("rumlens {}", env!("CARGO_PKG_VERSION"))),
    );
    let (w, h) = r.spec.paper.size_pt();
    for (i, svg) in pages.iter().enumerate() {
        let tree = text::parse_svg(svg)?;
        let settings = PageSettings::from_wh(w, h).ok_or_else(|| ReportError::render("PDF", "bad page size"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let size = krilla::geom::Size::from_wh(w, h).ok_or_else(|| ReportError::render("PDF", "bad page size"))?;
        surface
            .draw_svg(&tree, size, SvgSettings::default())
            .ok_or_else(|| ReportError::render("PDF", format!("page {} could not be drawn", i + 1)))?;
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ReportError::render("PDF", format!("{e:?}")))
}

/// Every page as an SVG document (also used by tests and the page previews).
pub fn pages(r: &Report) -> Result<Vec<String>> {
    let paper = r.spec.paper.size_pt();
    // Sections first, so the contents on the title page know their page numbers.
    let mut body = Pager::new(paper);
    let mut starts = Vec::new();
    for (i, s) in r.sections.iter().enumerate() {
        if i > 0 {
            body.fresh_page();
        }
        starts.push(body.pages_so_far());
        body.heading(&format!("{}. {}", i + 1, s.title), 15.0);
        body.para(&format!("Filters: {}", s.filter), BODY - 1.0, false, MUTED);
        body.gap(6.0);
        if let Some(c) = chart::render(s)? {
            body.chart(&c);
        }
        for t in tables::display(s) {
            body.table(&t);
        }
    }
    body.fresh_page();
    starts.push(body.pages_so_far());
    method(&mut body, r);

    let mut title_pages = 1;
    loop {
        let mut title = Pager::new(paper);
        title_page(&mut title, r, &starts, title_pages);
        let n = title.page_count();
        if n == title_pages {
            let total = n + body.page_count();
            let footer = format!("{} · rumlens report generated {}", r.spec.title, r.generated_at);
            let mut out = title.finish(&footer, 1, total);
            out.extend(body.finish(&footer, n + 1, total));
            return Ok(out);
        }
        title_pages = n;
    }
}

fn title_page(p: &mut Pager, r: &Report, starts: &[usize], offset: usize) {
    p.gap(30.0);
    for line in text::wrap(&r.spec.title, 24.0, true, p.content_w()) {
        p.gap(24.0);
        let (x, y) = (p.mx, p.y);
        p.text_at(x, y, &line, St(24.0, true, TEXT, "start"));
        p.gap(8.0);
    }
    if let Some(sub) = &r.spec.subtitle {
        p.para(sub, 12.0, false, MUTED);
    }
    p.gap(14.0);
    p.facts(&method::facts(r));
    p.gap(12.0);
    p.table(&tables::vitals(r));
    p.gap(8.0);
    p.heading("Contents", 12.0);
    let mut names: Vec<String> = r
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {}", i + 1, s.title))
        .collect();
    names.push("Method and data quality".into());
    for (name, start) in names.iter().zip(starts) {
        p.need(BODY * 1.5);
        p.gap(BODY);
        let (x, y, w) = (p.mx, p.y, p.content_w());
        let label = text::fit(name, BODY, false, w - 50.0);
        p.text_at(x, y, &label, St(BODY, false, TEXT, "start"));
        p.text_at(x + w, y, &(start + offset).to_string(), St(BODY, false, MUTED, "end"));
        p.gap(BODY * 0.5);
    }
}

/// The methodology footer: how every number was computed, and what the data lost.
fn method(p: &mut Pager, r: &Report) {
    p.heading("Method and data quality", 15.0);
    for (k, v) in method::PARAGRAPHS {
        p.need(BODY * 4.0);
        p.para(k, BODY, true, TEXT);
        p.para(v, BODY, false, TEXT);
        p.gap(4.0);
    }
    p.gap(4.0);
    p.table(&method::thresholds());
    p.para("Data quality", BODY, true, TEXT);
    p.para(&method::quality(r), BODY, false, TEXT);
    if let Some(t) = method::rejects(r) {
        p.gap(4.0);
        p.table(&t);
    }
}
