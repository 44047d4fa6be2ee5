//! The in-memory form of a dataset (`Dataset::materialize`).
//!
//! Events are split by event type and each part keeps only the columns it has values for: a
//! view has timings but no resource, error or action fields, a resource has no timings, and a
//! wide table spends 8 bytes a row on every one of those nulls. Within a part:
//! - strings are categoricals with the narrowest physical type their distinct count allows
//!   (u8 for device, browser, country…; u32 for session ids); text no analysis groups by
//!   (view ids, referrers, user agents, stacks, targets) is ids into one copy of each distinct
//!   string, decoded when a query reads it (`text`);
//! - integers are narrowed to i32 when every value fits;
//! - a column holding one value on every row (the part's event type, a single app or
//!   environment) is kept as that value, not as a column.
//!
//! [`Store::build`] reads the events once on the streaming engine; each batch becomes compact
//! pieces as it arrives (`collect`), so the rows never exist as strings all together. The
//! enrichment (`enrich`) is then computed per distinct value on the category ids and filled in
//! while the parts are assembled: no scans for distinct values, no joins. Analyses that know
//! their event type ([`Store::lazy`] with `types`) read only those parts.

mod assemble;
mod collect;
mod enrich;
mod numeric;
mod text;

pub(crate) use collect::{encode_with, NO_ID};

use crate::enrich::EnrichOptions;
use crate::error::Result;
use crate::schema::{Kind, COLUMNS};
use collect::{Collector, Dict, Piece};
use polars::prelude::*;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use text::TextDict;

/// Bytes a materialized event takes, for estimates before loading: measured on generated
/// data (`bench/run.sh --events 10000000` prints it; docs/benchmarks.md), rounded up.
pub const BYTES_PER_EVENT: u64 = 90;

/// Rows per batch handed over by the streaming engine.
const BATCH_ROWS: usize = 128 * 1024;
/// Narrow a categorical to u8 / u16 below these counts, leaving room for values a filter adds.
const U8_CATS: usize = 128;
const U16_CATS: usize = 32 * 1024;

/// A string column's categories and their mapping.
type Cats = (Arc<Categories>, Arc<CategoricalMapping>);

#[derive(Clone)]
pub(crate) struct Store {
    parts: Vec<Part>,
    /// In-memory dtype of every canonical column, in `COLUMNS` order.
    dtypes: Vec<DataType>,
    /// The distinct strings of each column stored as ids into them (`text`), in `COLUMNS`
    /// order.
    strings: Vec<Option<Series>>,
}

#[derive(Clone)]
struct Part {
    event_type: String,
    /// Columns with values, in canonical order.
    df: DataFrame,
    /// Columns holding one value on every row: name and literal expression (aliased).
    consts: Vec<(String, Expr)>,
    /// Columns of `df` kept in a compact form: the expressions reading them back (aliased).
    decoders: Vec<Expr>,
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
    /// Collect the canonical frame `lf` into parts, enriching it on the way when `enrich` is
    /// given (`lf` not enriched yet; see [`enrich`]).
    pub fn build(lf: LazyFrame, enrich: Option<&EnrichOptions>) -> Result<Store> {
        let _purge = crate::alloc::PromptPurge::new();
        let namespace = fresh_namespace();
        // Categories hold their mapping weakly: the mappings are kept here.
        let mut cats: Vec<Option<Cats>> = COLUMNS
            .iter()
            .map(|c| {
                (is_string(c.kind) && c.name != "event_type" && !text::DICT_COLUMNS.contains(&c.name)).then(|| {
                    let cats = Categories::new(c.name.into(), namespace.clone(), CategoricalPhysical::U32);
                    let map = cats.mapping();
                    (cats, map)
                })
            })
            .collect();
        let dicts: Vec<Option<Arc<TextDict>>> = COLUMNS
            .iter()
            .map(|c| text::DICT_COLUMNS.contains(&c.name).then(|| Arc::new(TextDict::new())))
            .collect();
        let maps: Vec<Option<Dict>> = cats
            .iter()
            .zip(&dicts)
            .map(|(c, d)| match (c, d) {
                (Some(c), _) => Some(Dict::Cats(c.1.clone())),
                (None, Some(d)) => Some(Dict::Text(d.clone())),
                (None, None) => None,
            })
            .collect();
        let collector = Arc::new(Collector::new(maps.clone()));
        // Memory: the batches become compact pieces as they arrive. The streaming engine
        // decodes whole row groups, a few at a time, so each pass reads a share of the
        // columns: the decoded row groups held at once are that much smaller.
        for cols in passes() {
            let sink = collector.clone();
            let mut names: Vec<Expr> = vec![col("event_type")];
            names.extend(
                cols.iter()
                    .filter(|&&i| COLUMNS[i].name != "event_type")
                    .map(|&i| col(COLUMNS[i].name)),
            );
            lf.clone()
                .select(names)
                .sink_batches(
                    PlanCallback::new({
                        let cols = cols.clone();
                        move |df: DataFrame| {
                            sink.add(df, &cols)?;
                            Ok(false)
                        }
                    }),
                    true,
                    NonZeroUsize::new(BATCH_ROWS),
                )?
                .collect_with_engine(Engine::Streaming)?;
            collector.compact(&cols)?;
            for &i in &cols {
                if let Some(d) = &dicts[i] {
                    d.finish(COLUMNS[i].name)?;
                }
            }
        }
        let parts = std::mem::take(&mut *collector.parts.lock().map_err(|_| poisoned())?);
        check_heights(&parts)?;
        let enrichment = match enrich {
            Some(opts) => Some(enrich::build(&parts, &maps, &mut cats, opts, &namespace)?),
            None => None,
        };

        // In-memory dtypes: categoricals as narrow as their final category count allows.
        let mut dtypes: Vec<DataType> = Vec::with_capacity(COLUMNS.len());
        let mut strings: Vec<Option<Series>> = Vec::with_capacity(COLUMNS.len());
        for ((def, c), d) in COLUMNS.iter().zip(&cats).zip(&dicts) {
            dtypes.push(match c {
                Some((c, map)) => {
                    let wide = DataType::Categorical(c.clone(), map.clone());
                    narrow_categorical(def.name, &wide)?.unwrap_or(wide)
                }
                None => crate::schema::dtype(def.kind),
            });
            strings.push(d.as_ref().map(|d| d.strings()).transpose()?);
        }

        let out = assemble::parts(parts, enrichment.as_ref(), &strings, &mut dtypes, &namespace)?;
        Ok(Store {
            parts: out,
            dtypes,
            strings,
        })
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
        add.extend(p.decoders.iter().cloned());
        for (c, dt) in COLUMNS.iter().zip(&self.dtypes) {
            let stored = p.df.get_column_index(c.name).is_some();
            if !stored && !p.consts.iter().any(|(n, _)| n == c.name) {
                add.push(lit(NULL).cast(dt.clone()).alias(c.name));
            }
        }
        let order: Vec<Expr> = COLUMNS.iter().map(|c| col(c.name)).collect();
        p.df.clone().lazy().with_columns(add).select(order)
    }

    /// Bytes held by the parts and the strings their ids point to.
    pub fn bytes(&self) -> usize {
        let parts: usize = self.parts.iter().map(|p| p.df.estimated_size()).sum();
        parts + self.strings.iter().flatten().map(Series::estimated_size).sum::<usize>()
    }

    /// Rows per event type.
    pub fn rows(&self) -> Vec<(String, usize)> {
        self.parts
            .iter()
            .map(|p| (p.event_type.clone(), p.df.height()))
            .collect()
    }
}

/// The canonical columns (indices) read by each pass over the input, by schema group. A
/// derived column is read with its sources (the enrichment pairs their pieces batch by batch):
/// user agent and its fields, country and regions (context), URL and page group (page),
/// error fields and fingerprint (error). The event type goes with the first pass.
fn passes() -> Vec<Vec<usize>> {
    const PASSES: [&[&str]; 4] = [
        &["identity", "page", "release"],
        &["context"],
        &["view timings", "resource"],
        &["error", "action"],
    ];
    let mut out: Vec<Vec<usize>> = PASSES
        .iter()
        .map(|groups| {
            COLUMNS
                .iter()
                .enumerate()
                .filter(|(_, c)| groups.contains(&c.group))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    // A column of a group not listed still gets read.
    let rest: Vec<usize> = (0..COLUMNS.len())
        .filter(|i| !out.iter().any(|p| p.contains(i)))
        .collect();
    if let Some(last) = out.last_mut() {
        last.extend(rest);
    }
    out
}

/// Every column of a part has as many rows as its event type: the passes read the same rows.
fn check_heights(parts: &collect::Parts) -> Result<()> {
    let et = schema_index("event_type");
    for (name, cols) in parts {
        let height: usize = cols[et].iter().map(Piece::len).sum();
        for (def, pieces) in COLUMNS.iter().zip(cols) {
            let n: usize = pieces.iter().map(Piece::len).sum();
            if n != height {
                return Err(crate::error::EngineError::invalid(format!(
                    "the input changed while it was read: {n} rows of column {} for {height} {name} events",
                    def.name
                )));
            }
        }
    }
    Ok(())
}

fn schema_index(name: &str) -> usize {
    crate::schema::index_of(name).unwrap_or(0)
}

fn poisoned() -> PolarsError {
    PolarsError::ComputeError("a batch collector panicked".into())
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
        let store = Store::build(wide.clone().lazy(), None)?;
        let dt = |name: &str| store.dtypes[schema_index(name)].clone();
        assert_eq!(dt("transfer_bytes"), DataType::Int64);
        assert_eq!(dt("screen_w"), DataType::Int32);
        assert_eq!(dt("release").cat_physical()?, CategoricalPhysical::U16);
        assert_eq!(dt("device_type").cat_physical()?, CategoricalPhysical::U8);
        // Stored compactly, read back as the canonical dtypes: view ids as ids into their
        // strings, timings to 0.1 ms and round-trip times in 25 ms steps as unsigned integers,
        // screen sizes in 2 bytes.
        let views = store.parts.iter().find(|p| p.event_type == "view").map(|p| &p.df);
        let stored = |name: &str| views.and_then(|df| df.column(name).ok()).map(|c| c.dtype().clone());
        assert_eq!(dt("view_id"), DataType::String);
        assert_eq!(stored("view_id"), Some(DataType::UInt16));
        assert_eq!(dt("lcp_ms"), DataType::Float64);
        assert!(stored("lcp_ms").is_some_and(|d| d.is_unsigned_integer()));
        assert!(stored("rtt_ms").is_some_and(|d| d.is_unsigned_integer()));
        assert_eq!(stored("screen_w"), Some(DataType::UInt16));
        let store = Store::build(wide.clone().lazy(), None)?;
        let back = canonical_sorted(store.lazy(None))?;
        let want = canonical_sorted(wide.lazy())?;
        assert_eq!(back.height(), want.height());
        for c in want.columns() {
            assert!(back.column(c.name())?.equals_missing(c), "column {} differs", c.name());
        }
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

    /// Enriched while collected, by ids: the same frame as the lazy enrichment's joins, with
    /// input values that win, lower-case and unknown countries, missing user agents and URLs.
    #[test]
    fn store_enrichment_equals_the_joins() -> Result<()> {
        let mut raw = generate(&GenOptions {
            sessions: 200,
            seed: 11,
        })?;
        let n = raw.height();
        let pick = |k: usize, every: usize| (0..n).map(move |i| i % every == k);
        let text = |name: &str, f: &dyn Fn(usize, Option<&str>) -> Option<String>| -> Result<Column> {
            let c = raw.column(name)?.str()?.clone();
            let v: Vec<Option<String>> = c.iter().enumerate().map(|(i, v)| f(i, v)).collect();
            Ok(Column::new(name.into(), v))
        };
        let country = text("country", &|i, v| match i % 7 {
            0 => v.map(str::to_lowercase),
            1 => Some("zz".into()),
            2 => None,
            _ => v.map(str::to_string),
        })?;
        let ua = text("user_agent", &|i, v| {
            (i % 13 != 0).then(|| v.map(str::to_string)).flatten()
        })?;
        let url = text("url", &|i, v| (i % 17 != 0).then(|| v.map(str::to_string)).flatten())?;
        let device: Vec<Option<&str>> = pick(0, 5).map(|b| b.then_some("robot")).collect();
        let region: Vec<Option<&str>> = pick(3, 9).map(|b| b.then_some("Atlantis")).collect();
        let group: Vec<Option<&str>> = pick(1, 6).map(|b| b.then_some("/fixed")).collect();
        let fp: Vec<Option<&str>> = pick(2, 4).map(|b| b.then_some("given-fp")).collect();
        raw.replace("country", country)?;
        raw.replace("user_agent", ua)?;
        raw.replace("url", url)?;
        raw.replace("device_type", Column::new("device_type".into(), device))?;
        raw.replace("region", Column::new("region".into(), region))?;
        raw.replace("page_group", Column::new("page_group".into(), group))?;
        raw.replace("fingerprint", Column::new("fingerprint".into(), fp))?;

        let opts = EnrichOptions::default();
        let joined = canonical_sorted(crate::enrich::enrich(raw.clone().lazy(), &opts)?)?;
        let store = Store::build(raw.lazy(), Some(&opts))?;
        let by_ids = canonical_sorted(store.lazy(None))?;
        assert_eq!(by_ids.height(), joined.height());
        for c in joined.columns() {
            let mine = by_ids.column(c.name())?;
            assert!(mine.equals_missing(c), "column {} differs", c.name());
        }
        Ok(())
    }

    /// Every column is read by exactly one pass, the event type by the first, and a derived
    /// column by the same pass as its sources (the enrichment pairs their pieces).
    #[test]
    fn passes_cover_every_column_once_with_sources_together() {
        let passes = passes();
        for (i, def) in COLUMNS.iter().enumerate() {
            let n = passes.iter().filter(|p| p.contains(&i)).count();
            assert_eq!(n, 1, "column {} is read by {n} passes", def.name);
        }
        assert!(passes[0].contains(&schema_index("event_type")));
        let pass_of = |name: &str| passes.iter().position(|p| p.contains(&schema_index(name)));
        let together = [
            (
                "user_agent",
                &["device_type", "browser", "browser_version", "os", "os_version"][..],
            ),
            ("country", &["region", "subregion"][..]),
            ("url", &["page_group"][..]),
            ("error_type", &["error_message", "error_stack", "fingerprint"][..]),
        ];
        for (source, derived) in together {
            for d in derived {
                assert_eq!(pass_of(source), pass_of(d), "{d} is not read with {source}");
            }
        }
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
