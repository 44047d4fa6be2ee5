//! One self-contained HTML file: inline CSS and SVG charts, no script, no external request
//! (a CSP meta tag forbids any), every data string escaped. The markup is also well-formed XML
//! (polyglot), so tests and tools can parse it strictly.

use crate::chart;
use crate::error::Result;
use crate::method;
use crate::run::Report;
use crate::tables::{self, Align, DisplayTable};
use crate::text::esc;
use std::fmt::Write;

const CSS: &str = "
:root{color-scheme:light;--text:#1f2328;--muted:#59636e;--rule:#d0d7de;--head:#eef1f4;--zebra:#f7f8fa}
body{font-family:'Noto Sans',system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--text);max-width:1000px;margin:2rem auto;padding:0 1.2rem;line-height:1.45}
h1{font-size:1.9rem;margin:0 0 .2rem}h2{font-size:1.3rem;margin:2.2rem 0 .3rem;border-bottom:1px solid var(--rule);padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}.sub,.muted{color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:1rem 0}dt{color:var(--muted);font-weight:600}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.82rem;margin:.3rem 0 1rem}th{background:var(--head);text-align:left;padding:.25rem .45rem;position:sticky;top:0}
td{padding:.2rem .45rem;border-bottom:1px solid #eceff2;overflow-wrap:anywhere}tr:nth-child(even) td{background:var(--zebra)}
.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:.6rem 0}figure svg{max-width:100%;height:auto;display:block}
nav ol{padding-left:1.4rem}footer{margin:3rem 0 1rem;color:var(--muted);font-size:.8rem}
@media print{h2{break-before:page}th{position:static}}
";

fn table(out: &mut String, t: &DisplayTable) {
    let _ = write!(out, "<h3>{}</h3><table><thead><tr>", esc(&t.title));
    for (c, a) in &t.columns {
        let class = if *a == Align::Right { " class=\"r\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", esc(c));
    }
    out.push_str("</tr></thead><tbody>");
    if t.rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\" class=\"muted\">(no rows)</td></tr>",
            t.columns.len()
        );
    }
    for row in &t.rows {
        out.push_str("<tr>");
        for (cell, (_, a)) in row.iter().zip(&t.columns) {
            let class = if *a == Align::Right { " class=\"r\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

pub fn html(r: &Report) -> Result<String> {
    let mut o = String::with_capacity(256 * 1024);
    let title = esc(&r.spec.title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\
         <meta name=\"generator\" content=\"rumlens {}\"/><title>{title}</title><style>{CSS}</style></head><body>\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = write!(o, "<header><h1>{title}</h1>");
    if let Some(s) = &r.spec.subtitle {
        let _ = write!(o, "<p class=\"sub\">{}</p>", esc(s));
    }
    o.push_str("<dl>");
    for (k, v) in method::facts(r) {
        let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(&k), esc(&v));
    }
    o.push_str("</dl></header>\n<section>");
    table(&mut o, &tables::vitals(r));
    o.push_str("</section>\n<nav><h2>Contents</h2><ol>");
    for (i, s) in r.sections.iter().enumerate() {
        let _ = write!(o, "<li><a href=\"#s{}\">{}</a></li>", i + 1, esc(&s.title));
    }
    o.push_str("<li><a href=\"#method\">Method and data quality</a></li></ol></nav>\n");
    for (i, s) in r.sections.iter().enumerate() {
        let _ = write!(
            o,
            "<section id=\"s{}\"><h2>{}. {}</h2><p class=\"muted\">Filters: {}</p>",
            i + 1,
            i + 1,
            esc(&s.title),
            esc(&s.filter)
        );
        if let Some(c) = chart::render(s)? {
            let _ = write!(
                o,
                "<figure role=\"img\" aria-label=\"{}\">{}</figure>",
                esc(&s.title),
                c.svg
            );
        }
        for t in tables::display(s) {
            table(&mut o, &t);
        }
        o.push_str("</section>\n");
    }
    o.push_str("<section id=\"method\"><h2>Method and data quality</h2>");
    for (k, v) in method::PARAGRAPHS {
        let _ = write!(o, "<h3>{}</h3><p>{}</p>", esc(k), esc(v));
    }
    table(&mut o, &method::thresholds());
    let _ = write!(o, "<h3>Data quality</h3><p>{}</p>", esc(&method::quality(r)));
    if let Some(t) = method::rejects(r) {
        table(&mut o, &t);
    }
    let _ = write!(
        o,
        "</section>\n<footer>rumlens report · generated {}</footer>\n</body></html>\n",
        esc(&r.generated_at)
    );
    Ok(o)
}
