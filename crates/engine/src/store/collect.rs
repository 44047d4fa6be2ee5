//! The streaming pass of [`super::Store::build`]: every batch the engine hands over is split
//! by event type and turned into compact pieces at once, so the rows never exist as strings
//! all together.
//!
//! Strings become category ids in one mapping per column. A batch read from Parquet has each
//! row group's dictionary decoded once, its rows pointing at it with identical 16-byte views,
//! so a row costs one integer hash; only a view not seen yet in the chunk looks the string up.
//! The ids are kept in the narrowest width the column's category count allows at that moment
//! (an id never changes, so earlier narrow pieces stay valid as the count grows).

use super::numeric::{self, Stored};
use super::text::TextDict;
use crate::schema::COLUMNS;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Id of a null in the u32 form of a column.
pub(crate) const NO_ID: u32 = u32::MAX;

/// Category ids of one batch, the null being the width's maximum.
pub(super) enum Ids {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Ids {
    /// The narrowest width for ids below `count`, the maximum kept for the null.
    fn narrow(ids: Vec<u32>, count: usize) -> Ids {
        let null = |v: u32, max| if v == NO_ID { max } else { v };
        if count < u8::MAX as usize {
            Ids::U8(ids.into_iter().map(|v| null(v, u8::MAX as u32) as u8).collect())
        } else if count < u16::MAX as usize {
            Ids::U16(ids.into_iter().map(|v| null(v, u16::MAX as u32) as u16).collect())
        } else {
            Ids::U32(ids)
        }
    }

    /// Append the ids in their u32 form ([`NO_ID`] for nulls).
    pub(super) fn extend_into(&self, out: &mut Vec<u32>) {
        match self {
            Ids::U8(v) => out.extend(v.iter().map(|&x| if x == u8::MAX { NO_ID } else { x as u32 })),
            Ids::U16(v) => out.extend(v.iter().map(|&x| if x == u16::MAX { NO_ID } else { x as u32 })),
            Ids::U32(v) => out.extend_from_slice(v),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Ids::U8(v) => v.len(),
            Ids::U16(v) => v.len(),
            Ids::U32(v) => v.len(),
        }
    }
}

/// One batch's rows of one column of one part.
pub(super) enum Piece {
    /// A string column's category ids.
    Ids(Ids),
    /// Any other column.
    Values(Series),
    /// A number column's merged rows in their compact form (`numeric`).
    Compact(Series, Stored),
    /// No value in these many rows.
    Null(usize),
}

impl Piece {
    pub(super) fn len(&self) -> usize {
        match self {
            Piece::Ids(ids) => ids.len(),
            Piece::Values(s) | Piece::Compact(s, _) => s.len(),
            Piece::Null(n) => *n,
        }
    }
}

/// Where a string column's ids come from: a categorical mapping, or a text dictionary for
/// the columns kept as ids and decoded on read (`text`).
#[derive(Clone)]
pub(super) enum Dict {
    Cats(Arc<CategoricalMapping>),
    Text(Arc<TextDict>),
}

impl Dict {
    /// Ids of a batch's strings (`NO_ID` for nulls), adding strings not seen yet.
    pub fn encode(&self, ca: &StringChunked) -> PolarsResult<Vec<u32>> {
        match self {
            Dict::Cats(map) => encode_with(ca, |s| map.insert_cat(s)),
            Dict::Text(dict) => dict.encode(ca),
        }
    }

    /// The id of a string, added when new.
    pub fn insert(&self, s: &str) -> PolarsResult<u32> {
        match self {
            Dict::Cats(map) => map.insert_cat(s),
            Dict::Text(dict) => dict.insert(s),
        }
    }

    /// Distinct strings so far (ids are below it).
    pub fn len(&self) -> usize {
        match self {
            Dict::Cats(map) => map.num_cats_upper_bound(),
            Dict::Text(dict) => dict.len(),
        }
    }

    /// The string of an id.
    pub fn get(&self, id: u32) -> Option<String> {
        match self {
            Dict::Cats(map) => map.cat_to_str(id).map(str::to_string),
            Dict::Text(dict) => dict.get(id),
        }
    }
}

/// Pieces per event type, per canonical column (in `COLUMNS` order), per batch.
pub(super) type Parts = BTreeMap<String, Vec<Vec<Piece>>>;

pub(super) struct Collector {
    /// The ids of each string column (`None` for the others and the event type).
    pub maps: Vec<Option<Dict>>,
    pub parts: Mutex<Parts>,
}

fn poisoned() -> PolarsError {
    PolarsError::ComputeError("a batch collector panicked".into())
}

impl Collector {
    pub fn new(maps: Vec<Option<Dict>>) -> Self {
        Collector {
            maps,
            parts: Mutex::new(BTreeMap::new()),
        }
    }

    /// Split one batch by event type into pieces of the columns `cols` (indices into
    /// `COLUMNS`; the batch holds `event_type` and these). Rows without an event type are
    /// dropped. The event type's own pieces (row counts) are kept when `cols` lists it.
    pub fn add(&self, df: DataFrame, cols: &[usize]) -> PolarsResult<()> {
        let types = df.column("event_type")?.as_materialized_series().str()?.clone();
        let (names, rows) = split_rows(&types);
        if names.is_empty() {
            return Ok(());
        }
        let whole = names.len() == 1 && types.null_count() == 0;
        let idx: Vec<IdxCa> = rows
            .into_iter()
            .map(|r| IdxCa::from_vec(PlSmallStr::EMPTY, r))
            .collect();
        // Column by column, in parallel: each column has its own mapping.
        let pieces: Vec<Vec<Piece>> = cols
            .par_iter()
            .map(|&i| {
                let def = &COLUMNS[i];
                let s = df.column(def.name)?.as_materialized_series();
                match &self.maps[i] {
                    Some(map) => {
                        let ids = map.encode(s.str()?)?;
                        let count = map.len();
                        let split: Vec<Vec<u32>> = if whole {
                            vec![ids]
                        } else {
                            idx.iter()
                                .map(|ix| ix.into_no_null_iter().map(|r| ids[r as usize]).collect())
                                .collect()
                        };
                        Ok(split
                            .into_iter()
                            .map(|part| {
                                if part.iter().all(|&v| v == NO_ID) {
                                    Piece::Null(part.len())
                                } else {
                                    Piece::Ids(Ids::narrow(part, count))
                                }
                            })
                            .collect())
                    }
                    None if def.name == "event_type" => Ok(idx.iter().map(|ix| Piece::Null(ix.len())).collect()),
                    None => idx
                        .iter()
                        .map(|ix| {
                            let part = if whole { s.clone() } else { s.take(ix)? };
                            Ok(if part.null_count() == part.len() {
                                Piece::Null(part.len())
                            } else {
                                Piece::Values(part)
                            })
                        })
                        .collect(),
                }
            })
            .collect::<PolarsResult<_>>()?;
        let mut parts = self.parts.lock().map_err(|_| poisoned())?;
        for name in &names {
            if !parts.contains_key(name) {
                parts.insert(name.clone(), (0..COLUMNS.len()).map(|_| Vec::new()).collect());
            }
        }
        for (&i, col) in cols.iter().zip(pieces) {
            for (name, piece) in names.iter().zip(col) {
                if let Some(entry) = parts.get_mut(name) {
                    entry[i].push(piece);
                }
            }
        }
        Ok(())
    }
}

impl Collector {
    /// Merge the pieces of the columns `cols` into one piece per part. Many small pieces
    /// scattered among the reader's freed buffers keep the allocator's pages in use (RSS well
    /// above the live bytes); one large piece per column does not, and frees the small ones for
    /// the next pass.
    pub fn compact(&self, cols: &[usize]) -> PolarsResult<()> {
        let mut parts = self.parts.lock().map_err(|_| poisoned())?;
        for columns in parts.values_mut() {
            let work: Vec<(usize, Vec<Piece>)> = cols.iter().map(|&i| (i, std::mem::take(&mut columns[i]))).collect();
            let merged: Vec<(usize, Piece)> = work
                .into_par_iter()
                .map(|(i, pieces)| Ok((i, merge(COLUMNS[i].name, pieces, self.maps[i].as_ref())?)))
                .collect::<PolarsResult<_>>()?;
            for (i, piece) in merged {
                columns[i] = vec![piece];
            }
        }
        Ok(())
    }
}

/// One piece holding the rows of `pieces` in order.
fn merge(name: &str, pieces: Vec<Piece>, map: Option<&Dict>) -> PolarsResult<Piece> {
    let total: usize = pieces.iter().map(Piece::len).sum();
    if pieces.iter().all(|p| matches!(p, Piece::Null(_))) {
        return Ok(Piece::Null(total));
    }
    if let Some(map) = map {
        let ids = ids_u32(&pieces);
        drop(pieces);
        return Ok(Piece::Ids(Ids::narrow(ids, map.len())));
    }
    let dtype = pieces
        .iter()
        .find_map(|p| match p {
            Piece::Values(s) => Some(s.dtype().clone()),
            _ => None,
        })
        .unwrap_or(DataType::Null);
    let Some(s) = concat_values(name, pieces, &dtype)? else {
        return Ok(Piece::Null(total));
    };
    // Numbers in their compact form while the other passes run; other integers in half the
    // bytes when they fit (the store narrows them anyway when every part's values fit).
    Ok(match numeric::compact(s)? {
        (s, Stored::Plain) if dtype == DataType::Int64 && fits_i32(&s)? => Piece::Values(s.cast(&DataType::Int32)?),
        (s, Stored::Plain) => Piece::Values(s),
        (s, how) => Piece::Compact(s, how),
    })
}

/// Whether every value of an Int64 series fits in an i32.
pub(super) fn fits_i32(s: &Series) -> PolarsResult<bool> {
    let ca = s.i64()?;
    let fits = |v: Option<i64>| v.is_none_or(|v| i32::try_from(v).is_ok());
    Ok(fits(ca.min()) && fits(ca.max()))
}

/// The ids of a string column's pieces in their u32 form ([`NO_ID`] for nulls).
pub(super) fn ids_u32(pieces: &[Piece]) -> Vec<u32> {
    let mut ids = Vec::with_capacity(pieces.iter().map(Piece::len).sum());
    for p in pieces {
        match p {
            Piece::Ids(x) => x.extend_into(&mut ids),
            other => ids.extend(std::iter::repeat_n(NO_ID, other.len())),
        }
    }
    ids
}

/// The values of a column's pieces as one chunk (all-null pieces as nulls of `dtype`); `None`
/// when no piece has a value.
pub(super) fn concat_values(name: &str, pieces: Vec<Piece>, dtype: &DataType) -> PolarsResult<Option<Series>> {
    if !pieces.iter().any(|p| matches!(p, Piece::Values(_))) {
        return Ok(None);
    }
    let mut acc: Option<Series> = None;
    for p in pieces {
        let s = match p {
            Piece::Values(s) => s,
            Piece::Compact(..) => {
                return Err(PolarsError::ComputeError(
                    format!("column {name}: compact pieces cannot be merged again").into(),
                ))
            }
            other => Series::full_null(name.into(), other.len(), dtype),
        };
        match acc.as_mut() {
            Some(a) => {
                a.append_owned(s)?;
            }
            None => acc = Some(s),
        }
    }
    Ok(acc.map(|s| s.rechunk()))
}

/// The distinct event types of a batch and each one's row numbers.
fn split_rows(types: &StringChunked) -> (Vec<String>, Vec<Vec<IdxSize>>) {
    let mut index: PlHashMap<&str, usize> = PlHashMap::new();
    let mut names = Vec::new();
    let mut rows: Vec<Vec<IdxSize>> = Vec::new();
    for (r, t) in types.iter().enumerate() {
        let Some(t) = t else { continue };
        let k = *index.entry(t).or_insert_with(|| {
            names.push(t.to_string());
            rows.push(Vec::new());
            names.len() - 1
        });
        rows[k].push(r as IdxSize);
    }
    (names, rows)
}

/// Ids of a string column's values (`NO_ID` for nulls), `insert` giving the id of a value
/// (adding it when new). It is asked once per distinct value of a chunk.
pub(crate) fn encode_with<'a>(
    ca: &'a StringChunked,
    mut insert: impl FnMut(&'a str) -> PolarsResult<u32>,
) -> PolarsResult<Vec<u32>> {
    let mut out = Vec::with_capacity(ca.len());
    let mut seen: PlHashMap<u128, u32> = PlHashMap::new();
    for (arr, chunk) in ca.downcast_iter().zip(ca.chunks()) {
        // Views are only comparable within one array (they point into its buffers).
        seen.clear();
        // A column Parquet stored plainly (too many values for a dictionary) has a view per
        // row: repeated values are found by their text before `insert` is asked.
        let mut by_text: PlHashMap<&str, u32> = PlHashMap::new();
        let views = arr.views();
        let validity = chunk.validity();
        for (i, view) in views.iter().enumerate() {
            if validity.is_some_and(|v| !v.get_bit(i)) {
                out.push(NO_ID);
                continue;
            }
            let key = view.as_u128();
            let id = match seen.get(&key) {
                Some(&id) => id,
                None => {
                    let text = arr.value(i);
                    let id = match by_text.get(text) {
                        Some(&id) => id,
                        None => {
                            let id = insert(text)?;
                            by_text.insert(text, id);
                            id
                        }
                    };
                    seen.insert(key, id);
                    id
                }
            };
            out.push(id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Merged pieces hold the rows in order, all-null pieces as nulls, ids as narrow as the
    /// mapping allows.
    #[test]
    fn merge_keeps_rows_in_order_with_nulls() -> PolarsResult<()> {
        let cats = Categories::new("c".into(), "merge-test".into(), CategoricalPhysical::U32);
        let map = cats.mapping();
        for v in ["a", "b", "c"] {
            map.insert_cat(v)?;
        }
        let pieces = vec![
            Piece::Ids(Ids::U32(vec![0, NO_ID])),
            Piece::Null(2),
            Piece::Ids(Ids::U8(vec![2, u8::MAX, 1])),
        ];
        let Piece::Ids(ids) = merge("c", pieces, Some(&Dict::Cats(map)))? else {
            panic!("ids expected")
        };
        assert!(matches!(ids, Ids::U8(_)));
        let mut out = Vec::new();
        ids.extend_into(&mut out);
        assert_eq!(out, vec![0, NO_ID, NO_ID, NO_ID, 2, NO_ID, 1]);

        let third = 1.0 / 3.0;
        let pieces = vec![
            Piece::Null(1),
            Piece::Values(Series::new("v".into(), [Some(1.5), None])),
            Piece::Null(2),
            Piece::Values(Series::new("v".into(), [third])),
        ];
        let Piece::Values(s) = merge("v", pieces, None)? else {
            panic!("values expected")
        };
        let got: Vec<Option<f64>> = s.f64()?.iter().collect();
        assert_eq!(got, vec![None, Some(1.5), None, None, None, Some(third)]);
        assert_eq!(s.chunks().len(), 1);

        // Values with one decimal: merged into their compact form (`numeric`).
        let pieces = vec![
            Piece::Values(Series::new("v".into(), [Some(1.5), None])),
            Piece::Null(1),
            Piece::Values(Series::new("v".into(), [3.0])),
        ];
        let Piece::Compact(s, Stored::Scaled(1)) = merge("v", pieces, None)? else {
            panic!("scaled values expected")
        };
        let got: Vec<Option<u8>> = s.u8()?.iter().collect();
        assert_eq!(got, vec![Some(15), None, None, Some(30)]);

        assert!(matches!(
            merge("n", vec![Piece::Null(2), Piece::Null(3)], None)?,
            Piece::Null(5)
        ));
        Ok(())
    }
}
