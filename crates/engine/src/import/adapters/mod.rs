//! Vendor export formats mapped to the canonical schema. Each adapter turns one record (a JSON
//! line, an element of a JSON document, or a text line) into canonical rows, normalising units
//! (DESIGN.md §2: timestamps epoch ms, durations ms) and marking rows for de-duplication.
//! See docs/formats.md for every mapping.

pub mod boomerang;
pub mod datadog;
pub mod elastic;
pub mod faro;
pub mod merge;
pub mod otel;
pub mod util;
pub mod webvitals;

use crate::schema::Row;
use serde_json::Value;

/// A record that cannot be interpreted: offending field (if one) and reason.
pub type RecordError = (Option<String>, String);

/// Keep one row per `key`: the highest `version`; on a tie the later record.
#[derive(Debug, Clone, PartialEq)]
pub struct Dedup {
    pub key: String,
    pub version: i64,
}

/// A canonical row from an adapter.
#[derive(Debug, Clone)]
pub struct Converted {
    pub row: Row,
    pub dedup: Option<Dedup>,
}

impl Converted {
    pub fn new(row: Row) -> Self {
        Converted { row, dedup: None }
    }
    pub fn dedup(mut self, key: impl Into<String>, version: i64) -> Self {
        self.dedup = Some(Dedup {
            key: key.into(),
            version,
        });
        self
    }
}

/// State carried from record to record within one file (e.g. Elastic's metadata line).
#[derive(Debug, Default)]
pub struct Context {
    pub vars: serde_json::Map<String, Value>,
    /// 1-based number of the record being converted.
    pub record: u64,
}

pub trait Adapter: Sync {
    /// Short name for `--input-format` and `source_format` (e.g. `datadog`).
    fn name(&self) -> &'static str;
    /// Human name (e.g. "Datadog RUM").
    fn title(&self) -> &'static str;
    /// One line for `rumlens formats`: what files this reads.
    fn description(&self) -> &'static str;
    /// Whether the first records look like this format, with the reason shown to the user
    /// (e.g. "found `_dd.format_version` and `type`").
    fn detect(&self, records: &[Value]) -> Option<String>;
    /// A file that is one JSON document, split into records. Default: array elements, or the
    /// document itself.
    fn split(&self, doc: Value) -> Vec<Value> {
        match doc {
            Value::Array(items) => items,
            other => vec![other],
        }
    }
    /// Convert one record (a text line that is not JSON arrives as `Value::String`).
    fn convert(&self, record: &Value, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError>;
}

/// Every vendor adapter, in detection order.
pub fn all() -> Vec<&'static dyn Adapter> {
    vec![
        &datadog::Datadog,
        &elastic::Elastic,
        &faro::Faro,
        &otel::Otel,
        &boomerang::Boomerang,
        &webvitals::WebVitals,
    ]
}

pub fn by_name(name: &str) -> Option<&'static dyn Adapter> {
    all().into_iter().find(|a| a.name() == name)
}

/// The adapter whose `detect` accepts the records first, with its reason.
pub fn detect(records: &[Value]) -> Option<(&'static dyn Adapter, String)> {
    all().into_iter().find_map(|a| a.detect(records).map(|why| (a, why)))
}

/// Keep the winning row of every de-duplication key, in first-appearance order.
pub fn dedup(rows: Vec<Converted>) -> Vec<Row> {
    use std::collections::HashMap;
    let mut best: HashMap<String, (usize, i64)> = HashMap::new();
    for (i, c) in rows.iter().enumerate() {
        if let Some(d) = &c.dedup {
            match best.get(&d.key) {
                Some((_, v)) if *v > d.version => {}
                _ => {
                    best.insert(d.key.clone(), (i, d.version));
                }
            }
        }
    }
    rows.into_iter()
        .enumerate()
        .filter(|(i, c)| match &c.dedup {
            None => true,
            Some(d) => best.get(&d.key).is_some_and(|(w, _)| w == i),
        })
        .map(|(_, c)| c.row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_version_wins_then_latest() {
        let row = |x: f64| {
            let mut r = Row::new();
            r.f64("lcp_ms", x);
            r
        };
        let rows = vec![
            Converted::new(row(1.0)).dedup("v1", 1),
            Converted::new(row(2.0)).dedup("v1", 3),
            Converted::new(row(3.0)).dedup("v1", 2),
            Converted::new(row(4.0)),
            Converted::new(row(5.0)).dedup("w", 0),
            Converted::new(row(6.0)).dedup("w", 0),
        ];
        let kept: Vec<crate::schema::Cell> = dedup(rows)
            .into_iter()
            .map(|r| r.cells[crate::schema::index_of("lcp_ms").unwrap()].clone())
            .collect();
        use crate::schema::Cell::F64;
        assert_eq!(kept, vec![F64(2.0), F64(4.0), F64(6.0)]);
    }
}
