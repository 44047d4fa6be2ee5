//! NDJSON / JSON records read through a mapping.

use super::*;
use crate::import::adapters::{util, Adapter, Context, Converted, RecordError};
use crate::schema::{self, Cell, ColumnDef, Kind, Row, EVENT_TYPES};
use serde_json::Value;

/// Reads records through a [`Mapping`] (used for every file when a mapping is given).
pub struct MappingAdapter {
    plan: Plan,
}

impl MappingAdapter {
    /// Validate `mapping` and prepare it; the error is the validation reason.
    pub fn new(mapping: &Mapping) -> std::result::Result<Self, String> {
        Ok(MappingAdapter { plan: mapping.plan()? })
    }
}

pub(super) fn with_target(e: RecordError, def: &ColumnDef) -> RecordError {
    (e.0, format!("{} (mapped to `{}`)", e.1, def.name))
}

/// One mapped JSON value as a canonical cell.
pub(super) fn json_cell(record: &Value, c: &Resolved) -> std::result::Result<Cell, RecordError> {
    let src = c.source.as_str();
    let Some(v) = util::get(record, src) else {
        return Ok(Cell::Null);
    };
    let def = c.def;
    let field = || Some(src.to_string());
    match def.kind {
        Kind::Dim | Kind::Text => match v {
            Value::String(s) if s.is_empty() => Ok(Cell::Null),
            Value::String(s) if def.name == "event_type" && !EVENT_TYPES.contains(&s.as_str()) => Err((
                field(),
                format!("unknown event type `{}` (mapped to `event_type`)", util::clip(s)),
            )),
            Value::String(s) => Ok(Cell::Str(s.clone())),
            Value::Number(n) => Ok(Cell::Str(n.to_string())),
            Value::Bool(b) => Ok(Cell::Str(b.to_string())),
            other => Err((
                field(),
                format!(
                    "expected a string, got {} (mapped to `{}`)",
                    if other.is_array() { "an array" } else { "an object" },
                    def.name
                ),
            )),
        },
        Kind::Float => {
            let scale = c.unit.unwrap_or(Unit::Ms).to_ms();
            let x = util::measure(record, src, scale).map_err(|e| with_target(e, def))?;
            Ok(x.map_or(Cell::Null, Cell::F64))
        }
        Kind::Int => match util::num(record, src).map_err(|e| with_target(e, def))? {
            None => Ok(Cell::Null),
            Some(x) if x.is_finite() && x.fract() == 0.0 => Ok(Cell::I64(x as i64)),
            Some(x) => Err((
                field(),
                format!("expected an integer, got {x} (mapped to `{}`)", def.name),
            )),
        },
        Kind::Timestamp => {
            let fmt = match (c.time, v) {
                (Some(f), _) => f,
                (None, Value::String(s)) if s.trim().parse::<f64>().is_err() => TimeFormat::Rfc3339,
                (None, _) => TimeFormat::EpochMs,
            };
            let hint = |e: RecordError| {
                (
                    e.0,
                    format!("{} (read as {}; set `time` in the mapping)", e.1, fmt.name()),
                )
            };
            let ms = match fmt.to_ms() {
                None => match v {
                    Value::String(s) => util::iso_ms(src, s).map_err(hint)?,
                    other => return Err(hint((field(), format!("expected an RFC 3339 string, got {other}")))),
                },
                Some(f) => match util::num(record, src).map_err(hint)? {
                    None => return Ok(Cell::Null),
                    Some(x) if !x.is_finite() => return Err(hint((field(), "not a finite number".into()))),
                    Some(x) => util::check_ts(src, (x * f).round() as i64).map_err(hint)?,
                },
            };
            Ok(Cell::I64(ms))
        }
    }
}

impl Adapter for MappingAdapter {
    fn name(&self) -> &'static str {
        "mapping"
    }
    fn title(&self) -> &'static str {
        "column mapping"
    }
    fn description(&self) -> &'static str {
        "any NDJSON/JSON or Parquet export, read with a mapping file (--mapping FILE)"
    }
    fn detect(&self, _records: &[Value]) -> Option<String> {
        None
    }
    fn convert(
        &self,
        record: &Value,
        _ctx: &mut Context,
        out: &mut Vec<Converted>,
    ) -> std::result::Result<(), RecordError> {
        if !record.is_object() {
            return Err((None, "not a JSON object".into()));
        }
        let mut row = Row::new();
        for c in &self.plan.columns {
            let cell = json_cell(record, c)?;
            if cell != Cell::Null {
                row.set(c.def.name, cell);
            }
        }
        for def in &self.plan.passthrough {
            if record.get(def.name).is_some() {
                let c = Resolved {
                    source: def.name.to_string(),
                    def,
                    unit: None,
                    time: None,
                };
                let cell = json_cell(record, &c)?;
                if cell != Cell::Null {
                    row.set(def.name, cell);
                }
            }
        }
        for (def, cell) in &self.plan.defaults {
            if let Some(i) = schema::index_of(def.name) {
                if row.cells[i] == Cell::Null {
                    row.cells[i] = cell.clone();
                }
            }
        }
        out.push(Converted::new(row));
        Ok(())
    }
}
