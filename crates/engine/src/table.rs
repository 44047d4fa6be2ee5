//! A plain rectangular view of any analysis result, for CSV / JSON / aligned-text output.
//! The JSON form is `{"rows": [{header: value, …}, …]}` with keys equal to the CSV header.

use serde_json::{Map, Value as Json};
use std::io::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Value::Null, Value::Float)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(v as i64)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::Null, Value::Str)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Value::Null, |s| Value::Str(s.to_string()))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Every analysis result renders as a table.
pub trait ToTable {
    fn to_table(&self) -> Table;
    /// The filters the result was computed under, for display.
    fn filter_description(&self) -> &str {
        ""
    }
}

/// OWASP CSV-injection defence: a text cell starting with `=`, `+`, `-`, `@`, tab or CR is
/// prefixed with `'` so spreadsheets show it as text.
pub fn neutralise_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn float_full(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

impl Table {
    pub fn new(columns: &[&str]) -> Self {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// RFC 4180 CSV, UTF-8, header row, CRLF line ends; formulas neutralised.
    pub fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let header: Vec<String> = self.columns.iter().map(|c| csv_quote(&neutralise_formula(c))).collect();
        write!(w, "{}\r\n", header.join(","))?;
        self.write_csv_rows(w)
    }

    /// The rows only, as [`Table::write_csv`] writes them.
    pub fn write_csv_rows(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    Value::Null => String::new(),
                    Value::Str(s) => csv_quote(&neutralise_formula(s)),
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => float_full(*f),
                    Value::Bool(b) => b.to_string(),
                })
                .collect();
            write!(w, "{}\r\n", cells.join(","))?;
        }
        Ok(())
    }

    pub fn to_csv_string(&self) -> String {
        let mut buf = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_csv(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// `[{column: value}]` in column order.
    pub fn json_rows(&self) -> Vec<Json> {
        self.rows
            .iter()
            .map(|row| {
                let mut m = Map::new();
                for (c, v) in self.columns.iter().zip(row) {
                    let j = match v {
                        Value::Null => Json::Null,
                        Value::Str(s) => Json::String(s.clone()),
                        Value::Int(i) => Json::from(*i),
                        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
                        Value::Bool(b) => Json::Bool(*b),
                    };
                    m.insert(c.clone(), j);
                }
                Json::Object(m)
            })
            .collect()
    }

    /// Human-readable aligned text; numbers right-aligned and rounded for reading.
    pub fn to_text(&self) -> String {
        let cells: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(display).collect()).collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count()).min(60);
            }
        }
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .all(|r| matches!(r[i], Value::Int(_) | Value::Float(_) | Value::Null))
                    && !self.rows.is_empty()
            })
            .collect();
        let fmt_row = |row: &[String]| -> String {
            row.iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = clip(c, widths[i]);
                    let pad = widths[i].saturating_sub(c.chars().count());
                    if numeric[i] {
                        format!("{}{c}", " ".repeat(pad))
                    } else {
                        format!("{c}{}", " ".repeat(pad))
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = String::new();
        out.push_str(&fmt_row(&self.columns));
        out.push('\n');
        out.push_str(&widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "));
        out.push('\n');
        for row in &cells {
            out.push_str(&fmt_row(row));
            out.push('\n');
        }
        out
    }
}

fn clip(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        s.chars().take(w.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Display form of a value in the text table: control characters made visible.
fn display(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Str(s) => s.chars().map(|c| if c.is_control() { '·' } else { c }).collect(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if !f.is_finite() => "—".into(),
        Value::Float(f) if f.fract() == 0.0 || f.abs() >= 100.0 => format!("{f:.0}"),
        Value::Float(f) if f.abs() >= 10.0 => format!("{f:.1}"),
        Value::Float(f) => format!("{f:.3}"),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_rfc4180_and_neutralised() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec!["=1+2".into(), Value::Float(-1.5)]);
        t.push(vec!["x,\"y\"".into(), Value::Null]);
        assert_eq!(t.to_csv_string(), "a,b\r\n'=1+2,-1.5\r\n\"x,\"\"y\"\"\",\r\n");
        assert_eq!(t.json_rows()[1]["b"], Json::Null);
        assert!(t.to_text().contains("'=1+2") || t.to_text().contains("=1+2"));
    }
}
