//! Column mapping for exports whose columns are not canonical: a JSON file naming, per source
//! column, the canonical column it holds, its duration unit and its timestamp format, applied
//! at import (NDJSON/JSON record by record through [`MappingAdapter`], Parquet lazily with
//! Polars expressions before the canonical conform). [`suggest_mapping`] proposes one from a
//! file's column names and value ranges. See docs/formats.md, "Column mapping".
mod adapter;
mod parquet;
mod preview;
mod suggest;

pub use adapter::MappingAdapter;
pub(crate) use parquet::apply_lazy;
pub use preview::{canonical_columns, preview, CanonicalColumn, ColumnPreview};
pub use suggest::suggest_mapping;

use crate::error::{EngineError, Result};
use crate::import::adapters::util;
use crate::schema::{self, Cell, ColumnDef, Kind, COLUMNS, EVENT_TYPES, REQUIRED};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
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

/// Calls `f(dotted name, value)` for every leaf of a JSON record: objects are walked (nested
/// keys joined with `.`), anything else is a leaf.
fn for_each_leaf(prefix: &str, v: &Value, f: &mut dyn FnMut(&str, &Value)) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            for_each_leaf(&name, x, f);
        }
        return;
    }
    f(prefix, v);
}

#[cfg(test)]
mod tests {
    use super::suggest::*;
    use super::*;
    use crate::import::adapters::{Adapter, Context};
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
