//! Writing a report: the format comes from the output path (`.pdf`, `.html`, `.csv`, `.svg`,
//! `.png`, or a folder for one CSV per table). Every file is written atomically (a temporary
//! file in the target folder, then renamed); only the named target is replaced.

use crate::error::{ReportError, Result};
use crate::run::Report;
use crate::{chart, html, pdf, tables, text};
use rumlens_engine::export::write_atomic;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    /// One CSV per table into a folder (or one file when the report has exactly one table).
    Csv,
    Svg,
    Png,
}

impl Format {
    pub fn from_path(out: &Path) -> Result<Self> {
        let s = out.to_string_lossy();
        if s.ends_with('/') || s.ends_with(std::path::MAIN_SEPARATOR) || out.is_dir() {
            return Ok(Format::Csv);
        }
        match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("pdf") => Ok(Format::Pdf),
            Some("html") | Some("htm") => Ok(Format::Html),
            Some("csv") => Ok(Format::Csv),
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(ReportError::Output(format!(
                "{}: say the format with the extension: .pdf, .html, .csv, .svg, .png, or a folder ending in / for one CSV per table",
                out.display()
            ))),
        }
    }
}

fn atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w: &mut dyn Write| {
        w.write_all(bytes).map_err(|source| rumlens_engine::EngineError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    Ok(())
}

/// Write the report to `out`; `section` (1-based) picks the chart of an SVG/PNG. Returns the
/// files written.
pub fn write(r: &Report, out: &Path, section: Option<usize>) -> Result<Vec<PathBuf>> {
    match Format::from_path(out)? {
        Format::Pdf => {
            atomic(out, &pdf::pdf(r)?)?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Html => {
            atomic(out, html::html(r)?.as_bytes())?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Csv => csv(r, out),
        Format::Svg => {
            let c = pick_chart(r, section)?;
            atomic(out, c.svg.as_bytes())?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Png => {
            let c = pick_chart(r, section)?;
            atomic(out, &png(&c, 2.0)?)?;
            Ok(vec![out.to_path_buf()])
        }
    }
}

/// The chart of section `n` (1-based), or of the first section that has one.
pub fn pick_chart(r: &Report, n: Option<usize>) -> Result<chart::ChartSvg> {
    match n {
        Some(n) => {
            let s = r.sections.get(n.wrapping_sub(1)).ok_or_else(|| {
                ReportError::Output(format!("--section {n}: the report has {} section(s)", r.sections.len()))
            })?;
            chart::render(s)?.ok_or_else(|| ReportError::Output(format!("section {n} ({}) has no chart", s.title)))
        }
        None => {
            for s in &r.sections {
                if let Some(c) = chart::render(s)? {
                    return Ok(c);
                }
            }
            Err(ReportError::Output("no section of this report has a chart".into()))
        }
    }
}

/// Render a chart SVG to PNG at `scale` × its size, on white.
pub fn png(c: &chart::ChartSvg, scale: f32) -> Result<Vec<u8>> {
    use resvg::tiny_skia;
    let tree = text::parse_svg(&c.svg)?;
    let (w, h) = ((c.width as f32 * scale) as u32, (c.height as f32 * scale) as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| ReportError::render("PNG", "empty image"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| ReportError::render("PNG", e))
}

/// File-name-safe slug.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(40).collect()
}

/// Every table of the report as `(file name, table)`.
pub fn csv_files(r: &Report) -> Vec<(String, rumlens_engine::table::Table)> {
    let mut out = Vec::new();
    for (i, s) in r.sections.iter().enumerate() {
        for (name, t) in tables::csv_tables(s) {
            out.push((format!("{:02}-{}-{name}.csv", i + 1, slug(&s.title)), t));
        }
    }
    out
}

fn csv(r: &Report, out: &Path) -> Result<Vec<PathBuf>> {
    let files = csv_files(r);
    let is_file = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) && !out.is_dir();
    if is_file {
        if files.len() != 1 {
            return Err(ReportError::Output(format!(
                "{}: this report has {} tables; give a folder (ending in /) to get one CSV per table",
                out.display(),
                files.len()
            )));
        }
        atomic(out, files[0].1.to_csv_string().as_bytes())?;
        return Ok(vec![out.to_path_buf()]);
    }
    std::fs::create_dir_all(out).map_err(|source| ReportError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, t) in files {
        let p = out.join(name);
        atomic(&p, t.to_csv_string().as_bytes())?;
        written.push(p);
    }
    Ok(written)
}
