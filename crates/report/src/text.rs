//! The report font (Noto Sans, SIL OFL 1.1, committed in `fonts/`), text measurement for
//! layout, escaping, and the number formats every renderer shares.

use std::sync::{Arc, OnceLock};

pub static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
/// The family name inside the font files, used in every SVG.
pub const FAMILY: &str = "Noto Sans";

type Faces = (ttf_parser::Face<'static>, ttf_parser::Face<'static>);

fn faces() -> &'static Faces {
    static F: OnceLock<Faces> = OnceLock::new();
    F.get_or_init(|| {
        // The committed fonts are valid TrueType files; a test parses them.
        #[allow(clippy::expect_used)]
        let parse = |b: &'static [u8]| ttf_parser::Face::parse(b, 0).expect("committed font parses");
        (parse(REGULAR), parse(BOLD))
    })
}

/// Advance width of `s` in the units of `size` (pt or px).
pub fn width(s: &str, size: f32, bold: bool) -> f32 {
    let (r, b) = faces();
    let face = if bold { b } else { r };
    let upem = face.units_per_em() as f32;
    symbols(s)
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0.55, |a| a as f32 / upem)
        })
        .sum::<f32>()
        * size
}

/// `s` cut with an ellipsis to fit `max` (same units as `size`).
pub fn fit(s: &str, size: f32, bold: bool, max: f32) -> String {
    if width(s, size, bold) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if width(&out, size, bold) + width("…", size, bold) > max {
            out.pop();
            break;
        }
    }
    out + "…"
}

/// Greedy word wrap to lines of at most `max` width; a word longer than a line is cut.
pub fn wrap(s: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, bold) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
        if width(&line, size, bold) > max {
            line = fit(&line, size, bold, max);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The symbols Noto Sans has no glyph for, spelled with ones it has.
pub fn symbols(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['≤', '≥', '≠', '→', '−']) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.replace('≤', "<=")
            .replace('≥', ">=")
            .replace('≠', "!=")
            .replace('→', "->")
            .replace('−', "-"),
    )
}

/// Data strings are attacker-controlled: control characters (invalid in XML, confusing in a
/// table) become `·`; symbols the font lacks are spelled out.
pub fn clean(s: &str) -> String {
    symbols(s)
        .chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect()
}

/// Escape for XML/HTML text and attribute values, after [`clean`].
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in symbols(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('·'),
            c => out.push(c),
        }
    }
    out
}

/// A font database holding only the committed fonts (no system fonts: output must not
/// depend on the machine).
pub fn fontdb() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Parse an SVG document with the report fonts.
pub fn parse_svg(svg: &str) -> crate::Result<resvg::usvg::Tree> {
    let opts = resvg::usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fontdb(),
        ..Default::default()
    };
    resvg::usvg::Tree::from_str(svg, &opts).map_err(|e| crate::ReportError::render("SVG", e))
}

/// A metric value for reading: ms rounded to whole ms (one decimal under 10), scores to 3
/// decimals, counts as integers. Thousands are separated with a thin comma.
pub fn num(v: Option<f64>, unit: &str) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return "—".into();
    };
    match unit {
        "ms" if v.abs() < 10.0 => format!("{v:.1}"),
        "ms" | "bytes" | "count" => group(v.round() as i64),
        _ if v.fract() == 0.0 && v.abs() < 1e15 => group(v as i64),
        _ if v.abs() >= 100.0 => group(v.round() as i64),
        _ if v.abs() >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.3}"),
    }
}

/// `num` with the unit appended (`2,345 ms`); unitless scores stay bare.
pub fn num_unit(v: Option<f64>, unit: &str) -> String {
    let s = num(v, unit);
    match unit {
        "ms" | "bytes" if s != "—" => format!("{s} {unit}"),
        _ => s,
    }
}

pub fn int(v: u64) -> String {
    group(v as i64)
}

/// A share 0..1 as a percentage with one decimal.
pub fn pct(v: Option<f64>) -> String {
    match v.filter(|v| v.is_finite()) {
        Some(v) => format!("{:.1}%", v * 100.0),
        None => "—".into(),
    }
}

fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_parse_and_measure() {
        assert!(width("Hello", 10.0, false) > 15.0);
        assert_eq!(symbols("a≠b → c ≤ d"), "a!=b -> c <= d");
        assert!(width("Hello", 10.0, true) > width("Hello", 10.0, false));
        assert!(width(&fit("a very long label indeed", 10.0, false, 40.0), 10.0, false) <= 40.0);
        assert_eq!(wrap("one two three", 10.0, false, 1000.0), vec!["one two three"]);
        assert!(wrap("one two three four five six", 10.0, false, 50.0).len() > 2);
    }

    #[test]
    fn numbers() {
        assert_eq!(num(Some(2345.4), "ms"), "2,345");
        assert_eq!(num(Some(3.25), "ms"), "3.2");
        assert_eq!(num(Some(0.1234), ""), "0.123");
        assert_eq!(num(Some(-1234567.0), "count"), "-1,234,567");
        assert_eq!(num(None, "ms"), "—");
        assert_eq!(num_unit(Some(2500.0), "ms"), "2,500 ms");
        assert_eq!(pct(Some(0.1234)), "12.3%");
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("<script>\"&'\u{1}"), "&lt;script&gt;&quot;&amp;&#39;·");
        assert_eq!(clean("a\nb"), "a·b");
    }
}
