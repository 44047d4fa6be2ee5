//! One canonical row assembled from several records of a file: a Datadog view and its
//! `view_update`s (partial documents, newest version per field), or the web-vitals metrics of
//! one page view. The state lives in the file's [`Context`], so it spans records, not files.
//!
//! Each record that contributes emits the merged row so far, marked for de-duplication under
//! the same key with the highest version seen so far; the framework keeps the last of them,
//! which holds every contribution.

use super::Context;
use crate::schema::{index_of, Cell, Kind, Row, COLUMNS};
use serde_json::{json, Value};

/// How `ts` combines across records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsRule {
    /// Like any other cell: the highest version wins (Datadog: `date` is the view start in
    /// every version).
    Version,
    /// The earliest time wins (a page view starts with its first report).
    Earliest,
}

fn to_json(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Str(s) => Value::String(s.clone()),
        Cell::F64(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Cell::I64(x) => Value::from(*x),
    }
}

fn from_json(kind: Kind, v: &Value) -> Cell {
    match (kind, v) {
        (_, Value::Null) => Cell::Null,
        (Kind::Dim | Kind::Text, Value::String(s)) => Cell::Str(s.clone()),
        (Kind::Float, Value::Number(n)) => n.as_f64().map_or(Cell::Null, Cell::F64),
        (Kind::Int | Kind::Timestamp, Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|x| x as i64))
            .map_or(Cell::Null, Cell::I64),
        _ => Cell::Null,
    }
}

/// Merge the non-null cells of `row`, set by a record of `version`, into the row kept under
/// `key`. A cell is replaced when `version` is at least the version that set it, so records may
/// arrive in any order; `ts` follows `ts_rule`. Returns the merged row and the highest version
/// seen for the key.
pub fn merge(ctx: &mut Context, key: &str, row: &Row, version: i64, ts_rule: TsRule) -> (Row, i64) {
    let ts_i = index_of("ts");
    let state = ctx
        .vars
        .entry(key.to_string())
        .or_insert_with(|| json!({"max": version, "cells": vec![Value::Null; COLUMNS.len()]}));
    let max = state["max"].as_i64().unwrap_or(version).max(version);
    state["max"] = Value::from(max);
    let Some(cells) = state["cells"].as_array_mut() else {
        return (row.clone(), max);
    };
    for (i, cell) in row.cells.iter().enumerate() {
        let new = to_json(cell);
        if new.is_null() {
            continue;
        }
        let replace = match &cells[i] {
            Value::Null => true,
            old if ts_rule == TsRule::Earliest && Some(i) == ts_i => {
                new.as_i64().unwrap_or(i64::MAX) < old[1].as_i64().unwrap_or(i64::MAX)
            }
            old => version >= old[0].as_i64().unwrap_or(i64::MIN),
        };
        if replace {
            cells[i] = json!([version, new]);
        }
    }
    let mut merged = Row::new();
    for (i, c) in cells.iter().enumerate() {
        if let Some(v) = c.get(1) {
            merged.cells[i] = from_json(COLUMNS[i].kind, v);
        }
    }
    (merged, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(r: &Row, name: &str) -> Cell {
        r.cells[index_of(name).unwrap()].clone()
    }

    #[test]
    fn newest_version_per_cell_in_any_order() {
        let mut ctx = Context::default();
        let mut full = Row::new();
        full.str("url", "https://a.test/")
            .f64("lcp_ms", 100.0)
            .i64("ts", 1_700_000_000_000);
        let mut update3 = Row::new();
        update3.f64("lcp_ms", 300.0);
        let mut update2 = Row::new();
        update2.f64("lcp_ms", 200.0).f64("cls", 0.2);

        let (_, v) = merge(&mut ctx, "k", &full, 1, TsRule::Version);
        assert_eq!(v, 1);
        let (_, v) = merge(&mut ctx, "k", &update3, 3, TsRule::Version);
        assert_eq!(v, 3);
        // An older update arriving late fills what is missing but does not override.
        let (m, v) = merge(&mut ctx, "k", &update2, 2, TsRule::Version);
        assert_eq!(v, 3);
        assert_eq!(cell(&m, "lcp_ms"), Cell::F64(300.0));
        assert_eq!(cell(&m, "cls"), Cell::F64(0.2));
        assert_eq!(cell(&m, "url"), Cell::Str("https://a.test/".into()));
        assert_eq!(cell(&m, "ts"), Cell::I64(1_700_000_000_000));
        // Another key is independent.
        let (other, _) = merge(&mut ctx, "j", &update3, 9, TsRule::Version);
        assert_eq!(cell(&other, "url"), Cell::Null);
    }

    #[test]
    fn earliest_time() {
        let mut ctx = Context::default();
        let mut a = Row::new();
        a.i64("ts", 2_000_000_000_000);
        let mut b = Row::new();
        b.i64("ts", 1_900_000_000_000);
        merge(&mut ctx, "k", &a, 1, TsRule::Earliest);
        let (m, _) = merge(&mut ctx, "k", &b, 2, TsRule::Earliest);
        assert_eq!(cell(&m, "ts"), Cell::I64(1_900_000_000_000));
        let (m, _) = merge(&mut ctx, "k", &a, 3, TsRule::Earliest);
        assert_eq!(cell(&m, "ts"), Cell::I64(1_900_000_000_000));
    }
}
