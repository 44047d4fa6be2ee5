//! `rumlens`: the engine's analyses from the command line. Thin: parse arguments, call the
//! engine, print the result.

mod output;

use clap::{Args, Parser, Subcommand};
use output::{print_rejects, Format};
use rumlens_engine::analysis::{
    breakdown::{breakdown, BreakdownOptions},
    errors::{errors, ErrorsOptions},
    funnel::{funnel, FunnelMode, FunnelOptions},
    hist::{hist, HistOptions},
    summary::{summary, SummaryOptions},
    trend::{trend, Stat, TrendOptions},
    Bucket,
};
use rumlens_engine::export::{sink_dataset_parquet, write_dataset_events, write_events, OutFormat};
use rumlens_engine::filter::parse_time;
use rumlens_engine::gen::{generate, GenOptions};
use rumlens_engine::import::{suggest_mapping, ImportCache, Mapping};
use rumlens_engine::{Dataset, EngineError, Filter, OpenOptions};
use rumlens_report::{ReportError, ReportSpec};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rumlens",
    version,
    about = "Offline Real User Monitoring analysis: percentiles, Core Web Vitals, error hotspots and funnels over exported beacons",
    long_about = "Offline Real User Monitoring analysis over exported beacons.\n\n\
        Inputs are canonical rumlens events as Parquet or NDJSON (.ndjson, .jsonl, .ndjson.gz): \
        files, globs (quote them) or directories (hive-style key=value/ partitions are read).\n\n\
        Exit codes: 0 ok, 1 bad input (unreadable file, no data), 2 usage error.",
    after_help = "Examples:\n  \
        rumlens summary sample-data/shop.parquet\n  \
        rumlens breakdown sample-data/shop.parquet --metric lcp --by device_type,browser\n  \
        rumlens trend sample-data/shop.parquet --metric inp --stat p75 --bucket 1d --by release\n  \
        rumlens errors sample-data/shop.ndjson --filter release=1.5.0\n  \
        rumlens funnel sample-data/shop.parquet --step / --step /product/:id --step /cart --by device_type"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// What is in the data: rows by event type, time range, sessions, values of every dimension, rejects
    #[command(after_help = "Example:\n  rumlens summary sample-data/shop.parquet --filter release=1.5.0")]
    Summary {
        #[command(flatten)]
        common: Common,
        /// Values listed per dimension (most frequent first)
        #[arg(long, default_value_t = 25)]
        top: usize,
    },
    /// Percentiles (p50…p99, mean, p75 95% CI) and CWV rating shares of a metric by up to 3 dimensions
    #[command(
        after_help = "Dimensions: event_type, source_format, page_group, navigation_type, app, release, environment, device_type, browser, browser_version, os, os_version, country, region, subregion, connection_type, effective_type, resource_type, method, error_type, error_source, action_type, frustration.\n\nExamples:\n  rumlens breakdown sample-data/shop.parquet --metric lcp --by device_type,browser\n  rumlens breakdown sample-data/shop.parquet --metric inp --by release --filter device_type=mobile --format csv"
    )]
    Breakdown {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        metric: MetricArgs,
        /// Dimensions to segment by, comma-separated (at most 3), e.g. device_type,browser
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// Segments with fewer samples than this are flagged low_n
        #[arg(long, default_value_t = 50)]
        min_n: u64,
    },
    /// A percentile (or mean/count) of a metric per time bucket, optionally one line per value of a dimension
    #[command(
        after_help = "Examples:\n  rumlens trend sample-data/shop.parquet --metric lcp --stat p75 --bucket 1d --by release\n  rumlens trend sample-data/shop.parquet --metric cls --stat p90 --filter device_type=mobile"
    )]
    Trend {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        metric: MetricArgs,
        /// Statistic: p50, p75, p90, p95, p99, mean, count
        #[arg(long, default_value = "p75")]
        stat: String,
        /// Bucket width: auto (≤ 200 buckets), or 1m, 15m, 1h, 6h, 1d, 1w…
        #[arg(long, default_value = "auto")]
        bucket: String,
        /// Split into one series per value of this dimension (top 10, rest as "(other)")
        #[arg(long)]
        by: Option<String>,
        /// Add the 95% confidence interval of the percentile per bucket (ci_low, ci_high)
        #[arg(long)]
        ci: bool,
    },
    /// Distribution of a metric in linear or log bins, with the Core Web Vitals band of each bin
    #[command(
        after_help = "Example:\n  rumlens hist sample-data/shop.parquet --metric lcp --log --bins 40 --filter browser=\"Mobile Safari\""
    )]
    Hist {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        metric: MetricArgs,
        /// Number of bins
        #[arg(long, default_value_t = 50)]
        bins: usize,
        /// Logarithmic bins (recommended for timings)
        #[arg(long)]
        log: bool,
        /// Lower edge (default: smallest value)
        #[arg(long)]
        min: Option<f64>,
        /// Upper edge (default: largest value with --log, 99.5th percentile otherwise)
        #[arg(long)]
        max: Option<f64>,
    },
    /// Error hotspots by fingerprint (type + normalised message + top frame) and failing API endpoints
    #[command(
        after_help = "Examples:\n  rumlens errors sample-data/shop.parquet --filter release=1.5.0 --filter page_group=/cart\n  rumlens errors sample-data/shop.parquet --by release --limit 20\n  rumlens errors sample-data/shop.parquet --api --filter release=1.4.0"
    )]
    Errors {
        #[command(flatten)]
        common: Common,
        /// Hotspots listed
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Split hotspots by a dimension (e.g. release)
        #[arg(long)]
        by: Option<String>,
        /// Bucket width of each hotspot's trend column
        #[arg(long, default_value = "auto")]
        bucket: String,
        /// Print the failing API endpoints instead of the error hotspots (csv/json)
        #[arg(long)]
        api: bool,
    },
    /// Sessions through ordered steps: conversion, drop-off, time between steps
    #[command(
        after_help = "Examples:\n  rumlens funnel sample-data/shop.parquet --step / --step /product/:id --step /cart --step /checkout --step /confirmation --by device_type\n  rumlens funnel sample-data/shop.parquet --step /cart --step action_type=click --step /checkout --mode strict"
    )]
    Funnel {
        #[command(flatten)]
        common: Common,
        /// A step, repeated in order: a page group (/cart, /product/:id), url~REGEX, or column=value (action_type=click)
        #[arg(long = "step", required = true, num_args = 1)]
        steps: Vec<String>,
        /// strict (consecutive page views), ordered (in order, other events between), any (in any order)
        #[arg(long, default_value = "ordered")]
        mode: String,
        /// Split by a dimension (e.g. device_type)
        #[arg(long)]
        by: Option<String>,
    },
    /// Write the filtered, enriched events (Parquet, NDJSON, NDJSON.gz or CSV by extension)
    #[command(
        visible_alias = "export",
        after_help = "Examples:\n  rumlens convert exports/ --filter environment=prod --out events.parquet\n  rumlens export sample-data/shop.parquet --filter release=1.5.0 --out events.csv"
    )]
    Convert {
        #[command(flatten)]
        common: Common,
        /// Output file: .parquet, .ndjson, .ndjson.gz or .csv (RFC 4180, formulas neutralised)
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a report spec (JSON) and write it as PDF, HTML, CSV, or one chart as SVG/PNG
    #[command(
        after_help = "The format follows --out: .pdf, .html, .svg, .png, .csv (a one-table report) or a folder ending in / (one CSV per table). Spec format: docs/report-spec.md.\n\nExamples:\n  rumlens report sample-data/report-example.json --out report.pdf\n  rumlens report sample-data/report-example.json --out tables/\n  rumlens report sample-data/report-example.json --out trend.png --section 3"
    )]
    Report {
        /// The report spec; relative inputs are read from its folder
        spec: PathBuf,
        /// Output file or folder
        #[arg(long)]
        out: PathBuf,
        /// Section (1-based) whose chart an .svg/.png shows; default: the first with a chart
        #[arg(long)]
        section: Option<usize>,
        /// Paper size of the PDF, overriding the spec: a4 or letter
        #[arg(long)]
        paper: Option<String>,
    },
    /// List the input formats rumlens reads and how each is recognised
    Formats,
    /// Where the import cache is and how big; --clear empties it
    #[command(
        after_help = "Commands given --cache keep each parsed NDJSON or vendor export as Parquet in this folder and read that instead while the file is unchanged (same path, size, modification time, first and last MiB). The folder is bounded (least recently used entries go first).\n\nExample:\n  rumlens breakdown big-export.ndjson.gz --cache --metric lcp\n  rumlens cache --clear"
    )]
    Cache {
        /// Remove every entry
        #[arg(long)]
        clear: bool,
    },
    /// Propose a column mapping (for --mapping) for an export whose columns are not canonical
    #[command(
        after_help = "Prints the mapping as JSON; review it (units, `_unmapped`) before use.\n\nExample:\n  rumlens suggest-mapping export.ndjson --out mapping.json\n  rumlens breakdown export.ndjson --mapping mapping.json --metric lcp"
    )]
    SuggestMapping {
        /// An NDJSON/JSON or Parquet file
        file: PathBuf,
        /// Also write the mapping to this file
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Generate a realistic synthetic shop dataset with planted truths (see sample-data/README.md)
    #[command(after_help = "Example:\n  rumlens gen --sessions 20000 --seed 7 --out big.parquet")]
    Gen {
        /// Number of sessions
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// Random seed: the same seed gives the same data
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output file: .parquet, .ndjson or .ndjson.gz
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct Common {
    /// Input files, globs or directories
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Filter, repeatable and combined with AND: dim=v1,v2 · dim!=v · metric>=x · metric<x · metric=a..b
    #[arg(long = "filter", short = 'f')]
    filters: Vec<String>,
    /// Keep events at or after this time (2026-10-05, 2026-10-05T14:00, RFC 3339)
    #[arg(long)]
    from: Option<String>,
    /// Keep events before this time
    #[arg(long)]
    to: Option<String>,
    /// Page-group rules file: one `REGEX -> GROUP` per line, applied before the built-in rules
    #[arg(long)]
    page_rules: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Read every input as this format instead of detecting it per file (see `rumlens formats`)
    #[arg(long, conflicts_with = "mapping")]
    input_format: Option<String>,
    /// Column mapping file (JSON) applied to every input instead of format detection; see `rumlens suggest-mapping`
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Keep parsed NDJSON / vendor exports as Parquet in the import cache and reuse them while the file is unchanged (see `rumlens cache`)
    #[arg(long)]
    cache: bool,
}

#[derive(Args)]
struct MetricArgs {
    /// Metric: lcp, inp, cls, fcp, ttfb, load, duration, or any numeric column (e.g. dom_complete_ms)
    #[arg(long, default_value = "lcp")]
    metric: String,
    /// Event type the metric is read from (default: view for page timings, all otherwise)
    #[arg(long)]
    event_type: Option<String>,
}

impl Common {
    fn filter(&self) -> Result<Filter, EngineError> {
        let mut f = Filter::default();
        for spec in &self.filters {
            f.add_spec(spec)?;
        }
        f.from_ms = self.from.as_deref().map(parse_time).transpose()?;
        f.to_ms = self.to.as_deref().map(parse_time).transpose()?;
        Ok(f)
    }

    fn open(&self) -> Result<Dataset, EngineError> {
        let mapping = self.mapping.as_deref().map(Mapping::load).transpose()?;
        let cache = if self.cache { import_cache() } else { None };
        let ds = Dataset::open_cached(
            &self.inputs,
            &OpenOptions {
                page_rules: self.page_rules.clone(),
                on_progress: None,
                input_format: self.input_format.as_deref(),
                rows_read: None,
                mapping: mapping.as_ref(),
                // One query per run: stream over the files rather than load them.
                streaming: true,
            },
            cache.as_ref(),
        )?;
        print_rejects(&ds.report);
        for f in ds.report.files.iter().filter(|f| !f.detected.starts_with("canonical")) {
            eprintln!("rumlens: {}: {}", f.path.display(), f.detected);
        }
        Ok(ds)
    }
}

/// The import cache in its default folder, bounded to its default size.
fn import_cache() -> Option<ImportCache> {
    ImportCache::default_dir().map(|d| ImportCache::new(d, rumlens_engine::import::cache::DEFAULT_MAX_BYTES))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Summary { common, top } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let r = summary(&ds, &f, &SummaryOptions { top_values: top })?;
            Ok(output::emit(common.format, "summary", &r, None)?)
        }
        Command::Breakdown {
            common,
            metric,
            by,
            min_n,
        } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let opts = BreakdownOptions {
                metric: metric.metric,
                by,
                event_type: metric.event_type,
                min_n,
            };
            let r = breakdown(&ds, &f, &opts)?;
            let title = format!(
                "{} of {} ({}) by {}",
                "percentiles",
                r.metric,
                r.unit,
                if r.by.is_empty() {
                    "nothing".into()
                } else {
                    r.by.join(", ")
                }
            );
            Ok(output::emit(common.format, &title, &r, None)?)
        }
        Command::Trend {
            common,
            metric,
            stat,
            bucket,
            by,
            ci,
        } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let mut opts = TrendOptions::new(&metric.metric, Stat::parse(&stat)?);
            opts.bucket = Bucket::parse(&bucket)?;
            opts.by = by;
            opts.event_type = metric.event_type;
            opts.ci = ci;
            let r = trend(&ds, &f, &opts)?;
            let title = format!("{} of {} per {}", r.stat.name(), r.metric, r.bucket_label());
            Ok(output::emit(common.format, &title, &r, None)?)
        }
        Command::Hist {
            common,
            metric,
            bins,
            log,
            min,
            max,
        } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let opts = HistOptions {
                metric: metric.metric,
                bins,
                log,
                min,
                max,
                event_type: metric.event_type,
            };
            let r = hist(&ds, &f, &opts)?;
            let title = format!(
                "distribution of {} ({}), n = {}",
                r.metric,
                if r.log { "log bins" } else { "linear bins" },
                r.n
            );
            Ok(output::emit(common.format, &title, &r, None)?)
        }
        Command::Errors {
            common,
            limit,
            by,
            bucket,
            api,
        } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let opts = ErrorsOptions {
                limit,
                by,
                bucket: Bucket::parse(&bucket)?,
                ..Default::default()
            };
            let r = errors(&ds, &f, &opts)?;
            let title = format!(
                "error hotspots: {} errors in {} sessions",
                r.total_errors, r.total_sessions
            );
            if api {
                Ok(output::emit_table(
                    common.format,
                    "failing API endpoints",
                    &r.api_table(),
                    &r.filter,
                    None,
                )?)
            } else {
                Ok(output::emit(
                    common.format,
                    &title,
                    &r,
                    Some(("failing API endpoints", r.api_table())),
                )?)
            }
        }
        Command::Funnel {
            common,
            steps,
            mode,
            by,
        } => {
            let (ds, f) = (common.open()?, common.filter()?);
            let opts = FunnelOptions {
                steps,
                mode: FunnelMode::parse(&mode)?,
                by,
            };
            let r = funnel(&ds, &f, &opts)?;
            let title = format!("funnel ({:?} mode)", r.mode).to_lowercase();
            Ok(output::emit(common.format, &title, &r, None)?)
        }
        Command::Convert { common, out } => {
            // The rows keep their input order (materializing would group them by event type,
            // which compresses worse: a session's events are no longer side by side).
            let (ds, f) = (common.open()?, common.filter()?);
            let rows = if OutFormat::from_path(&out)? == OutFormat::Parquet {
                // Streamed: a few batches in memory at a time, whatever the size.
                sink_dataset_parquet(ds.canonical(&f)?, &out)?
            } else {
                let mut df = ds.canonical(&f)?.collect()?;
                write_dataset_events(&mut df, &out)?;
                df.height() as u64
            };
            eprintln!("wrote {rows} events to {}", out.display());
            Ok(())
        }
        Command::Report {
            spec,
            out,
            section,
            paper,
        } => {
            let mut spec_doc = ReportSpec::load(&spec)?;
            if let Some(p) = paper {
                spec_doc.paper = serde_json::from_value(serde_json::Value::String(p.to_lowercase()))
                    .map_err(|_| EngineError::invalid(format!("--paper {p}: use a4 or letter")))?;
            }
            let base = spec.parent().map(PathBuf::from).unwrap_or_default();
            let report = rumlens_report::run(&spec_doc, &base, None)?;
            for w in report.dataset.reject_examples.iter().take(5) {
                eprintln!("rumlens: rejected {w}");
            }
            let files = rumlens_report::write(&report, &out, section)?;
            for f in &files {
                eprintln!("wrote {}", f.display());
            }
            Ok(())
        }
        Command::Cache { clear } => {
            let cache =
                import_cache().ok_or_else(|| EngineError::invalid("no cache folder: set HOME or XDG_CACHE_HOME"))?;
            if clear {
                let freed = cache.clear();
                println!("cleared {} ({} bytes)", cache.dir().display(), freed);
            } else {
                println!("{} ({} bytes)", cache.dir().display(), cache.size());
            }
            Ok(())
        }
        Command::Formats => {
            println!("{:<12} {:<28} reads", "name", "format");
            println!(
                "{:<12} {:<28} rumlens events (Parquet, NDJSON): `event_type` and `ts` on every record",
                "canonical", "rumlens canonical"
            );
            for a in rumlens_engine::import::adapters::all() {
                println!("{:<12} {:<28} {}", a.name(), a.title(), a.description());
            }
            Ok(())
        }
        Command::SuggestMapping { file, out } => {
            let m = suggest_mapping(&file)?;
            let json = m.to_json()?;
            println!("{json}");
            if let Some(out) = out {
                std::fs::write(&out, format!("{json}\n")).map_err(|source| EngineError::Io {
                    path: out.clone(),
                    source,
                })?;
                eprintln!("wrote mapping to {}", out.display());
            }
            if !m.unmapped.is_empty() {
                eprintln!("rumlens: not mapped: {}", m.unmapped.join(", "));
            }
            Ok(())
        }
        Command::Gen { sessions, seed, out } => {
            let mut df = generate(&GenOptions { sessions, seed })?;
            write_events(&mut df, &out)?;
            eprintln!(
                "wrote {} events ({} sessions, seed {}) to {}",
                df.height(),
                sessions,
                seed,
                out.display()
            );
            Ok(())
        }
    }
}

/// mimalloc returns freed memory to the system where glibc's per-thread arenas keep it: after
/// loading 10M events the process holds ~2 GB instead of ~6.5 GB (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    rumlens_engine::configure_process();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let engine = e
                .downcast_ref::<EngineError>()
                .or_else(|| match e.downcast_ref::<ReportError>() {
                    Some(ReportError::Engine(inner)) => Some(inner),
                    _ => None,
                });
            // Usage errors exit 2; unreadable or unrecognised inputs, bad specs and everything
            // else at run time exit 1.
            let code = match (engine, e.downcast_ref::<ReportError>()) {
                (Some(EngineError::InvalidArgument(_)), _) => 2,
                (_, Some(ReportError::Output(_))) => 2,
                _ => 1,
            };
            eprintln!("rumlens: error: {e:#}");
            ExitCode::from(code)
        }
    }
}
