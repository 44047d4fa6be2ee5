//! A dataset: the imported, enriched events as a LazyFrame plus the import report.

use crate::enrich::{self, page::PageRules, EnrichOptions};
use crate::error::Result;
use crate::filter::Filter;
use crate::import::{self, ImportOptions, ImportReport, Progress};
use crate::store::Store;
use polars::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

#[derive(Default, Clone)]
pub struct OpenOptions<'a> {
    /// Page-group rules file (`REGEX -> GROUP` per line).
    pub page_rules: Option<PathBuf>,
    pub on_progress: Option<Progress<'a>>,
    /// Force a format (`canonical` or a vendor adapter name) instead of detecting it.
    pub input_format: Option<&'a str>,
    /// Incremented with the rows accepted so far, for progress displays.
    pub rows_read: Option<&'a std::sync::atomic::AtomicU64>,
    /// Column mapping applied to every input instead of detecting its format.
    pub mapping: Option<&'a import::Mapping>,
    /// Answer queries with Polars' streaming engine (see [`Dataset::run`]): for data
    /// larger than memory, or one-shot command-line runs over files.
    pub streaming: bool,
}

#[derive(Clone)]
pub struct Dataset {
    /// The enriched events: built on first use from `base` (enrichment scans the input for
    /// its distinct values, which materializing does not need).
    lf: Arc<OnceLock<LazyFrame>>,
    /// The imported events, before enrichment.
    base: LazyFrame,
    /// How to enrich `base`; `None` when it needs no enrichment.
    enrich: Option<Arc<EnrichOptions>>,
    /// The compact in-memory parts, once materialized.
    store: Option<std::sync::Arc<Store>>,
    /// Queries run on the streaming engine (never set once materialized).
    streaming: bool,
    /// Imported rows before invalid measures were nulled (see `import::Imported::raw`).
    raw: LazyFrame,
    /// Distinct sessions and time span of all events, counted once when materialized (the
    /// denominators of unfiltered analyses).
    totals: Option<Totals>,
    pub report: ImportReport,
}

/// Distinct non-null sessions and the first and last event time (epoch ms).
pub(crate) type Totals = (u64, Option<(i64, i64)>);

impl Dataset {
    /// Import and enrich files, globs and directories. Nothing is read into memory beyond
    /// NDJSON parsing and the distinct values enrichment needs.
    pub fn open(inputs: &[String], opts: &OpenOptions<'_>) -> Result<Self> {
        Self::open_cached(inputs, opts, None)
    }

    /// [`Dataset::open`], keeping parsed NDJSON / vendor files in `cache` (and reading them
    /// from it when unchanged).
    pub fn open_cached(inputs: &[String], opts: &OpenOptions<'_>, cache: Option<&import::ImportCache>) -> Result<Self> {
        let page_rules = match &opts.page_rules {
            Some(p) => PageRules::load(p)?,
            None => PageRules::default(),
        };
        let imported = import::import(
            inputs,
            ImportOptions {
                on_progress: opts.on_progress,
                input_format: opts.input_format,
                rows_read: opts.rows_read,
                mapping: opts.mapping,
                cache,
            },
        )?;
        // A file rumlens enriched is not enriched again (it would be the identity, after
        // scans of the user agent, URL and error columns).
        let enrich = (!imported.enriched).then(|| Arc::new(EnrichOptions { page_rules }));
        Ok(Dataset {
            lf: Arc::default(),
            base: imported.lf,
            enrich,
            store: None,
            streaming: opts.streaming,
            raw: imported.raw,
            totals: None,
            report: imported.report,
        })
    }

    /// A dataset over an already canonical frame (enriched here).
    pub fn from_frame(df: DataFrame) -> Result<Self> {
        let raw = df.lazy();
        Ok(Dataset {
            lf: Arc::default(),
            base: raw.clone(),
            enrich: Some(Arc::default()),
            store: None,
            streaming: false,
            raw,
            totals: None,
            report: ImportReport::default(),
        })
    }

    /// Collect into memory so repeated queries do not re-scan and re-enrich. The events are
    /// held compactly (see `store`): split by event type, strings as categoricals or ids into
    /// their distinct values, numbers in as few bytes as their values allow (read back
    /// exactly), so their in-memory dtypes differ from the canonical ones
    /// ([`Dataset::canonical`] restores them).
    pub fn materialize(self) -> Result<Self> {
        if self.store.is_some() {
            return Ok(self);
        }
        // Enriched on the way, by category ids (no scans for distinct values, no joins).
        let store = Store::build(self.base, self.enrich.as_deref())?;
        let lf = store.lazy(None);
        Dataset {
            lf: Arc::new(OnceLock::from(lf.clone())),
            base: lf,
            enrich: None,
            store: Some(Arc::new(store)),
            streaming: false,
            raw: self.raw,
            totals: None,
            report: self.report,
        }
        .with_totals()
    }

    fn with_totals(mut self) -> Result<Self> {
        let all = crate::analysis::codes::sessions_and_span(&self, &Filter::default())?;
        self.totals = Some(all);
        Ok(self)
    }

    /// [`Totals`] of the whole dataset, when counted at materialization.
    pub(crate) fn totals(&self) -> Option<Totals> {
        self.totals
    }

    /// Rows stored in the input files when every input is Parquet (from their footers; rows
    /// the import rejects included), `None` otherwise: a size known before reading any row.
    pub fn stored_rows(&self) -> Option<u64> {
        let mut total = 0u64;
        for f in &self.report.files {
            if f.format != import::FileFormat::Parquet {
                return None;
            }
            total += import::parquet_rows(&f.path)?;
        }
        Some(total)
    }

    /// Memory [`Dataset::materialize`] would take, estimated from [`Dataset::stored_rows`].
    pub fn memory_estimate(&self) -> Option<u64> {
        self.stored_rows().map(|n| n * crate::store::BYTES_PER_EVENT)
    }

    /// Bytes held in memory by a materialized dataset and its rows per event type.
    pub fn memory(&self) -> Option<(usize, Vec<(String, usize)>)> {
        self.store.as_ref().map(|s| (s.bytes(), s.rows()))
    }

    /// The enriched events (the plan; nothing is read).
    pub fn lazy(&self) -> Result<LazyFrame> {
        if let Some(lf) = self.lf.get() {
            return Ok(lf.clone());
        }
        let lf = match &self.enrich {
            Some(opts) => enrich::enrich(self.base.clone(), opts)?,
            None => self.base.clone(),
        };
        // Another thread may have built it meanwhile: either plan is the same.
        Ok(self.lf.get_or_init(|| lf).clone())
    }

    pub fn filtered(&self, filter: &Filter) -> Result<LazyFrame> {
        filter.apply(self.lazy()?)
    }

    /// Events of the given types (all when `None`) passing `filter`. A materialized dataset
    /// reads only those types' parts.
    pub fn events(&self, filter: &Filter, types: Option<&[&str]>) -> Result<LazyFrame> {
        let lf = match (&self.store, types) {
            (Some(store), Some(_)) => store.lazy(types),
            // Equalities, not `is_in`: the streaming engine runs a list membership as a join.
            (None, Some(t)) => self.lazy()?.filter(
                t.iter()
                    .map(|t| col("event_type").eq(lit(t.to_string())))
                    .reduce(Expr::or)
                    .unwrap_or_else(|| lit(false)),
            ),
            (_, None) => self.lazy()?,
        };
        filter.apply(lf)
    }

    /// The events with the canonical dtypes (strings as strings, integers as i64), for writing.
    pub fn canonical(&self, filter: &Filter) -> Result<LazyFrame> {
        let casts: Vec<Expr> = crate::schema::COLUMNS
            .iter()
            .map(|c| col(c.name).cast(crate::schema::dtype(c.kind)))
            .collect();
        Ok(self.filtered(filter)?.select(casts))
    }

    /// Negative or non-finite measure values in the input (set to null for analysis), per
    /// column, over the whole dataset. Reads every measure column: call it when asked.
    pub fn invalid_values(&self) -> Result<Vec<(String, u64)>> {
        let checks = import::value_checks();
        let df = self
            .raw
            .clone()
            .select(
                checks
                    .iter()
                    .map(|(name, bad)| bad.clone().cast(DataType::UInt64).sum().alias(*name))
                    .collect::<Vec<_>>(),
            )
            .collect()?;
        let mut out = Vec::new();
        for (name, _) in &checks {
            let n = df.column(name)?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
            if n > 0 {
                out.push((name.to_string(), n));
            }
        }
        Ok(out)
    }

    /// Every event, collected (canonical columns, in-memory dtypes).
    pub fn collect(&self) -> Result<DataFrame> {
        self.run(self.lazy()?)
    }

    /// Whether queries stream over the files instead of reading them into memory.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// Run a plan over this dataset's events: on the streaming engine when the dataset streams
    /// (memory bounded by the result and the engine's buffers), else in memory.
    pub fn run(&self, lf: LazyFrame) -> Result<DataFrame> {
        let engine = if self.streaming {
            Engine::Streaming
        } else {
            Engine::Auto
        };
        // One plan in, one frame out (`unwrap_single` fails only for `collect_all` plans).
        Ok(lf.collect_with_engine(engine)?.unwrap_single())
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}
