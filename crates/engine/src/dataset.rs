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
}

#[derive(Clone)]
pub struct Dataset {
    lf: LazyFrame,
    pub report: ImportReport,
}

impl Dataset {
    /// Import and enrich files, globs and directories. Nothing is read into memory beyond
    /// NDJSON parsing and the distinct values enrichment needs.
    pub fn open(inputs: &[String], opts: &OpenOptions<'_>) -> Result<Self> {
        let page_rules = match &opts.page_rules {
            Some(p) => PageRules::load(p)?,
            None => PageRules::default(),
        };
        let (lf, report) = import::import(
            inputs,
            ImportOptions {
                on_progress: opts.on_progress,
            },
        )?;
        let lf = enrich::enrich(lf, &EnrichOptions { page_rules })?;
        Ok(Dataset { lf, report })
    }

    /// A dataset over an already canonical frame (enriched here).
    pub fn from_frame(df: DataFrame) -> Result<Self> {
        let lf = enrich::enrich(df.lazy(), &EnrichOptions::default())?;
        Ok(Dataset {
            lf,
            report: ImportReport::default(),
        })
    }

    /// Collect into memory so repeated queries do not re-scan and re-enrich.
    pub fn materialize(self) -> Result<Self> {
        let df = self.lf.collect()?;
        Ok(Dataset {
            lf: df.lazy(),
            report: self.report,
        })
    }

    pub fn lazy(&self) -> LazyFrame {
        self.lf.clone()
    }

    pub fn filtered(&self, filter: &Filter) -> Result<LazyFrame> {
        filter.apply(self.lf.clone())
    }

    pub fn collect(&self) -> Result<DataFrame> {
        Ok(self.lf.clone().collect()?)
    }
}
