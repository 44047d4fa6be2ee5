//! Enrichment: derived columns computed once per distinct input value and joined back.
//! Values already present in the input win over derived ones.

pub mod fingerprint;
pub mod geo;
pub mod page;
pub mod ua;

use crate::error::Result;
use page::PageRules;
use polars::prelude::*;

/// Options for [`enrich`].
#[derive(Debug, Clone, Default)]
pub struct EnrichOptions {
    pub page_rules: PageRules,
}

fn str_values(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let ca = df.column(name)?.str()?.clone();
    Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
}

/// Distinct values of `cols`, on the streaming engine: memory bounded by the distinct values,
/// not by the rows scanned (an input may be larger than memory).
fn distinct(lf: &LazyFrame, cols: &[&str]) -> Result<DataFrame> {
    let exprs: Vec<Expr> = cols.iter().map(|c| col(*c)).collect();
    Ok(lf
        .clone()
        .select(exprs)
        .unique(None, UniqueKeepStrategy::Any)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single())
}

/// A left join onto a small lookup table: the table is the build side, so the events stream
/// through (an input larger than memory included) and keep their order.
fn lookup_args(nulls_equal: bool) -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left);
    args.nulls_equal = nulls_equal;
    args.build_side = Some(JoinBuildSide::ForceRight);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

fn left_join_on(lf: LazyFrame, other: DataFrame, keys: &[&str]) -> LazyFrame {
    let on: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let args = lookup_args(false);
    lf.join(other.lazy(), on.clone(), on, args)
}

/// Input value wins; the derived `_d_<name>` fills the gaps.
fn prefer_input(names: &[&str]) -> Vec<Expr> {
    names
        .iter()
        .map(|n| coalesce(&[col(*n), col(format!("_d_{n}"))]).alias(*n))
        .collect()
}

/// Add device/browser/OS, region/sub-region, page group and error fingerprint.
pub fn enrich(lf: LazyFrame, opts: &EnrichOptions) -> Result<LazyFrame> {
    let order: Vec<Expr> = crate::schema::COLUMNS.iter().map(|c| col(c.name)).collect();

    // User agents.
    const UA_COLS: [&str; 5] = ["device_type", "browser", "browser_version", "os", "os_version"];
    // Only values some row still needs are parsed; when no row needs any (an export rumlens
    // already enriched), the join is skipped and the source column is never read.
    let needs_ua = UA_COLS
        .iter()
        .map(|c| col(*c).is_null())
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
        .and(col("user_agent").is_not_null());
    let uas = str_values(&distinct(&lf.clone().filter(needs_ua), &["user_agent"])?, "user_agent")?;
    let parsed: Vec<ua::UaInfo> = uas
        .iter()
        .map(|u| u.as_deref().map(ua::parse).unwrap_or_default())
        .collect();
    let ua_df = DataFrame::new(
        uas.len(),
        vec![
            Column::new("user_agent".into(), &uas),
            Column::new(
                "_d_device_type".into(),
                parsed.iter().map(|p| p.device_type).collect::<Vec<_>>(),
            ),
            Column::new(
                "_d_browser".into(),
                parsed.iter().map(|p| p.browser.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "_d_browser_version".into(),
                parsed.iter().map(|p| p.browser_version.clone()).collect::<Vec<_>>(),
            ),
            Column::new("_d_os".into(), parsed.iter().map(|p| p.os.clone()).collect::<Vec<_>>()),
            Column::new(
                "_d_os_version".into(),
                parsed.iter().map(|p| p.os_version.clone()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let lf = if uas.is_empty() {
        lf
    } else {
        left_join_on(lf, ua_df, &["user_agent"]).with_columns(prefer_input(&UA_COLS))
    };

    // Countries.
    let table = geo::countries();
    let mut codes: Vec<&str> = table.keys().map(String::as_str).collect();
    codes.sort_unstable();
    let geo_df = DataFrame::new(
        codes.len(),
        vec![
            Column::new("_country_key".into(), &codes),
            Column::new(
                "_d_region".into(),
                codes.iter().map(|c| table[*c].continent.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "_d_subregion".into(),
                codes.iter().map(|c| table[*c].subregion.as_str()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let lf = lf
        .with_column(col("country").str().to_uppercase().alias("country"))
        .with_column(col("country").alias("_country_key"))
        .join(
            geo_df.lazy(),
            [col("_country_key")],
            [col("_country_key")],
            lookup_args(false),
        )
        .with_columns(prefer_input(&["region", "subregion"]));

    // Page groups.
    let needs_page = col("page_group").is_null().and(col("url").is_not_null());
    let urls = str_values(&distinct(&lf.clone().filter(needs_page), &["url"])?, "url")?;
    let groups: Vec<Option<String>> = urls
        .iter()
        .map(|u| u.as_deref().map(|u| page::page_group(u, &opts.page_rules)))
        .collect();
    let page_df = DataFrame::new(
        urls.len(),
        vec![
            Column::new("url".into(), &urls),
            Column::new("_d_page_group".into(), &groups),
        ],
    )?;
    let lf = if urls.is_empty() {
        lf
    } else {
        left_join_on(lf, page_df, &["url"]).with_columns(prefer_input(&["page_group"]))
    };

    // Error fingerprints, for error events only.
    const ERR_KEYS: [&str; 3] = ["error_type", "error_message", "error_stack"];
    let errs = distinct(
        &lf.clone()
            .filter(col("event_type").eq(lit("error")).and(col("fingerprint").is_null())),
        &ERR_KEYS,
    )?;
    if errs.height() == 0 {
        return Ok(lf.select(order));
    }
    let (types, msgs, stacks) = (
        str_values(&errs, "error_type")?,
        str_values(&errs, "error_message")?,
        str_values(&errs, "error_stack")?,
    );
    let fps: Vec<String> = (0..errs.height())
        .map(|i| fingerprint::fingerprint(types[i].as_deref(), msgs[i].as_deref(), stacks[i].as_deref()))
        .collect();
    let mut err_df = errs;
    err_df.with_column(Column::new("_d_fingerprint".into(), fps))?;
    let args = lookup_args(true);
    let on: Vec<Expr> = ERR_KEYS.iter().map(|k| col(*k)).collect();
    let lf = lf.join(err_df.lazy(), on.clone(), on, args).with_column(
        when(col("event_type").eq(lit("error")))
            .then(coalesce(&[col("fingerprint"), col("_d_fingerprint")]))
            .otherwise(col("fingerprint"))
            .alias("fingerprint"),
    );
    // Keep the canonical columns only (drops the `_d_*` helpers).
    Ok(lf.select(order))
}
