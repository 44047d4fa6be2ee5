//! A dataset: the imported, enriched events as a LazyFrame plus the import report.

use crate::enrich::{self, page::PageRules, EnrichOptions};
use crate::error::Result;
use crate::filter::Filter;
use crate::import::{self, ImportOptions, ImportReport, Progress};
use polars::prelude::*;
use std::path::PathBuf;

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
}

#[derive(Clone)]
pub struct Dataset {
    lf: LazyFrame,
    /// Imported rows before invalid measures were nulled (see `import::Imported::raw`).
    raw: LazyFrame,
    pub report: ImportReport,
}

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
        let lf = enrich::enrich(imported.lf, &EnrichOptions { page_rules })?;
        Ok(Dataset {
            lf,
            raw: imported.raw,
            report: imported.report,
        })
    }

    /// A dataset over an already canonical frame (enriched here).
    pub fn from_frame(df: DataFrame) -> Result<Self> {
        let raw = df.lazy();
        let lf = enrich::enrich(raw.clone(), &EnrichOptions::default())?;
        Ok(Dataset {
            lf,
            raw,
            report: ImportReport::default(),
        })
    }

    /// Collect into memory so repeated queries do not re-scan and re-enrich.
    pub fn materialize(self) -> Result<Self> {
        let df = self.lf.collect()?;
        Ok(Dataset {
            lf: df.lazy(),
            raw: self.raw,
            report: self.report,
        })
    }

    pub fn lazy(&self) -> LazyFrame {
        self.lf.clone()
    }

    pub fn filtered(&self, filter: &Filter) -> Result<LazyFrame> {
        filter.apply(self.lf.clone())
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

    pub fn collect(&self) -> Result<DataFrame> {
        Ok(self.lf.clone().collect()?)
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}
