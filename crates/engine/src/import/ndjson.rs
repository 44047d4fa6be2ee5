//! Canonical NDJSON: one JSON object per line. Every line is validated on its own; a line that
//! cannot be interpreted is rejected with its file, line, field and reason, and the rest kept.

use super::sources::{io_reason, FileFormat, InputFile};
use super::{ImportReport, Reject};
use crate::error::{EngineError, Result};
use crate::schema::{self, Builder, Cell, Kind, Row, COLUMNS, EVENT_TYPES};
use polars::prelude::*;
use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Lines read before they are parsed in parallel.
const CHUNK_LINES: usize = 20_000;
/// Lines one parallel task parses into a frame of its own.
const TASK_LINES: usize = 5_000;
/// Accepted timestamp range: 2000-01-01 ..= 2100-01-01 (epoch ms).
pub(super) const TS_MIN: i64 = 946_684_800_000;
pub(super) const TS_MAX: i64 = 4_102_444_800_000;

pub(super) fn read_file(
    file: &InputFile,
    report: &mut ImportReport,
    progress: &dyn Fn(u64, u64) -> bool,
    rows_read: Option<&AtomicU64>,
) -> Result<DataFrame> {
    let path = &file.path;
    let f = std::fs::File::open(path).map_err(|e| EngineError::file(path, io_reason(&e)))?;
    let counted = Arc::new(AtomicU64::new(0));
    let raw = CountingRead {
        inner: f,
        read: counted.clone(),
    };
    let reader: Box<dyn Read> = match file.format {
        FileFormat::NdjsonGz => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        _ => Box::new(raw),
    };
    let size = file.size;
    let tick = || progress(counted.load(Ordering::Relaxed), size);
    let mut df = parse_ndjson_reader(path, reader, &file.partitions, report, &tick, rows_read)?;
    if !file.partitions.is_empty() {
        df = apply_partitions(df, &file.partitions)?;
    }
    Ok(df)
}

/// Counts the (compressed) bytes read, for progress.
struct CountingRead<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Hive partition values fill columns the rows left empty.
fn apply_partitions(df: DataFrame, partitions: &[(String, String)]) -> Result<DataFrame> {
    let mut lf = df.lazy();
    for (k, v) in partitions {
        if let Some(def) = schema::column(k) {
            lf = lf.with_column(
                col(def.name)
                    .fill_null(lit(v.clone()).cast(schema::dtype(def.kind)))
                    .alias(def.name),
            );
        }
    }
    Ok(lf.collect()?)
}

/// Parse canonical NDJSON from any reader. `file` names the source in rejects.
pub fn parse_ndjson_reader(
    file: &Path,
    reader: impl Read,
    partitions: &[(String, String)],
    report: &mut ImportReport,
    progress: &dyn Fn() -> bool,
    rows_read: Option<&AtomicU64>,
) -> Result<DataFrame> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut frames: Vec<DataFrame> = Vec::new();
    let mut line_no: u64 = 0;
    let mut chunk: Vec<(u64, Vec<u8>)> = Vec::with_capacity(CHUNK_LINES);
    let has_partition = |name: &str| partitions.iter().any(|(k, _)| k == name);
    let required_from_partition: Vec<bool> = schema::REQUIRED.iter().map(|r| has_partition(r)).collect();
    loop {
        let mut buf = Vec::new();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| EngineError::file(file, format!("read error after line {line_no}: {}", io_reason(&e))))?;
        if n > 0 {
            line_no += 1;
            chunk.push((line_no, buf));
        }
        if chunk.len() >= CHUNK_LINES || (n == 0 && !chunk.is_empty()) {
            // Each task parses its lines into columns of its own (no row passes through one
            // thread), in line order.
            let parsed: Vec<(DataFrame, Vec<(u64, LineError)>)> = chunk
                .par_chunks(TASK_LINES)
                .map(|lines| {
                    let mut builder = Builder::new();
                    let mut bad = Vec::new();
                    for (no, bytes) in lines {
                        match parse_line(bytes, &required_from_partition) {
                            Ok(Some(row)) => builder.push(row),
                            Ok(None) => {}
                            Err(e) => bad.push((*no, e)),
                        }
                    }
                    Ok((builder.finish()?, bad))
                })
                .collect::<PolarsResult<_>>()?;
            chunk.clear();
            let mut rows = 0;
            for (df, bad) in parsed {
                for (line, (field, reason)) in bad {
                    report.add_reject(Reject {
                        file: file.to_path_buf(),
                        line,
                        field,
                        reason,
                    });
                }
                if df.height() > 0 {
                    rows += df.height();
                    frames.push(df);
                }
            }
            if let Some(r) = rows_read {
                r.fetch_add(rows as u64, Ordering::Relaxed);
            }
            if !progress() {
                return Err(EngineError::Cancelled);
            }
        }
        if n == 0 {
            break;
        }
    }
    let mut frames = frames.into_iter();
    let Some(mut df) = frames.next() else {
        return Ok(Builder::new().finish()?);
    };
    for more in frames {
        df.vstack_mut_owned(more)?;
    }
    df.rechunk_mut_par();
    Ok(df)
}

type LineError = (Option<String>, String);
type ParsedLine = std::result::Result<Option<Row>, LineError>;

fn field_err(field: &str, reason: impl Into<String>) -> LineError {
    (Some(field.to_string()), reason.into())
}

/// Parse one line. `Ok(None)` for blank lines.
fn parse_line(bytes: &[u8], required_from_partition: &[bool]) -> ParsedLine {
    let text = std::str::from_utf8(bytes).map_err(|e| (None, format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let fields = match serde_json::from_str::<Line>(text) {
        Ok(Line::Object(fields)) => fields,
        Ok(Line::Other(kind)) => return Err((None, format!("expected a JSON object, got {kind}"))),
        Err(e) => return Err((None, format!("not valid JSON: {e}"))),
    };
    let mut row = Row::new();
    for ((cell, def), v) in row.cells.iter_mut().zip(COLUMNS).zip(&fields) {
        *cell = convert(def.name, def.kind, v.as_ref().unwrap_or(&Value::Null))?;
    }
    for (req, from_partition) in schema::REQUIRED.iter().zip(required_from_partition) {
        let idx = schema::index_of(req).unwrap_or(0);
        if row.cells[idx] == Cell::Null && !from_partition {
            return Err(field_err(req, "missing required field"));
        }
    }
    if let Cell::Str(t) = &row.cells[schema::index_of("event_type").unwrap_or(0)] {
        if !EVENT_TYPES.contains(&t.as_str()) {
            return Err(field_err(
                "event_type",
                format!(
                    "unknown event type `{}` (expected one of {})",
                    truncate(t),
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
    }
    Ok(Some(row))
}

/// One line's JSON: an object's values by canonical column (the last of a repeated key wins,
/// as in a JSON map; other keys are checked for syntax and skipped without building their
/// values), or the kind of anything else.
enum Line {
    Object(Vec<Option<Value>>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Line, A::Error> {
        let mut fields: Vec<Option<Value>> = vec![None; COLUMNS.len()];
        while let Some(Column(index)) = map.next_key::<Column>()? {
            match index.and_then(|i| fields.get_mut(i)) {
                Some(field) => *field = Some(map.next_value()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Line::Object(fields))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Line, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Line::Other("an array"))
    }
    fn visit_unit<E>(self) -> std::result::Result<Line, E> {
        Ok(Line::Other("null"))
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Line, E> {
        Ok(Line::Other("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<Line, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<Line, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Line, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<Line, E> {
        Ok(Line::Other("a string"))
    }
}

/// An object key as the index of the canonical column it names, if any.
struct Column(Option<usize>);

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = Column;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, key: &str) -> std::result::Result<Column, E> {
                Ok(Column(schema::index_of(key)))
            }
        }
        d.deserialize_str(Key)
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn convert(name: &str, kind: Kind, v: &Value) -> std::result::Result<Cell, LineError> {
    if v.is_null() {
        return Ok(Cell::Null);
    }
    match kind {
        Kind::Dim | Kind::Text => match v {
            Value::String(s) => Ok(Cell::Str(s.clone())),
            Value::Number(n) => Ok(Cell::Str(n.to_string())),
            Value::Bool(b) => Ok(Cell::Str(b.to_string())),
            other => Err(field_err(name, format!("expected a string, got {}", json_kind(other)))),
        },
        Kind::Float => {
            let x = number(name, v)?;
            if !x.is_finite() {
                return Err(field_err(name, "not a finite number"));
            }
            if x < 0.0 {
                return Err(field_err(name, format!("negative value {x}")));
            }
            Ok(Cell::F64(x))
        }
        Kind::Int => {
            let x = number(name, v)?;
            if !x.is_finite() || x.fract() != 0.0 || x.abs() > 9.0e15 {
                return Err(field_err(name, format!("expected an integer, got {x}")));
            }
            Ok(Cell::I64(x as i64))
        }
        Kind::Timestamp => {
            let ms = match v {
                Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                    .map_err(|e| field_err(name, format!("not an RFC 3339 timestamp ({e}): `{}`", truncate(s))))?
                    .timestamp_millis(),
                Value::Number(_) => {
                    let x = number(name, v)?;
                    if !x.is_finite() {
                        return Err(field_err(name, "not a finite number"));
                    }
                    x.round() as i64
                }
                other => {
                    return Err(field_err(
                        name,
                        format!(
                            "expected an RFC 3339 string or epoch milliseconds, got {}",
                            json_kind(other)
                        ),
                    ))
                }
            };
            if !(TS_MIN..=TS_MAX).contains(&ms) {
                let hint = if v.is_number() && (TS_MIN / 1000..=TS_MAX / 1000).contains(&ms) {
                    " (looks like epoch seconds; canonical timestamps are epoch milliseconds)"
                } else {
                    ""
                };
                return Err(field_err(name, format!("timestamp {ms} out of range 2000–2100{hint}")));
            }
            Ok(Cell::I64(ms))
        }
    }
}

fn number(name: &str, v: &Value) -> std::result::Result<f64, LineError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| field_err(name, "number out of range")),
        Value::String(s) => Err(field_err(
            name,
            format!("expected a number, got the string `{}`", truncate(s)),
        )),
        other => Err(field_err(name, format!("expected a number, got {}", json_kind(other)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (DataFrame, ImportReport) {
        let mut report = ImportReport::default();
        let df = parse_ndjson_reader(Path::new("t.ndjson"), s.as_bytes(), &[], &mut report, &|| true, None).unwrap();
        (df, report)
    }

    #[test]
    fn good_and_bad_rows() {
        let input = concat!(
            r#"{"event_type":"view","ts":"2026-10-05T10:00:00Z","lcp_ms":1200.5,"extra":{"a":1}}"#,
            "\n",
            r#"{"event_type":"view","ts":1790000000000,"lcp_ms":"1200"}"#,
            "\n",
            r#"{"event_type":"view","ts":1790000000,"lcp_ms":10}"#,
            "\n",
            "not json\n",
            "\n",
            r#"{"event_type":"view","ts":1790000000000,"lcp_ms":-5}"#,
            "\n",
            r#"{"ts":1790000000000}"#,
            "\n",
            r#"{"event_type":"view","ts":1790000000000,"status_code":200.5}"#,
            "\n",
            r#"{"event_type":"error","ts":1790000000000,"release":15}"#,
            "\n",
        );
        let (df, report) = parse(input);
        assert_eq!(df.height(), 2);
        assert_eq!(report.rejected, 6);
        let lines: Vec<u64> = report.reject_examples.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6, 7, 8]);
        assert_eq!(report.reject_examples[0].field.as_deref(), Some("lcp_ms"));
        assert!(report.reject_examples[1].reason.contains("epoch seconds"));
        assert_eq!(report.reject_examples[4].field.as_deref(), Some("event_type"));
    }

    /// Lines spread over several parallel tasks and chunks come back in line order, each
    /// reject with its own line number.
    #[test]
    fn many_lines_keep_their_order() {
        let n = CHUNK_LINES + 2 * TASK_LINES + 7;
        let mut input = String::new();
        for i in 0..n {
            if i % 1000 == 999 {
                input.push_str("{oops\n");
            } else {
                input.push_str(&format!(
                    "{{\"event_type\":\"view\",\"ts\":{}}}\n",
                    1_790_000_000_000u64 + i as u64
                ));
            }
        }
        let (df, report) = parse(&input);
        let bad: Vec<u64> = (0..n as u64).filter(|i| i % 1000 == 999).map(|i| i + 1).collect();
        assert_eq!(report.rejected as usize, bad.len());
        let lines: Vec<u64> = report.reject_examples.iter().map(|r| r.line).collect();
        assert_eq!(lines, bad[..lines.len()]);
        let ts = df.column("ts").unwrap().cast(&DataType::Int64).unwrap();
        let want: Vec<i64> = (0..n as i64)
            .filter(|i| i % 1000 != 999)
            .map(|i| 1_790_000_000_000 + i)
            .collect();
        assert_eq!(ts.i64().unwrap().into_no_null_iter().collect::<Vec<_>>(), want);
    }

    /// Lines that are JSON but not objects name what they are; a repeated key keeps its last
    /// value; an escaped key names its column; unknown keys of any shape are skipped.
    #[test]
    fn objects_only_last_key_wins() {
        let input = concat!(
            "[1, {\"a\": 2}]\n",
            "42\n",
            "\"text\"\n",
            "null\n",
            "true\n",
            r#"{"event_type":"view","ts":1790000000000,"lcp_ms":1,"lcp_ms":2,"not_a_column":[{"y":[1,"z"]}]}"#,
            "\n",
            r#"{"event_type":"view","ts":1790000000000,"lcp\u005fms":3,"extra":{"k":"v"}}"#,
            "\n",
            r#"{"event_type":"view","ts":1790000000000,"x":[1,}"#,
            "\n",
        );
        let (df, report) = parse(input);
        let reasons: Vec<&str> = report.reject_examples.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(
            &reasons[..5],
            [
                "expected a JSON object, got an array",
                "expected a JSON object, got a number",
                "expected a JSON object, got a string",
                "expected a JSON object, got null",
                "expected a JSON object, got a boolean",
            ]
        );
        assert!(reasons[5].starts_with("not valid JSON"), "{}", reasons[5]);
        assert_eq!(report.rejected, 6);
        let lcp: Vec<Option<f64>> = df.column("lcp_ms").unwrap().f64().unwrap().iter().collect();
        assert_eq!(lcp, vec![Some(2.0), Some(3.0)]);
    }
}
