//! The in-memory form of a dataset (`Dataset::materialize`).
//!
//! Events are split by event type and each part keeps only the columns it has values for: a
//! view has timings but no resource, error or action fields, a resource has no timings, and a
//! wide table spends 8 bytes a row on every one of those nulls. Within a part:
//! - strings are categoricals with the narrowest physical type their distinct count allows
//!   (u8 for device, browser, country…; u32 for session and view ids);
//! - integers are narrowed to i32 when every value fits;
//! - a column holding one value on every row (the part's event type, a single app or
//!   environment) is kept as that value, not as a column.
//!
//! The parts are built by the streaming engine in batches, so the peak is the compact result
//! plus a few batches of strings, never the whole table as strings. Analyses that know their
//! event type ([`Store::lazy`] with `types`) read only those parts.

use crate::error::Result;
use crate::schema::{Kind, COLUMNS};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes a materialized event takes, for estimates before loading: measured on generated
/// data (`bench/run.sh --events 10000000` prints it; docs/benchmarks.md), rounded up.
pub const BYTES_PER_EVENT: u64 = 120;

/// Rows per batch handed over by the streaming engine.
const BATCH_ROWS: usize = 128 * 1024;
/// Narrow a categorical to u8 / u16 below these counts, leaving room for values a filter adds.
const U8_CATS: usize = 128;
const U16_CATS: usize = 32 * 1024;

#[derive(Clone)]
pub(crate) struct Store {
    parts: Vec<Part>,
    /// In-memory dtype of every canonical column, in `COLUMNS` order.
    dtypes: Vec<DataType>,
}

#[derive(Clone)]
struct Part {
    event_type: String,
    /// Columns with values, in canonical order.
    df: DataFrame,
    /// Columns holding one value on every row: name and literal expression (aliased).
    consts: Vec<(String, Expr)>,
}

fn is_string(kind: Kind) -> bool {
    matches!(kind, Kind::Dim | Kind::Text)
}

/// A namespace no other load shares, so each dataset's categories start empty and dense.
fn fresh_namespace() -> PlSmallStr {
    static N: AtomicU64 = AtomicU64::new(0);
    format!("rumlens-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)).into()
}

fn categorical(name: &str, namespace: &PlSmallStr, physical: CategoricalPhysical) -> DataType {
    DataType::from_categories(Categories::new(name.into(), namespace.clone(), physical))
}

impl Store {
    /// Collect the canonical (enriched) frame `lf` into parts.
    pub fn build(lf: LazyFrame) -> Result<Store> {
        let namespace = fresh_namespace();
        let wide: Vec<DataType> = COLUMNS
            .iter()
            .map(|c| match c.kind {
                k if is_string(k) && c.name != "event_type" => {
                    categorical(c.name, &namespace, CategoricalPhysical::U32)
                }
                k => crate::schema::dtype(k),
            })
            .collect();
        let casts: Vec<Expr> = COLUMNS
            .iter()
            .zip(&wide)
            .map(|(c, dt)| col(c.name).strict_cast(dt.clone()))
            .collect();
        let acc: Arc<Mutex<BTreeMap<String, Vec<DataFrame>>>> = Arc::default();
        let sink = acc.clone();
        // Memory: the batches arrive already compact; the streaming engine holds the row groups
        // it is decoding (see `configure_polars`).
        lf.select(casts)
            .sink_batches(
                PlanCallback::new(move |df: DataFrame| {
                    split_batch(df, &sink)?;
                    Ok(false)
                }),
                true,
                NonZeroUsize::new(BATCH_ROWS),
            )?
            .collect_with_engine(Engine::Streaming)?;
        let batches = std::mem::take(&mut *acc.lock().map_err(|_| poisoned())?);

        // Concatenate each part's batches column by column (a column a batch dropped as all
        // null comes back as nulls), one chunk per column; columns null in the whole part go.
        let mut parts: Vec<(String, Vec<Column>)> = Vec::new();
        for (event_type, dfs) in batches {
            // Columns are taken out of the batches one at a time, so the batches' memory goes
            // as the part's columns are built (never both in full).
            let heights: Vec<usize> = dfs.iter().map(DataFrame::height).collect();
            let height: usize = heights.iter().sum();
            let mut pieces: Vec<Vec<Column>> = dfs.into_iter().map(DataFrame::into_columns).collect();
            let mut cols = Vec::new();
            for (def, dt) in COLUMNS.iter().zip(&wide) {
                let mut acc: Option<Column> = None;
                let mut any = false;
                for (batch, h) in pieces.iter_mut().zip(&heights) {
                    let piece = match batch.iter().position(|c| c.name() == def.name) {
                        Some(k) => {
                            any = true;
                            batch.swap_remove(k)
                        }
                        None => Column::full_null(def.name.into(), *h, dt),
                    };
                    match acc.as_mut() {
                        Some(a) => {
                            a.append_owned(piece)?;
                        }
                        None => acc = Some(piece),
                    }
                }
                if let Some(c) = acc.filter(|c| any && c.null_count() < height) {
                    cols.push(c.rechunk());
                }
            }
            parts.push((event_type, cols));
        }

        // Narrow each column the same way in every part (the parts are concatenated).
        let mut dtypes = wide;
        for (i, def) in COLUMNS.iter().enumerate() {
            let present = || {
                parts
                    .iter()
                    .flat_map(|(_, cols)| cols.iter().filter(|c| c.name() == def.name))
            };
            let narrow = match def.kind {
                Kind::Int => narrow_int(present())?,
                k if is_string(k) && def.name != "event_type" => narrow_categorical(def.name, &dtypes[i])?,
                _ => None,
            };
            if let Some(dt) = narrow {
                for (_, cols) in parts.iter_mut() {
                    for c in cols.iter_mut().filter(|c| c.name() == def.name) {
                        *c = recast(c, &dt)?;
                    }
                }
                dtypes[i] = dt;
            }
        }
        // The event type is a literal of each part, from one small categorical.
        let et = schema_index("event_type");
        dtypes[et] = categorical("event_type", &namespace, CategoricalPhysical::U8);

        let mut out = Vec::with_capacity(parts.len());
        for (event_type, cols) in parts {
            let height = cols.first().map_or(0, Column::len);
            let et_value = lit(event_type.clone())
                .strict_cast(dtypes[et].clone())
                .alias("event_type");
            let mut consts = vec![("event_type".to_string(), et_value)];
            let mut kept = Vec::with_capacity(cols.len());
            for c in cols.into_iter().filter(|c| c.name() != "event_type") {
                match constant(&c)? {
                    Some(e) => consts.push((c.name().to_string(), e)),
                    None => kept.push(c),
                }
            }
            let df = if kept.is_empty() {
                // Every column constant: keep the row count with a tiny column.
                DataFrame::new(
                    height,
                    vec![Column::new_scalar("_rows".into(), Scalar::from(0u8), height)],
                )?
            } else {
                DataFrame::new(height, kept)?
            };
            out.push(Part { event_type, df, consts });
        }
        Ok(Store { parts: out, dtypes })
    }

    /// The canonical columns (in-memory dtypes) of the parts of `types` (all when `None`).
    pub fn lazy(&self, types: Option<&[&str]>) -> LazyFrame {
        let frames: Vec<LazyFrame> = self
            .parts
            .iter()
            .filter(|p| types.is_none_or(|t| t.contains(&p.event_type.as_str())))
            .map(|p| self.part_lazy(p))
            .collect();
        let args = UnionArgs {
            parallel: true,
            rechunk: false,
            ..Default::default()
        };
        match frames.len() {
            1 => frames.into_iter().next().unwrap_or_default(),
            // `concat` fails only on an empty list: no part of these types, no rows.
            _ => concat(frames, args).unwrap_or_else(|_| DataFrame::empty_with_schema(&self.schema()).lazy()),
        }
    }

    fn schema(&self) -> Schema {
        COLUMNS
            .iter()
            .zip(&self.dtypes)
            .map(|(c, dt)| Field::new(c.name.into(), dt.clone()))
            .collect()
    }

    fn part_lazy(&self, p: &Part) -> LazyFrame {
        let mut add: Vec<Expr> = p.consts.iter().map(|(_, e)| e.clone()).collect();
        for (c, dt) in COLUMNS.iter().zip(&self.dtypes) {
            let stored = p.df.get_column_index(c.name).is_some();
            if !stored && !p.consts.iter().any(|(n, _)| n == c.name) {
                add.push(lit(NULL).cast(dt.clone()).alias(c.name));
            }
        }
        let order: Vec<Expr> = COLUMNS.iter().map(|c| col(c.name)).collect();
        p.df.clone().lazy().with_columns(add).select(order)
    }

    /// Bytes held by the parts.
    pub fn bytes(&self) -> usize {
        self.parts.iter().map(|p| p.df.estimated_size()).sum()
    }

    /// Rows per event type.
    pub fn rows(&self) -> Vec<(String, usize)> {
        self.parts
            .iter()
            .map(|p| (p.event_type.clone(), p.df.height()))
            .collect()
    }
}

fn schema_index(name: &str) -> usize {
    crate::schema::index_of(name).unwrap_or(0)
}

fn poisoned() -> PolarsError {
    PolarsError::ComputeError("a batch collector panicked".into())
}

/// Route the rows of one batch to their event type's part.
fn split_batch(df: DataFrame, acc: &Mutex<BTreeMap<String, Vec<DataFrame>>>) -> PolarsResult<()> {
    let types = df.column("event_type")?.str()?.clone();
    let mut distinct: Vec<&str> = types.iter().flatten().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut split = Vec::with_capacity(distinct.len());
    if distinct.len() == 1 && types.null_count() == 0 {
        split.push((distinct[0].to_string(), df));
    } else {
        for t in distinct {
            let mask = types.equal(t);
            split.push((t.to_string(), df.filter(&mask)?));
        }
    }
    // Columns without a value in this batch are not kept (a view has no resource fields…).
    let split: Vec<(String, DataFrame)> = split
        .into_iter()
        .map(|(t, part)| {
            let height = part.height();
            let keep: Vec<Column> = part
                .into_columns()
                .into_iter()
                .filter(|c| c.name() == "event_type" || c.null_count() < height)
                .collect();
            DataFrame::new(height, keep).map(|d| (t, d))
        })
        .collect::<PolarsResult<_>>()?;
    let mut acc = acc.lock().map_err(|_| poisoned())?;
    for (t, part) in split {
        acc.entry(t).or_default().push(part);
    }
    Ok(())
}

/// Int32 when every value of every part fits.
fn narrow_int<'a>(cols: impl Iterator<Item = &'a Column>) -> Result<Option<DataType>> {
    for c in cols {
        let s = c.as_materialized_series();
        let ca = s.i64()?;
        let fits = |v: Option<i64>| v.is_none_or(|v| i32::try_from(v).is_ok());
        if !(fits(ca.min()) && fits(ca.max())) {
            return Ok(None);
        }
    }
    Ok(Some(DataType::Int32))
}

/// A u8 / u16 categorical when the column has few distinct values. The new categories take
/// the old ones in id order, so the ids stay the same.
fn narrow_categorical(name: &str, wide: &DataType) -> Result<Option<DataType>> {
    let DataType::Categorical(cats, mapping) = wide else {
        return Ok(None);
    };
    let n = mapping.num_cats_upper_bound();
    let physical = match n {
        n if n <= U8_CATS => CategoricalPhysical::U8,
        n if n <= U16_CATS => CategoricalPhysical::U16,
        _ => return Ok(None),
    };
    let narrow = Categories::new(name.into(), format!("{}-narrow", cats.namespace()).into(), physical);
    let new_map = narrow.mapping();
    for id in 0..n {
        let Some(s) = mapping.cat_to_str(id as CatSize) else {
            return Ok(None);
        };
        if new_map.insert_cat(s)? as usize != id {
            return Ok(None);
        }
    }
    Ok(Some(DataType::from_categories(narrow)))
}

/// Re-type a column: integers by a cast; categoricals by re-labelling their ids (same ids).
fn recast(c: &Column, to: &DataType) -> Result<Column> {
    if !to.is_categorical() {
        return Ok(c.cast(to)?);
    }
    let s = c.as_materialized_series();
    let phys = s.to_physical_repr();
    let ids = phys.cast(&DataType::from(to.cat_physical()?))?;
    Ok(Series::from_cats_and_dtype(&ids, to, true)?.into())
}

/// The column as a literal when it holds one non-null value on every row.
fn constant(c: &Column) -> Result<Option<Expr>> {
    if c.null_count() > 0 || c.is_empty() {
        return Ok(None);
    }
    let s = c.as_materialized_series();
    let phys = s.to_physical_repr();
    if phys.dtype().is_float() {
        let f = phys.cast(&DataType::Float64)?;
        let ca = f.f64()?;
        if ca.is_nan().any() || ca.min() != ca.max() {
            return Ok(None);
        }
    } else {
        let p = phys.cast(&DataType::Int64)?;
        let ca = p.i64()?;
        if ca.min() != ca.max() {
            return Ok(None);
        }
    }
    let value = s.get(0)?.into_static();
    Ok(Some(lit(Scalar::new(s.dtype().clone(), value)).alias(c.name().clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{generate, GenOptions};

    /// The store's frame equals the wide frame (strings compared as text, rows sorted).
    #[test]
    fn store_round_trips_the_frame() -> Result<()> {
        let raw = generate(&GenOptions { sessions: 300, seed: 7 })?;
        let mut wide = crate::Dataset::from_frame(raw)?.collect()?;
        // An integer beyond i32 keeps its column wide; 300 distinct values need u16 ids.
        let n = wide.height();
        let bytes: Vec<Option<i64>> = (0..n).map(|i| (i == 3).then_some(1i64 << 40)).collect();
        wide.replace("transfer_bytes", Column::new("transfer_bytes".into(), bytes))?;
        let rel: Vec<String> = (0..n).map(|i| format!("r{}", i % 300)).collect();
        wide.replace("release", Column::new("release".into(), rel))?;
        let store = Store::build(wide.clone().lazy())?;
        let dt = |name: &str| store.dtypes[schema_index(name)].clone();
        assert_eq!(dt("transfer_bytes"), DataType::Int64);
        assert_eq!(dt("screen_w"), DataType::Int32);
        assert_eq!(dt("release").cat_physical()?, CategoricalPhysical::U16);
        assert_eq!(dt("device_type").cat_physical()?, CategoricalPhysical::U8);
        let store = Store::build(wide.clone().lazy())?;
        let back = canonical_sorted(store.lazy(None))?;
        let want = canonical_sorted(wide.lazy())?;
        assert_eq!(back.height(), want.height());
        assert!(back.equals_missing(&want), "store differs from its input");
        // A count over every part (Polars rewrites `select(len())` over a union as a u128 sum).
        let all = store.lazy(None).select([len()]).collect()?;
        assert_eq!(
            all.column("len")?.cast(&DataType::UInt64)?.u64()?.get(0),
            Some(n as u64)
        );
        // A type without events: no rows, every column.
        let none = store.lazy(Some(&["vital"])).collect()?;
        assert_eq!((none.height(), none.width()), (0, COLUMNS.len()));
        // Views only: the view part alone.
        let views = store.lazy(Some(&["view"])).select([len()]).collect()?;
        let want_views = want
            .clone()
            .lazy()
            .filter(col("event_type").eq(lit("view")))
            .select([len()])
            .collect()?;
        assert!(views.equals(&want_views));
        Ok(())
    }

    fn canonical_sorted(lf: LazyFrame) -> Result<DataFrame> {
        let casts: Vec<Expr> = COLUMNS
            .iter()
            .map(|c| col(c.name).cast(crate::schema::dtype(c.kind)))
            .collect();
        Ok(lf
            .select(casts)
            .sort(
                COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>(),
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .collect()?)
    }
}
