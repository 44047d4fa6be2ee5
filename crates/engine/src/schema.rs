//! The canonical event schema: one wide table, one row per event (DESIGN.md §2).
//!
//! Every importer produces exactly these columns, in this order, with these types.
//! Times are UTC `Datetime(ms)`, durations are milliseconds as `f64`, CLS is unitless.

use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Storage kind of a canonical column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Low-cardinality string used to segment (device, browser, release…).
    Dim,
    /// Free text (URLs, messages, stacks, ids).
    Text,
    /// Floating point measure (milliseconds unless the unit says otherwise).
    Float,
    /// Integer (status codes, pixels, bytes).
    Int,
    /// UTC timestamp, millisecond precision.
    Timestamp,
}

/// Where a column's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the input.
    Input,
    /// Derived during enrichment when the input does not carry it (input wins).
    Derived,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnDef {
    pub name: &'static str,
    pub kind: Kind,
    pub unit: &'static str,
    pub group: &'static str,
    pub origin: Origin,
    pub description: &'static str,
}

const fn c(
    name: &'static str,
    kind: Kind,
    unit: &'static str,
    group: &'static str,
    origin: Origin,
    description: &'static str,
) -> ColumnDef {
    ColumnDef {
        name,
        kind,
        unit,
        group,
        origin,
        description,
    }
}

use Kind::*;
use Origin::*;

/// All canonical columns, in table order.
#[rustfmt::skip]
pub static COLUMNS: &[ColumnDef] = &[
    c("event_type", Dim, "", "identity", Input, "view, error, resource, action, long_task or vital (required)"),
    c("ts", Timestamp, "UTC ms", "identity", Input, "event time; RFC 3339 string or epoch milliseconds in NDJSON (required)"),
    c("session_id", Text, "", "identity", Input, "session identifier"),
    c("view_id", Text, "", "identity", Input, "page view identifier; events of one page view share it"),
    c("source_format", Dim, "", "identity", Input, "format the event was imported from (canonical, datadog, …)"),
    c("url", Text, "", "page", Input, "full page URL"),
    c("page_group", Dim, "", "page", Derived, "normalised URL path: ids, UUIDs, hashes replaced by :id, :uuid, :hash; query dropped"),
    c("referrer", Text, "", "page", Input, "document referrer"),
    c("navigation_type", Dim, "", "page", Input, "navigate, reload, back_forward, prerender, restore"),
    c("app", Dim, "", "release", Input, "application name"),
    c("release", Dim, "", "release", Input, "application version"),
    c("environment", Dim, "", "release", Input, "prod, staging, …"),
    c("user_agent", Text, "", "context", Input, "User-Agent header"),
    c("device_type", Dim, "", "context", Derived, "desktop, mobile, tablet, bot or other"),
    c("browser", Dim, "", "context", Derived, "browser family (Chrome, Safari, Firefox, Edge, Samsung Internet…)"),
    c("browser_version", Dim, "", "context", Derived, "browser major version"),
    c("os", Dim, "", "context", Derived, "operating system family"),
    c("os_version", Dim, "", "context", Derived, "operating system major version"),
    c("screen_w", Int, "CSS px", "context", Input, "screen width"),
    c("screen_h", Int, "CSS px", "context", Input, "screen height"),
    c("country", Dim, "ISO 3166-1 alpha-2", "context", Input, "visitor country"),
    c("region", Dim, "", "context", Derived, "continent (UN M49) of the country"),
    c("subregion", Dim, "", "context", Derived, "UN M49 sub-region of the country"),
    c("connection_type", Dim, "", "context", Input, "wifi, cellular, ethernet, …"),
    c("effective_type", Dim, "", "context", Input, "Network Information effectiveType: slow-2g, 2g, 3g, 4g"),
    c("rtt_ms", Float, "ms", "context", Input, "estimated round-trip time"),
    c("downlink_mbps", Float, "Mbit/s", "context", Input, "estimated downlink bandwidth"),
    c("ttfb_ms", Float, "ms", "view timings", Input, "Time to First Byte"),
    c("fcp_ms", Float, "ms", "view timings", Input, "First Contentful Paint"),
    c("lcp_ms", Float, "ms", "view timings", Input, "Largest Contentful Paint"),
    c("inp_ms", Float, "ms", "view timings", Input, "Interaction to Next Paint"),
    c("cls", Float, "unitless", "view timings", Input, "Cumulative Layout Shift"),
    c("load_ms", Float, "ms", "view timings", Input, "load event end"),
    c("dom_interactive_ms", Float, "ms", "view timings", Input, "DOM interactive"),
    c("dom_complete_ms", Float, "ms", "view timings", Input, "DOM complete"),
    c("resource_url", Text, "", "resource", Input, "URL of the resource or API call"),
    c("resource_type", Dim, "", "resource", Input, "xhr, fetch, script, css, image, font, document, other"),
    c("method", Dim, "", "resource", Input, "HTTP method"),
    c("status_code", Int, "", "resource", Input, "HTTP status; 0 = network error / timeout / aborted"),
    c("duration_ms", Float, "ms", "resource", Input, "duration of the resource, API call, long task or action"),
    c("transfer_bytes", Int, "bytes", "resource", Input, "bytes transferred"),
    c("error_type", Dim, "", "error", Input, "error class (TypeError, …)"),
    c("error_message", Text, "", "error", Input, "error message"),
    c("error_source", Dim, "", "error", Input, "source, console, network, …"),
    c("error_stack", Text, "", "error", Input, "stack trace"),
    c("fingerprint", Text, "", "error", Derived, "error type + normalised message + top stack frame"),
    c("action_type", Dim, "", "action", Input, "click, tap, scroll, input, …"),
    c("target", Text, "", "action", Input, "selector or name of the action target"),
    c("x", Int, "CSS px", "action", Input, "pointer x"),
    c("y", Int, "CSS px", "action", Input, "pointer y"),
    c("frustration", Dim, "", "action", Input, "rage, dead, error (comma-separated when several)"),
];

/// Columns an input must contain.
pub const REQUIRED: &[&str] = &["event_type", "ts"];

/// Known event types.
pub const EVENT_TYPES: &[&str] = &["view", "error", "resource", "action", "long_task", "vital"];

/// Index of a column by name.
pub fn index_of(name: &str) -> Option<usize> {
    static MAP: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    MAP.get_or_init(|| COLUMNS.iter().enumerate().map(|(i, c)| (c.name, i)).collect())
        .get(name)
        .copied()
}

pub fn column(name: &str) -> Option<&'static ColumnDef> {
    index_of(name).map(|i| &COLUMNS[i])
}

/// The Polars dtype of a kind.
pub fn dtype(kind: Kind) -> DataType {
    match kind {
        Dim | Text => DataType::String,
        Float => DataType::Float64,
        Int => DataType::Int64,
        Timestamp => DataType::Datetime(TimeUnit::Milliseconds, None),
    }
}

/// The full canonical Polars schema.
pub fn polars_schema() -> Schema {
    COLUMNS
        .iter()
        .map(|c| Field::new(c.name.into(), dtype(c.kind)))
        .collect()
}

/// Dimensions: the columns one can segment and filter by with equality.
pub fn dimensions() -> impl Iterator<Item = &'static ColumnDef> {
    COLUMNS.iter().filter(|c| c.kind == Dim)
}

pub fn is_dimension(name: &str) -> bool {
    column(name).is_some_and(|c| c.kind == Dim)
}

/// Numeric columns one can compute a distribution of.
pub fn metrics() -> impl Iterator<Item = &'static ColumnDef> {
    COLUMNS.iter().filter(|c| matches!(c.kind, Float | Int))
}

/// Short metric names accepted on the command line.
pub fn resolve_metric(name: &str) -> Option<&'static ColumnDef> {
    let full = match name {
        "lcp" | "fcp" | "inp" | "ttfb" | "load" | "rtt" | "duration" | "dom_interactive" | "dom_complete" => {
            format!("{name}_ms")
        }
        "downlink" => "downlink_mbps".to_string(),
        other => other.to_string(),
    };
    column(&full).filter(|c| matches!(c.kind, Float | Int))
}

/// Core Web Vitals thresholds (web-vitals library): good ≤ `good`, poor > `poor`.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Thresholds {
    pub good: f64,
    pub poor: f64,
}

pub fn cwv_thresholds(column: &str) -> Option<Thresholds> {
    let (good, poor) = match column {
        "lcp_ms" => (2500.0, 4000.0),
        "inp_ms" => (200.0, 500.0),
        "cls" => (0.1, 0.25),
        "fcp_ms" => (1800.0, 3000.0),
        "ttfb_ms" => (800.0, 1800.0),
        _ => return None,
    };
    Some(Thresholds { good, poor })
}

/// One value of a row being built by an importer or the generator.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Str(String),
    F64(f64),
    I64(i64),
}

/// Columnar builder for canonical rows.
pub struct Builder {
    cols: Vec<ColBuf>,
    len: usize,
}

enum ColBuf {
    Str(Vec<Option<String>>),
    F64(Vec<Option<f64>>),
    I64(Vec<Option<i64>>),
}

/// A row under construction: one cell per canonical column.
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Cell>,
}

impl Default for Row {
    fn default() -> Self {
        Self::new()
    }
}

impl Row {
    pub fn new() -> Self {
        Row {
            cells: vec![Cell::Null; COLUMNS.len()],
        }
    }
    /// Set a column by name. Unknown names are a programming error (debug assertion).
    pub fn set(&mut self, name: &str, cell: Cell) -> &mut Self {
        match index_of(name) {
            Some(i) => self.cells[i] = cell,
            None => debug_assert!(false, "unknown canonical column {name}"),
        }
        self
    }
    pub fn str(&mut self, name: &str, v: impl Into<String>) -> &mut Self {
        self.set(name, Cell::Str(v.into()))
    }
    pub fn f64(&mut self, name: &str, v: f64) -> &mut Self {
        self.set(name, Cell::F64(v))
    }
    pub fn i64(&mut self, name: &str, v: i64) -> &mut Self {
        self.set(name, Cell::I64(v))
    }
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Self {
        let cols = COLUMNS
            .iter()
            .map(|c| match c.kind {
                Dim | Text => ColBuf::Str(Vec::new()),
                Float => ColBuf::F64(Vec::new()),
                Int | Timestamp => ColBuf::I64(Vec::new()),
            })
            .collect();
        Builder { cols, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Append a row. Cells whose type does not match the column are stored as null;
    /// importers validate before pushing.
    pub fn push(&mut self, row: Row) {
        for (buf, cell) in self.cols.iter_mut().zip(row.cells) {
            match (buf, cell) {
                (ColBuf::Str(v), Cell::Str(s)) => v.push(Some(s)),
                (ColBuf::Str(v), _) => v.push(None),
                (ColBuf::F64(v), Cell::F64(x)) => v.push(Some(x)),
                (ColBuf::F64(v), Cell::I64(x)) => v.push(Some(x as f64)),
                (ColBuf::F64(v), _) => v.push(None),
                (ColBuf::I64(v), Cell::I64(x)) => v.push(Some(x)),
                (ColBuf::I64(v), _) => v.push(None),
            }
        }
        self.len += 1;
    }

    /// Finish into a canonical DataFrame.
    pub fn finish(self) -> PolarsResult<DataFrame> {
        let columns = self
            .cols
            .into_iter()
            .zip(COLUMNS)
            .map(|(buf, def)| {
                let name: PlSmallStr = def.name.into();
                let s = match buf {
                    ColBuf::Str(v) => Series::new(name, v),
                    ColBuf::F64(v) => Series::new(name, v),
                    ColBuf::I64(v) => {
                        let s = Series::new(name, v);
                        if def.kind == Timestamp {
                            s.cast(&dtype(Timestamp))?
                        } else {
                            s
                        }
                    }
                };
                Ok(s.into_column())
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        DataFrame::new(self.len, columns)
    }
}

/// The schema as a Markdown table (docs/schema.md is generated from this and checked by a test).
pub fn markdown() -> String {
    let mut s = String::from(
        "# Canonical event schema\n\n\
         One wide table, one row per event; absent values are null. Generated from\n\
         `crates/engine/src/schema.rs` (a test fails when this file is stale; regenerate with\n\
         `UPDATE_DOCS=1 cargo test -p rumlens-engine --test docs`).\n\n\
         - Times are UTC, millisecond precision (`Datetime(ms)`). In NDJSON `ts` is an RFC 3339 string\n  \
         or epoch **milliseconds** (a number); epoch seconds are rejected with a hint.\n\
         - Durations are milliseconds as `f64`; CLS is unitless.\n\
         - Required columns: `event_type`, `ts`. Event types: view, error, resource, action, long_task, vital.\n\
         - *derived* columns are filled by enrichment when the input leaves them empty; values present in the\n  \
         input win.\n\
         - Validation. NDJSON: a line that is not a JSON object, has a value of the wrong type (numbers given as\n  \
         strings included), a negative or non-finite measure, a missing or unknown `event_type`, or a `ts`\n  \
         outside 2000–2100 is rejected whole, with file, line, field and reason; other lines are kept.\n  \
         Parquet: a row with a missing or unknown `event_type` or a `ts` outside 2000–2100 is rejected the same\n  \
         way (line = row number); a negative or non-finite measure is set to null and counted by `summary`\n  \
         (`invalid_values`); a file without `event_type`/`ts` or with a non-numeric measure column is an error.\n\
         - Parquet that rumlens wrote from a dataset (`rumlens convert`/`export`) carries the footer key\n  \
         `rumlens.enriched`: its rows passed these checks and enrichment was applied, so opening it again\n  \
         skips both. Plain writes (`rumlens gen`) carry no marker.\n\
         - In memory (the app) the events are held per event type, each part without the columns it has\n  \
         no values for; strings are Polars categoricals (u8/u16/u32 ids by distinct count), except text no\n  \
         analysis groups by (`view_id`, `referrer`, `user_agent`, `error_stack`, `target`): ids into one\n  \
         copy of each distinct string, read back as strings. A measure whose every value is k / 10^d\n  \
         (k ≥ 0, d ≤ 4: timings to 0.1 ms, rtt in 25 ms steps) is held as k in 1, 2 or 4 bytes and read\n  \
         back as the same f64; integers are u8/u16 within 0–65535, else i32 where every value fits.\n  \
         Exports restore the types above.\n\n\
         | column | type | unit | group | origin | description |\n|---|---|---|---|---|---|\n",
    );
    for c in COLUMNS {
        let ty = match c.kind {
            Dim => "string (dimension)",
            Text => "string",
            Float => "f64",
            Int => "i64",
            Timestamp => "datetime(ms, UTC)",
        };
        let origin = match c.origin {
            Input => "input",
            Derived => "derived",
        };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            c.name, ty, c.unit, c.group, origin, c.description
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_indexed() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(index_of(c.name), Some(i), "{}", c.name);
        }
        assert_eq!(polars_schema().len(), COLUMNS.len());
    }

    #[test]
    fn builder_makes_canonical_frame() {
        let mut b = Builder::new();
        let mut r = Row::new();
        r.str("event_type", "view")
            .i64("ts", 1_700_000_000_000)
            .f64("lcp_ms", 1234.5);
        b.push(r);
        let df = b.finish().unwrap();
        assert_eq!(df.height(), 1);
        assert_eq!(df.schema().as_ref(), &polars_schema());
    }

    #[test]
    fn metric_aliases() {
        assert_eq!(resolve_metric("lcp").unwrap().name, "lcp_ms");
        assert_eq!(resolve_metric("cls").unwrap().name, "cls");
        assert!(resolve_metric("browser").is_none());
    }
}
