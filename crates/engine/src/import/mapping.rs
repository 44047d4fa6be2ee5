//! Column mapping for exports whose columns are not canonical: a JSON file naming, per source
//! column, the canonical column it holds, its duration unit and its timestamp format, applied
//! at import (NDJSON/JSON record by record through [`MappingAdapter`], Parquet lazily with
//! Polars expressions before the canonical conform). [`suggest_mapping`] proposes one from a
//! file's column names and value ranges. See docs/formats.md, "Column mapping".

use super::adapters::{util, Adapter, Context, Converted, RecordError};
use super::sources::{resolve_inputs, FileFormat};
use crate::error::{EngineError, Result};
use crate::schema::{self, Cell, ColumnDef, Kind, Row, COLUMNS, EVENT_TYPES, REQUIRED};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Records (NDJSON/JSON) or rows (Parquet) looked at by [`suggest_mapping`].
pub const SUGGEST_SAMPLE: usize = 500;

/// Unit of a duration column in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Ms,
    S,
    Us,
    Ns,
}

impl Unit {
    /// Factor to milliseconds.
    pub fn to_ms(self) -> f64 {
        match self {
            Unit::Ms => 1.0,
            Unit::S => 1000.0,
            Unit::Us => 1e-3,
            Unit::Ns => 1e-6,
        }
    }
}

/// How a timestamp column is written in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    EpochMs,
    EpochS,
    EpochUs,
    EpochNs,
    Rfc3339,
}

impl TimeFormat {
    fn name(self) -> &'static str {
        match self {
            TimeFormat::EpochMs => "epoch_ms",
            TimeFormat::EpochS => "epoch_s",
            TimeFormat::EpochUs => "epoch_us",
            TimeFormat::EpochNs => "epoch_ns",
            TimeFormat::Rfc3339 => "rfc3339",
        }
    }
    /// Factor of an epoch number to epoch milliseconds (`None` for RFC 3339).
    fn to_ms(self) -> Option<f64> {
        match self {
            TimeFormat::EpochMs => Some(1.0),
            TimeFormat::EpochS => Some(1000.0),
            TimeFormat::EpochUs => Some(1e-3),
            TimeFormat::EpochNs => Some(1e-6),
            TimeFormat::Rfc3339 => None,
        }
    }
}

/// Where one source column goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    /// Canonical column name.
    pub to: String,
    /// Unit of a duration column (`…_ms` columns only); default `ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Format of the `ts` column; default: numbers are epoch ms, strings RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeFormat>,
}

/// A column mapping file: `{"columns": {SOURCE: {"to": CANONICAL, "unit": …, "time": …}},
/// "defaults": {CANONICAL: VALUE}}`. Source names may be dotted paths into nested JSON
/// records. Input columns already named like a canonical column, and not mapped, are read as
/// that column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnMap>,
    /// Values for canonical columns that are null or not mapped (e.g. `"event_type": "view"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in string]?: string | number }"))]
    pub defaults: BTreeMap<String, Value>,
    /// Columns `suggest-mapping` could not place; ignored at import.
    #[serde(default, rename = "_unmapped")]
    pub unmapped: Vec<String>,
}

/// One source column, resolved against the schema.
#[derive(Debug, Clone)]
struct Resolved {
    source: String,
    def: &'static ColumnDef,
    unit: Option<Unit>,
    time: Option<TimeFormat>,
}

/// A validated mapping: explicit columns, canonical names read as they are, default cells.
#[derive(Debug, Clone)]
struct Plan {
    columns: Vec<Resolved>,
    /// Canonical columns neither mapped to nor used as a source: read under their own name.
    passthrough: Vec<&'static ColumnDef>,
    defaults: Vec<(&'static ColumnDef, Cell)>,
}

fn is_duration(def: &ColumnDef) -> bool {
    def.kind == Kind::Float && def.unit == "ms"
}

fn duration_columns() -> String {
    COLUMNS
        .iter()
        .filter(|d| is_duration(d))
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Mapping {
    /// Read and validate a mapping file; errors name the file.
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            EngineError::file(
                path,
                format!("cannot read mapping file: {}", super::sources::io_reason(&e)),
            )
        })?;
        let m: Mapping =
            serde_json::from_str(&text).map_err(|e| EngineError::file(path, format!("invalid mapping file: {e}")))?;
        m.validate()
            .map_err(|reason| EngineError::file(path, format!("invalid mapping file: {reason}")))?;
        Ok(m)
    }

    /// Check the mapping against the canonical schema.
    pub fn validate(&self) -> std::result::Result<(), String> {
        self.plan().map(|_| ())
    }

    /// The mapping as pretty JSON (keys sorted, so the output is deterministic).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| EngineError::invalid(format!("cannot write mapping: {e}")))
    }

    fn plan(&self) -> std::result::Result<Plan, String> {
        let mut columns = Vec::new();
        let mut targets: BTreeMap<&str, &str> = BTreeMap::new();
        for (source, cm) in &self.columns {
            let def = schema::column(&cm.to).ok_or_else(|| {
                format!(
                    "column `{source}` maps to `{}`, which is not a canonical column (see docs/schema.md)",
                    cm.to
                )
            })?;
            if let Some(other) = targets.insert(def.name, source) {
                return Err(format!("columns `{other}` and `{source}` both map to `{}`", def.name));
            }
            if cm.unit.is_some() && !is_duration(def) {
                return Err(format!(
                    "column `{source}`: `unit` applies to duration columns only ({}), not `{}`",
                    duration_columns(),
                    def.name
                ));
            }
            if cm.time.is_some() && def.kind != Kind::Timestamp {
                return Err(format!(
                    "column `{source}`: `time` applies to the `ts` column only, not `{}`",
                    def.name
                ));
            }
            columns.push(Resolved {
                source: source.clone(),
                def,
                unit: cm.unit,
                time: cm.time,
            });
        }
        let mut defaults = Vec::new();
        for (name, v) in &self.defaults {
            let def = schema::column(name)
                .ok_or_else(|| format!("default for `{name}`, which is not a canonical column (see docs/schema.md)"))?;
            let cell = default_cell(def, v).map_err(|why| format!("default for `{name}`: {why}"))?;
            defaults.push((def, cell));
        }
        for req in REQUIRED {
            if !targets.contains_key(req) && !self.defaults.contains_key(*req) {
                return Err(format!(
                    "no column maps to the required column `{req}` and there is no default for it; \
                     add e.g. \"columns\": {{\"<your column>\": {{\"to\": \"{req}\"}}}}{}",
                    if *req == "event_type" {
                        " or \"defaults\": {\"event_type\": \"view\"}"
                    } else {
                        ""
                    }
                ));
            }
        }
        let passthrough = COLUMNS
            .iter()
            .filter(|d| !targets.contains_key(d.name) && !self.columns.contains_key(d.name))
            .collect();
        Ok(Plan {
            columns,
            passthrough,
            defaults,
        })
    }
}

fn default_cell(def: &ColumnDef, v: &Value) -> std::result::Result<Cell, String> {
    let wrap = serde_json::json!({ "v": v });
    match def.kind {
        Kind::Dim | Kind::Text => match v {
            Value::String(s) if def.name == "event_type" && !EVENT_TYPES.contains(&s.as_str()) => {
                Err(format!("unknown event type `{s}`; one of {}", EVENT_TYPES.join(", ")))
            }
            Value::String(s) => Ok(Cell::Str(s.clone())),
            Value::Number(n) => Ok(Cell::Str(n.to_string())),
            other => Err(format!("expected a string, got {other}")),
        },
        Kind::Float => util::measure(&wrap, "v", 1.0)
            .map_err(|(_, r)| r)?
            .map(Cell::F64)
            .ok_or_else(|| "expected a number".to_string()),
        Kind::Int => match util::num(&wrap, "v").map_err(|(_, r)| r)? {
            Some(x) if x.is_finite() && x.fract() == 0.0 => Ok(Cell::I64(x as i64)),
            _ => Err("expected an integer".into()),
        },
        Kind::Timestamp => match v {
            Value::String(s) => util::iso_ms(def.name, s).map(Cell::I64).map_err(|(_, r)| r),
            Value::Number(n) => {
                let ms = n.as_f64().unwrap_or(f64::NAN);
                if !ms.is_finite() {
                    return Err("expected epoch milliseconds".into());
                }
                util::check_ts(def.name, ms as i64).map(Cell::I64).map_err(|(_, r)| r)
            }
            other => Err(format!(
                "expected an RFC 3339 string or epoch milliseconds, got {other}"
            )),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// NDJSON / JSON: an adapter

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

fn with_target(e: RecordError, def: &ColumnDef) -> RecordError {
    (e.0, format!("{} (mapped to `{}`)", e.1, def.name))
}

/// One mapped JSON value as a canonical cell.
fn json_cell(record: &Value, c: &Resolved) -> std::result::Result<Cell, RecordError> {
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

// ---------------------------------------------------------------------------------------------
// Parquet: Polars expressions

/// RFC 3339 strings to epoch ms (unparseable → null, which the row checks reject).
fn rfc3339_ms(c: Column) -> PolarsResult<Column> {
    let s = c.as_materialized_series();
    let out: Int64Chunked = s
        .str()?
        .iter()
        .map(|o| {
            o.and_then(|x| {
                chrono::DateTime::parse_from_rfc3339(x.trim())
                    .ok()
                    .map(|d| d.timestamp_millis())
            })
        })
        .collect();
    Ok(out.with_name(c.name().clone()).into_series().into_column())
}

fn source_expr(c: &Resolved, dt: &DataType) -> std::result::Result<Expr, String> {
    let src = col(c.source.as_str());
    let def = c.def;
    let bad = |want: &str| {
        format!(
            "column `{}` (mapped to `{}`) has type {dt}; expected {want}",
            c.source, def.name
        )
    };
    let numeric = dt.is_primitive_numeric() || dt.is_null();
    Ok(match def.kind {
        Kind::Dim | Kind::Text => src.cast(DataType::String),
        Kind::Float if numeric => src.cast(DataType::Float64) * lit(c.unit.unwrap_or(Unit::Ms).to_ms()),
        Kind::Int if numeric => src.cast(DataType::Int64),
        Kind::Float | Kind::Int => return Err(bad("a number")),
        Kind::Timestamp => match (dt, c.time) {
            (DataType::Datetime(_, _) | DataType::Date, _) => src
                .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
                .cast(DataType::Int64),
            (DataType::String, None | Some(TimeFormat::Rfc3339)) => {
                src.map(rfc3339_ms, |_, f| Ok(Field::new(f.name().clone(), DataType::Int64)))
            }
            (dt, Some(TimeFormat::Rfc3339)) => return Err(bad(&format!("RFC 3339 strings, not {dt}"))),
            (dt, fmt) if numeric || dt == &DataType::String => {
                let f = fmt.and_then(TimeFormat::to_ms).unwrap_or(1.0);
                (src.cast(DataType::Float64) * lit(f)).cast(DataType::Int64)
            }
            _ => return Err(bad("a timestamp, epoch number or RFC 3339 string")),
        },
    })
}

fn cell_lit(cell: &Cell) -> Expr {
    match cell {
        Cell::Null => lit(NULL),
        Cell::Str(s) => lit(s.clone()),
        Cell::F64(x) => lit(*x),
        Cell::I64(x) => lit(*x),
    }
}

/// Apply a mapping to a scanned frame: rename, cast and scale to canonical names and units
/// (timestamps as epoch ms), ready for the canonical conform. Lazy.
pub(crate) fn apply_lazy(lf: LazyFrame, input: &Schema, mapping: &Mapping) -> std::result::Result<LazyFrame, String> {
    let plan = mapping.plan()?;
    let mut exprs: BTreeMap<&'static str, Expr> = BTreeMap::new();
    let passthrough = plan.passthrough.iter().map(|def| Resolved {
        source: def.name.to_string(),
        def,
        unit: None,
        time: None,
    });
    for c in plan.columns.iter().cloned().chain(passthrough) {
        match input.get(&c.source) {
            Some(dt) => {
                exprs.insert(c.def.name, source_expr(&c, dt)?);
            }
            None if REQUIRED.contains(&c.def.name) && !mapping.defaults.contains_key(c.def.name) => {
                return Err(format!(
                    "column `{}` (mapped to the required `{}`) is not in the file",
                    c.source, c.def.name
                ));
            }
            None => {}
        }
    }
    for (def, cell) in &plan.defaults {
        let e = match exprs.remove(def.name) {
            Some(e) => e.fill_null(cell_lit(cell)),
            None => cell_lit(cell),
        };
        exprs.insert(def.name, e);
    }
    Ok(lf.select(exprs.into_iter().map(|(name, e)| e.alias(name)).collect::<Vec<_>>()))
}

// ---------------------------------------------------------------------------------------------
// Suggestion

/// What the sample shows of one input column.
#[derive(Default)]
struct Sample {
    nums: Vec<f64>,
    strs: Vec<String>,
    datetime: bool,
    /// Values of a type no canonical column holds (arrays, binary…).
    other: bool,
}

/// Canonical column ← input names, normalised (lower case, letters and digits only), in order
/// of preference. Every canonical name itself also matches.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "ts",
        &[
            "ts",
            "timestamp",
            "time",
            "eventtime",
            "eventtimestamp",
            "datetime",
            "date",
            "createdat",
            "occurredat",
            "receivedat",
            "loggedat",
        ],
    ),
    ("event_type", &["eventtype", "type", "event", "kind", "recordtype"]),
    ("session_id", &["sessionid", "session", "sid", "visitid"]),
    ("view_id", &["viewid", "pageviewid", "pvid"]),
    (
        "url",
        &[
            "url",
            "pageurl",
            "href",
            "location",
            "documenturl",
            "pagelocation",
            "fullurl",
            "page",
        ],
    ),
    ("referrer", &["referrer", "referer", "documentreferrer", "pagereferrer"]),
    ("navigation_type", &["navigationtype", "navtype"]),
    (
        "app",
        &["app", "application", "appname", "service", "servicename", "site"],
    ),
    (
        "release",
        &["release", "version", "appversion", "serviceversion", "build"],
    ),
    ("environment", &["environment", "env", "stage"]),
    ("user_agent", &["useragent", "ua", "browseruseragent", "httpuseragent"]),
    ("screen_w", &["screenw", "screenwidth", "viewportwidth"]),
    ("screen_h", &["screenh", "screenheight", "viewportheight"]),
    ("country", &["country", "countrycode", "geocountry", "countryiso"]),
    ("connection_type", &["connectiontype", "connection"]),
    ("effective_type", &["effectivetype", "ect", "effectiveconnectiontype"]),
    ("rtt_ms", &["rtt", "roundtriptime"]),
    ("downlink_mbps", &["downlink", "downlinkmbps", "bandwidth"]),
    ("ttfb_ms", &["ttfb", "timetofirstbyte", "firstbyte"]),
    ("fcp_ms", &["fcp", "firstcontentfulpaint"]),
    ("lcp_ms", &["lcp", "largestcontentfulpaint"]),
    ("inp_ms", &["inp", "interactiontonextpaint"]),
    ("cls", &["cls", "cumulativelayoutshift"]),
    (
        "load_ms",
        &["load", "loadtime", "pageloadtime", "loadeventend", "plt", "onload"],
    ),
    ("dom_interactive_ms", &["dominteractive"]),
    ("dom_complete_ms", &["domcomplete"]),
    ("resource_url", &["resourceurl", "resource", "requesturl"]),
    ("resource_type", &["resourcetype", "initiatortype"]),
    ("method", &["method", "httpmethod", "requestmethod"]),
    ("status_code", &["statuscode", "status", "httpstatus", "responsestatus"]),
    ("duration_ms", &["duration", "elapsed"]),
    ("transfer_bytes", &["transferbytes", "transfersize", "bytes", "size"]),
    ("error_type", &["errortype", "errorclass", "exceptiontype"]),
    ("error_message", &["errormessage", "message", "exceptionmessage"]),
    ("error_source", &["errorsource"]),
    ("error_stack", &["errorstack", "stack", "stacktrace"]),
    ("action_type", &["actiontype"]),
    ("target", &["target", "targetname", "selector"]),
    ("x", &["x", "clientx"]),
    ("y", &["y", "clienty"]),
    ("frustration", &["frustration", "frustrationtype"]),
];

/// Unit suffixes of duration column names (`lcp_s`, `loadTimeMs`), longest first.
const UNIT_SUFFIXES: &[(&str, Unit)] = &[
    ("milliseconds", Unit::Ms),
    ("microseconds", Unit::Us),
    ("nanoseconds", Unit::Ns),
    ("seconds", Unit::S),
    ("millis", Unit::Ms),
    ("micros", Unit::Us),
    ("nanos", Unit::Ns),
    ("secs", Unit::S),
    ("sec", Unit::S),
    ("ms", Unit::Ms),
    ("us", Unit::Us),
    ("ns", Unit::Ns),
    ("s", Unit::S),
];

fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The canonical column a normalised name means, with its preference rank.
fn synonym(n: &str) -> Option<(&'static ColumnDef, usize)> {
    for (target, names) in SYNONYMS {
        if let Some(i) = names.iter().position(|x| *x == n) {
            return schema::column(target).map(|d| (d, i + 1));
        }
    }
    COLUMNS.iter().find(|d| norm(d.name) == n).map(|d| (d, 0))
}

/// Candidate target of an input column: `(def, rank, unit hint)`; a lower rank is preferred.
fn candidate(name: &str) -> Option<(&'static ColumnDef, usize, Option<Unit>)> {
    let full = norm(name);
    let last = norm(name.rsplit('.').next().unwrap_or(name));
    for (tier, n) in [(0, &full), (100, &last)] {
        if let Some((d, r)) = synonym(n) {
            return Some((d, tier + r, None));
        }
        for (suffix, unit) in UNIT_SUFFIXES {
            if let Some(base) = n.strip_suffix(suffix).filter(|b| !b.is_empty()) {
                if let Some((d, r)) = synonym(base).filter(|(d, _)| is_duration(d)) {
                    return Some((d, tier + 50 + r, Some(*unit)));
                }
            }
        }
    }
    None
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Numbers of a column: JSON numbers, or numeric strings when every string is one.
fn numbers(s: &Sample) -> Vec<f64> {
    if !s.nums.is_empty() || s.strs.is_empty() {
        return s.nums.clone();
    }
    let parsed: Vec<f64> = s.strs.iter().filter_map(|x| x.trim().parse::<f64>().ok()).collect();
    if parsed.len() == s.strs.len() {
        parsed
    } else {
        Vec::new()
    }
}

/// Below this median (in the column's ms-or-not unit), a duration is taken to be in seconds.
fn seconds_below(target: &str) -> f64 {
    match target {
        "ttfb_ms" => 10.0,
        "inp_ms" | "rtt_ms" => 5.0,
        "duration_ms" => 2.0,
        _ => 60.0,
    }
}

fn duration_unit(nums: &[f64], hint: Option<Unit>, target: &str) -> Unit {
    match median(nums) {
        Some(m) if m > 1e8 => Unit::Ns,
        Some(m) if m > 1e5 => Unit::Us,
        Some(m) if m > 0.0 && m < seconds_below(target) => Unit::S,
        Some(m) if m > 0.0 => Unit::Ms,
        _ => hint.unwrap_or(Unit::Ms),
    }
}

fn epoch_format(m: f64) -> TimeFormat {
    if m < 1e11 {
        TimeFormat::EpochS
    } else if m < 1e14 {
        TimeFormat::EpochMs
    } else if m < 1e17 {
        TimeFormat::EpochUs
    } else {
        TimeFormat::EpochNs
    }
}

/// The mapping of one column if its values fit the target, else `None`.
fn fit(def: &'static ColumnDef, hint: Option<Unit>, s: &Sample) -> Option<ColumnMap> {
    let to = def.name.to_string();
    let map = |unit, time| {
        Some(ColumnMap {
            to: to.clone(),
            unit,
            time,
        })
    };
    if s.other {
        return None;
    }
    match def.kind {
        Kind::Timestamp => {
            if s.datetime {
                return map(None, None);
            }
            let nums = numbers(s);
            if let Some(m) = median(&nums) {
                return (m >= 1e8).then(|| epoch_format(m)).and_then(|f| map(None, Some(f)));
            }
            let ok = !s.strs.is_empty()
                && s.strs
                    .iter()
                    .all(|x| chrono::DateTime::parse_from_rfc3339(x.trim()).is_ok());
            ok.then(|| map(None, Some(TimeFormat::Rfc3339))).flatten()
        }
        Kind::Float | Kind::Int => {
            let nums = numbers(s);
            if nums.is_empty() && (!s.strs.is_empty() || s.datetime) {
                return None;
            }
            if is_duration(def) {
                map(Some(duration_unit(&nums, hint, def.name)), None)
            } else {
                map(None, None)
            }
        }
        Kind::Dim if def.name == "event_type" => {
            let ok = !s.strs.is_empty() && s.strs.iter().all(|x| EVENT_TYPES.contains(&x.as_str()));
            ok.then(|| map(None, None)).flatten()
        }
        Kind::Dim | Kind::Text => (!s.datetime).then(|| map(None, None)).flatten(),
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Sample>) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            flatten(&name, x, out);
        }
        return;
    }
    let s = out.entry(prefix.to_string()).or_default();
    match v {
        Value::Null => {}
        Value::Number(n) => s.nums.extend(n.as_f64()),
        Value::String(x) if x.is_empty() => {}
        Value::String(x) => s.strs.push(x.clone()),
        Value::Bool(b) => s.strs.push(b.to_string()),
        _ => s.other = true,
    }
}

fn parquet_samples(path: &Path) -> Result<BTreeMap<String, Sample>> {
    let fail = |e: PolarsError| EngineError::file(path, format!("cannot read Parquet: {e}"));
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| EngineError::file(path, e.to_string()))?;
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(false);
    let df = LazyFrame::scan_parquet(pl_path, args)
        .map_err(fail)?
        .limit(SUGGEST_SAMPLE as IdxSize)
        .collect()
        .map_err(fail)?;
    let mut out = BTreeMap::new();
    for c in df.columns() {
        let mut s = Sample::default();
        let dt = c.dtype();
        if matches!(dt, DataType::Datetime(_, _) | DataType::Date) {
            s.datetime = true;
        } else if dt.is_primitive_numeric() {
            let f = c.cast(&DataType::Float64).map_err(fail)?;
            s.nums = f.f64().map_err(fail)?.iter().flatten().collect();
        } else if dt == &DataType::String || dt == &DataType::Boolean {
            let f = c.cast(&DataType::String).map_err(fail)?;
            s.strs = f
                .str()
                .map_err(fail)?
                .iter()
                .flatten()
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
        } else if !dt.is_null() {
            s.other = true;
        }
        out.insert(c.name().to_string(), s);
    }
    Ok(out)
}

/// Propose a mapping for a file from its column names and the value ranges of its first
/// [`SUGGEST_SAMPLE`] records (NDJSON/JSON) or rows (Parquet). Columns it cannot place are
/// listed in `_unmapped`. Deterministic: the same file gives the same mapping.
pub fn suggest_mapping(path: &Path) -> Result<Mapping> {
    let files = resolve_inputs(&[path.to_string_lossy().into_owned()])?;
    let file = files
        .first()
        .ok_or_else(|| EngineError::NoInput(path.display().to_string()))?;
    let samples = match file.format {
        FileFormat::Parquet => parquet_samples(&file.path)?,
        FileFormat::Ndjson | FileFormat::NdjsonGz => {
            let mut out = BTreeMap::new();
            let recs = super::vendor::sample(file, SUGGEST_SAMPLE)?;
            if !recs.iter().any(Value::is_object) {
                return Err(EngineError::file(&file.path, "no JSON object in the first records"));
            }
            for r in recs.iter().filter(|r| r.is_object()) {
                flatten("", r, &mut out);
            }
            out
        }
    };
    // Best candidate per target: lowest rank, then name.
    let mut best: BTreeMap<&'static str, (usize, String, ColumnMap)> = BTreeMap::new();
    for (name, s) in &samples {
        let Some((def, rank, hint)) = candidate(name) else {
            continue;
        };
        let Some(cm) = fit(def, hint, s) else {
            continue;
        };
        let better = best.get(def.name).is_none_or(|(r, n, _)| (rank, name) < (*r, n));
        if better {
            best.insert(def.name, (rank, name.clone(), cm));
        }
    }
    let columns: BTreeMap<String, ColumnMap> = best.into_values().map(|(_, n, cm)| (n, cm)).collect();
    let unmapped: BTreeSet<String> = samples.keys().filter(|k| !columns.contains_key(*k)).cloned().collect();
    let mut defaults = BTreeMap::new();
    if !columns.values().any(|c| c.to == "event_type") {
        defaults.insert("event_type".to_string(), Value::String("view".into()));
    }
    Ok(Mapping {
        columns,
        defaults,
        unmapped: unmapped.into_iter().collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Preview (the app's mapping dialog)

/// One input column with its first non-null values, as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnPreview {
    /// Input column name (a dotted path into nested JSON records), as in a [`Mapping`].
    pub name: String,
    pub samples: Vec<String>,
}

/// A canonical column a mapping can target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CanonicalColumn {
    pub name: String,
    /// Storage kind: dim, text, float, int, timestamp.
    pub kind: String,
    /// Unit (`ms`, `bytes`…; empty when unitless).
    pub unit: String,
    /// A duration in ms: a mapping may give its input `unit`.
    pub duration: bool,
}

/// Every canonical column, in schema order.
pub fn canonical_columns() -> Vec<CanonicalColumn> {
    COLUMNS
        .iter()
        .map(|d| CanonicalColumn {
            name: d.name.to_string(),
            kind: kind_name(d.kind).to_string(),
            unit: d.unit.to_string(),
            duration: is_duration(d),
        })
        .collect()
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Dim => "dim",
        Kind::Text => "text",
        Kind::Float => "float",
        Kind::Int => "int",
        Kind::Timestamp => "timestamp",
    }
}

/// Leaves of a JSON record as `(dotted name, text)`; nulls and empty strings give no text.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Option<String>)>) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            leaves(&name, x, out);
        }
        return;
    }
    let text = match v {
        Value::Null => None,
        Value::String(x) if x.is_empty() => None,
        Value::String(x) => Some(x.clone()),
        other => Some(other.to_string()),
    };
    out.push((prefix.to_string(), text));
}

/// Add `value` to the column `name` (created at the end when new), up to `n` samples.
fn push_sample(cols: &mut Vec<ColumnPreview>, name: String, value: Option<String>, n: usize) {
    let i = match cols.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            cols.push(ColumnPreview {
                name,
                samples: Vec::new(),
            });
            cols.len() - 1
        }
    };
    if let Some(v) = value {
        if cols[i].samples.len() < n {
            cols[i].samples.push(v);
        }
    }
}

fn parquet_preview(path: &Path, n: usize) -> Result<Vec<ColumnPreview>> {
    let fail = |e: PolarsError| EngineError::file(path, format!("cannot read Parquet: {e}"));
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| EngineError::file(path, e.to_string()))?;
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(false);
    let df = LazyFrame::scan_parquet(pl_path, args)
        .map_err(fail)?
        .limit(SUGGEST_SAMPLE as IdxSize)
        .collect()
        .map_err(fail)?;
    let mut out = Vec::with_capacity(df.width());
    for c in df.columns() {
        let samples: Vec<String> = match c.cast(&DataType::String) {
            Ok(s) => s
                .str()
                .map_err(fail)?
                .iter()
                .flatten()
                .filter(|x| !x.is_empty())
                .take(n)
                .map(str::to_string)
                .collect(),
            // Nested types: Polars' own rendering.
            Err(_) => c
                .as_materialized_series()
                .iter()
                .filter(|v| !v.is_null())
                .take(n)
                .map(|v| v.to_string())
                .collect(),
        };
        out.push(ColumnPreview {
            name: c.name().to_string(),
            samples,
        });
    }
    Ok(out)
}

/// The input columns of a file (the first one of a folder or glob) with their first `n`
/// non-null values as text, in file order: NDJSON/JSON from the records [`suggest_mapping`]
/// samples (nested objects as dotted names), Parquet from its first [`SUGGEST_SAMPLE`] rows.
pub fn preview(path: &Path, n: usize) -> Result<Vec<ColumnPreview>> {
    let files = resolve_inputs(&[path.to_string_lossy().into_owned()])?;
    let file = files
        .first()
        .ok_or_else(|| EngineError::NoInput(path.display().to_string()))?;
    match file.format {
        FileFormat::Parquet => parquet_preview(&file.path, n),
        FileFormat::Ndjson | FileFormat::NdjsonGz => {
            let recs = super::vendor::sample(file, SUGGEST_SAMPLE)?;
            if !recs.iter().any(Value::is_object) {
                return Err(EngineError::file(&file.path, "no JSON object in the first records"));
            }
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for r in recs.iter().filter(|r| r.is_object()) {
                vals.clear();
                leaves("", r, &mut vals);
                for (name, v) in vals.drain(..) {
                    push_sample(&mut cols, name, v, n);
                }
            }
            Ok(cols)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_matched_loosely() {
        let t = |n: &str| candidate(n).map(|(d, _, u)| (d.name, u));
        assert_eq!(t("userAgent"), Some(("user_agent", None)));
        assert_eq!(t("page_url"), Some(("url", None)));
        assert_eq!(t("Event-Time"), Some(("ts", None)));
        assert_eq!(t("lcp_s"), Some(("lcp_ms", Some(Unit::S))));
        assert_eq!(t("loadTimeMs"), Some(("load_ms", Some(Unit::Ms))));
        assert_eq!(t("context.page.href"), Some(("url", None)));
        assert_eq!(t("dom_complete_ms"), Some(("dom_complete_ms", None)));
        assert_eq!(t("zzz"), None);
    }

    #[test]
    fn units_from_ranges() {
        assert_eq!(duration_unit(&[1.2, 2.5, 3.1], None, "lcp_ms"), Unit::S);
        assert_eq!(duration_unit(&[1200.0, 2500.0], None, "lcp_ms"), Unit::Ms);
        assert_eq!(duration_unit(&[2.5e6], None, "lcp_ms"), Unit::Us);
        assert_eq!(duration_unit(&[2.5e9], None, "lcp_ms"), Unit::Ns);
        assert_eq!(epoch_format(1.79e9), TimeFormat::EpochS);
        assert_eq!(epoch_format(1.79e12), TimeFormat::EpochMs);
        assert_eq!(epoch_format(1.79e15), TimeFormat::EpochUs);
        assert_eq!(epoch_format(1.79e18), TimeFormat::EpochNs);
    }

    #[test]
    fn records_are_mapped_and_checked() {
        let m: Mapping = serde_json::from_value(json!({
            "columns": {"t": {"to": "ts", "time": "epoch_s"}, "lcp": {"to": "lcp_ms", "unit": "s"}},
            "defaults": {"event_type": "view"}
        }))
        .unwrap();
        let a = MappingAdapter::new(&m).unwrap();
        let mut out = Vec::new();
        let mut ctx = Context::default();
        a.convert(
            &json!({"t": 1_791_158_400, "lcp": 2.5, "url": "https://x/"}),
            &mut ctx,
            &mut out,
        )
        .unwrap();
        let row = &out[0].row;
        let get = |n: &str| row.cells[schema::index_of(n).unwrap()].clone();
        assert_eq!(get("ts"), Cell::I64(1_791_158_400_000));
        assert_eq!(get("lcp_ms"), Cell::F64(2500.0));
        assert_eq!(get("url"), Cell::Str("https://x/".into()));
        assert_eq!(get("event_type"), Cell::Str("view".into()));
        let err = a
            .convert(&json!({"t": 1_791_158_400, "lcp": -1}), &mut ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.0.as_deref(), Some("lcp"));
        let err = a
            .convert(&json!({"t": 1_791_158_400_000u64}), &mut ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.0.as_deref(), Some("t"));
        assert!(err.1.contains("epoch_s"), "{}", err.1);
    }
}
