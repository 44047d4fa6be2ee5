//! Enrichment on category ids: what [`crate::enrich::enrich`] adds with joins, computed here
//! from the collected pieces without one. Each derived value is computed once per distinct
//! source value a row needs (the same per-value functions), then filled into the rows that
//! have no value of their own by looking the source id up in a table.

use super::collect::{Dict, Parts, Piece, NO_ID};
use crate::enrich::{fingerprint, geo, page, ua, EnrichOptions};
use crate::schema::index_of;
use polars::prelude::*;

/// How a derived column's missing values are filled.
pub(super) enum Fill {
    /// From one source column: the derived id per source id ([`NO_ID`] for none).
    By { source: usize, table: Vec<u32> },
    /// From the error type, message and stack, in the error part only.
    Fingerprint {
        sources: [usize; 3],
        table: PlHashMap<[u32; 3], u32>,
    },
}

/// The enrichment of one dataset, per canonical column.
pub(super) struct Enrichment {
    pub fills: Vec<Option<Fill>>,
    /// A column whose ids are replaced (country, upper-cased): new id per old id.
    pub remap: Vec<Option<Vec<u32>>>,
}

const UA_COLS: [&str; 5] = ["device_type", "browser", "browser_version", "os", "os_version"];
const ERR_KEYS: [&str; 3] = ["error_type", "error_message", "error_stack"];

fn column(name: &str) -> PolarsResult<usize> {
    index_of(name).ok_or_else(|| PolarsError::ColumnNotFound(name.to_string().into()))
}

/// The pieces of one column of one part, each in its u32 form (`None` for an all-null piece).
fn unpacked(pieces: &[Piece]) -> impl Iterator<Item = (usize, Option<Vec<u32>>)> + '_ {
    pieces.iter().map(|p| match p {
        Piece::Ids(ids) => {
            let mut v = Vec::with_capacity(ids.len());
            ids.extend_into(&mut v);
            (v.len(), Some(v))
        }
        Piece::Values(s) | Piece::Compact(s, _) => (s.len(), None),
        Piece::Null(n) => (*n, None),
    })
}

/// Source ids of rows where `derived` has no value and `source` has one.
fn needed(parts: &Parts, source: usize, derived: usize, n_source: usize) -> Vec<bool> {
    let mut need = vec![false; n_source];
    for cols in parts.values() {
        for ((_, s), (_, d)) in unpacked(&cols[source]).zip(unpacked(&cols[derived])) {
            let Some(s) = s else { continue };
            match d {
                None => s.iter().filter(|&&v| v != NO_ID).for_each(|&v| need[v as usize] = true),
                Some(d) => s
                    .iter()
                    .zip(&d)
                    .filter(|(&s, &d)| s != NO_ID && d == NO_ID)
                    .for_each(|(&s, _)| need[s as usize] = true),
            }
        }
    }
    need
}

fn mapping(maps: &[Option<Dict>], i: usize) -> PolarsResult<&Dict> {
    maps[i]
        .as_ref()
        .ok_or_else(|| PolarsError::ComputeError(format!("column {i} is not a string column").into()))
}

/// A derived column's table: `derive` applied to each needed source value, the result's id.
fn table_by(
    parts: &Parts,
    maps: &[Option<Dict>],
    source: usize,
    derived: usize,
    mut derive: impl FnMut(u32, &str) -> Option<String>,
) -> PolarsResult<Option<Fill>> {
    let src = mapping(maps, source)?;
    let dst = mapping(maps, derived)?;
    let n = src.len();
    let need = needed(parts, source, derived, n);
    if !need.iter().any(|&b| b) {
        return Ok(None);
    }
    let mut table = vec![NO_ID; n];
    for (id, _) in need.iter().enumerate().filter(|(_, &b)| b) {
        let Some(value) = src.get(id as u32) else {
            continue;
        };
        if let Some(d) = derive(id as u32, &value) {
            table[id] = dst.insert(&d)?;
        }
    }
    Ok(Some(Fill::By { source, table }))
}

/// Build the enrichment of the collected `parts`, whose string columns have the ids of
/// `maps`. The derived values join the columns' categories; a remapped column gets new
/// categories (in `namespace`, replacing its entry of `cats`).
pub(super) fn build(
    parts: &Parts,
    maps: &[Option<Dict>],
    cats: &mut [Option<super::Cats>],
    opts: &EnrichOptions,
    namespace: &PlSmallStr,
) -> PolarsResult<Enrichment> {
    let n = cats.len();
    let mut fills: Vec<Option<Fill>> = (0..n).map(|_| None).collect();
    let mut remap: Vec<Option<Vec<u32>>> = (0..n).map(|_| None).collect();

    // User agents: each distinct value parsed once, for whichever columns need it.
    let ua_col = column("user_agent")?;
    let mut parsed: PlHashMap<u32, ua::UaInfo> = PlHashMap::new();
    for name in UA_COLS {
        let d = column(name)?;
        fills[d] = table_by(parts, maps, ua_col, d, |id, value| {
            let info = parsed.entry(id).or_insert_with(|| ua::parse(value));
            match name {
                "device_type" => info.device_type.map(str::to_string),
                "browser" => info.browser.clone(),
                "browser_version" => info.browser_version.clone(),
                "os" => info.os.clone(),
                _ => info.os_version.clone(),
            }
        })?;
    }

    // Countries: upper-cased, then region and sub-region from the table.
    let country = column("country")?;
    let old = mapping(maps, country)?.clone();
    let upper_cats = Categories::new(
        "country".into(),
        format!("{namespace}-upper").into(),
        CategoricalPhysical::U32,
    );
    let upper = upper_cats.mapping();
    let mut to_upper = Vec::with_capacity(old.len());
    for id in 0..old.len() {
        let v = old.get(id as u32).unwrap_or_default().to_uppercase();
        to_upper.push(upper.insert_cat(&v)?);
    }
    let table = geo::countries();
    for (name, pick) in [("region", 0), ("subregion", 1)] {
        let d = column(name)?;
        fills[d] = table_by(parts, maps, country, d, |_, value| {
            table.get(&value.to_uppercase()).map(|c| {
                if pick == 0 {
                    c.continent.clone()
                } else {
                    c.subregion.clone()
                }
            })
        })?;
    }
    cats[country] = Some((upper_cats, upper));
    remap[country] = Some(to_upper);

    // Page groups.
    let url = column("url")?;
    let pg = column("page_group")?;
    fills[pg] = table_by(parts, maps, url, pg, |_, value| {
        Some(page::page_group(value, &opts.page_rules))
    })?;

    // Error fingerprints: per distinct (type, message, stack) of error rows without one.
    let fp = column("fingerprint")?;
    let keys = [column(ERR_KEYS[0])?, column(ERR_KEYS[1])?, column(ERR_KEYS[2])?];
    if let Some(cols) = parts.get("error") {
        let mut table: PlHashMap<[u32; 3], u32> = PlHashMap::new();
        let dst = mapping(maps, fp)?.clone();
        let text = |i: usize, id: u32| -> PolarsResult<Option<String>> {
            if id == NO_ID {
                return Ok(None);
            }
            Ok(mapping(maps, keys[i])?.get(id))
        };
        let mut k0 = unpacked(&cols[keys[0]]);
        let mut k1 = unpacked(&cols[keys[1]]);
        let mut k2 = unpacked(&cols[keys[2]]);
        for (len, have) in unpacked(&cols[fp]) {
            let (Some((_, a)), Some((_, b)), Some((_, c))) = (k0.next(), k1.next(), k2.next()) else {
                break;
            };
            let at = |v: &Option<Vec<u32>>, r: usize| v.as_ref().map_or(NO_ID, |v| v[r]);
            for r in 0..len {
                if have.as_ref().is_some_and(|h| h[r] != NO_ID) {
                    continue;
                }
                let key = [at(&a, r), at(&b, r), at(&c, r)];
                if table.contains_key(&key) {
                    continue;
                }
                let (t, m, s) = (text(0, key[0])?, text(1, key[1])?, text(2, key[2])?);
                let f = fingerprint::fingerprint(t.as_deref(), m.as_deref(), s.as_deref());
                table.insert(key, dst.insert(&f)?);
            }
        }
        if !table.is_empty() {
            fills[fp] = Some(Fill::Fingerprint { sources: keys, table });
        }
    }
    Ok(Enrichment { fills, remap })
}

impl Enrichment {
    /// Fill the missing values of column `i` of part `part` (its ids, u32 form) from the source
    /// columns' ids (`sources[j]`, u32 form, before any remap), then remap it.
    pub fn apply(&self, i: usize, part: &str, ids: &mut [u32], sources: &[Option<Vec<u32>>]) {
        match &self.fills[i] {
            Some(Fill::By { source, table }) => {
                if let Some(src) = &sources[*source] {
                    for (v, &s) in ids.iter_mut().zip(src) {
                        if *v == NO_ID && s != NO_ID {
                            *v = table[s as usize];
                        }
                    }
                }
            }
            Some(Fill::Fingerprint { sources: keys, table }) if part == "error" => {
                let col = |k: usize| sources[keys[k]].as_deref();
                let (a, b, c) = (col(0), col(1), col(2));
                let at = |v: Option<&[u32]>, r: usize| v.map_or(NO_ID, |v| v[r]);
                for (r, v) in ids.iter_mut().enumerate() {
                    if *v == NO_ID {
                        let key = [at(a, r), at(b, r), at(c, r)];
                        *v = table.get(&key).copied().unwrap_or(NO_ID);
                    }
                }
            }
            _ => {}
        }
        if let Some(table) = &self.remap[i] {
            for v in ids.iter_mut().filter(|v| **v != NO_ID) {
                *v = table[*v as usize];
            }
        }
    }

    /// Whether column `i` is a source some fill reads.
    pub fn is_source(&self, i: usize) -> bool {
        self.fills.iter().flatten().any(|f| match f {
            Fill::By { source, .. } => *source == i,
            Fill::Fingerprint { sources, .. } => sources.contains(&i),
        })
    }
}
