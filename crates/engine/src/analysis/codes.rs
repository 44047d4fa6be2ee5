//! String columns as integer codes, for passes written directly over a collected frame: a
//! categorical column (a materialized dataset) gives its category ids as they are; a string
//! column (a dataset streamed from files) is numbered here, once per distinct value.

use crate::dataset::{Dataset, Totals};
use crate::error::{EngineError, Result};
use crate::filter::Filter;
use polars::polars_utils::index::NullCount;
use polars::prelude::*;

/// The code of a null.
pub(crate) const NONE: u32 = crate::store::NO_ID;

/// A string column's codes (`NONE` for nulls) and the text of each code seen.
pub(crate) struct Coded<'a> {
    pub ids: Vec<u32>,
    text: Text<'a>,
}

enum Text<'a> {
    Mapping(&'a CategoricalMapping),
    Local(Vec<&'a str>),
}

impl<'a> Coded<'a> {
    /// The text of a code (`None` for `NONE`).
    pub fn text(&self, id: u32) -> Option<&str> {
        if id == NONE {
            return None;
        }
        match &self.text {
            Text::Mapping(m) => m.cat_to_str(id),
            Text::Local(v) => v.get(id as usize).copied(),
        }
    }

    /// The code of a text, if the column has it.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        match &self.text {
            Text::Mapping(m) => m.get_cat(value),
            Text::Local(v) => v.iter().position(|t| *t == value).map(|i| i as u32),
        }
    }

    /// A code for `value` that no row has yet (for a value standing in for nulls).
    pub fn extra_code(&self) -> u32 {
        match &self.text {
            Text::Mapping(m) => m.num_cats_upper_bound() as u32,
            Text::Local(v) => v.len() as u32,
        }
    }
}

/// Codes of the string or categorical column `s`.
pub(crate) fn coded(s: &Series) -> Result<Coded<'_>> {
    match s.dtype() {
        DataType::Categorical(_, mapping) => Ok(Coded {
            ids: category_ids(s)?,
            text: Text::Mapping(mapping.as_ref()),
        }),
        DataType::String => {
            let mut index: PlHashMap<&str, u32> = PlHashMap::new();
            let mut text = Vec::new();
            let ids = crate::store::encode_with(s.str()?, |v| {
                Ok(*index.entry(v).or_insert_with(|| {
                    text.push(v);
                    (text.len() - 1) as u32
                }))
            })?;
            Ok(Coded {
                ids,
                text: Text::Local(text),
            })
        }
        dt => Err(EngineError::invalid(format!(
            "column {} is {dt}, not a string column",
            s.name()
        ))),
    }
}

/// The category ids of a categorical column (`NONE` for nulls).
fn category_ids(s: &Series) -> Result<Vec<u32>> {
    let phys = s.to_physical_repr();
    fn ids<T>(ca: &ChunkedArray<T>) -> Vec<u32>
    where
        T: PolarsNumericType,
        T::Native: Into<u32>,
    {
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            if arr.null_count() == 0 {
                out.extend(arr.values().iter().map(|&v| v.into()));
            } else {
                out.extend(arr.iter().map(|v| v.map_or(NONE, |&v| v.into())));
            }
        }
        out
    }
    Ok(match phys.dtype() {
        DataType::UInt8 => ids(phys.u8()?),
        DataType::UInt16 => ids(phys.u16()?),
        _ => ids(phys.cast(&DataType::UInt32)?.u32()?),
    })
}

/// The chunks of `ca` cut into slices of at most this many rows, so that one large part does
/// not leave the other threads idle.
const TASK_ROWS: usize = 1 << 20;

fn tasks<T: PolarsDataType>(ca: &ChunkedArray<T>) -> Vec<ChunkedArray<T>> {
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < ca.len() {
        let len = TASK_ROWS.min(ca.len() - offset);
        out.push(ca.slice(offset as i64, len));
        offset += len;
    }
    out
}

/// Distinct non-null values of column `name` in `df`: a bitset over the category ids of a
/// categorical column (a chunk per task), Polars' `n_unique` otherwise.
pub(crate) fn distinct(df: &DataFrame, name: &str) -> Result<u64> {
    let s = df.column(name)?.as_materialized_series();
    let DataType::Categorical(_, mapping) = s.dtype() else {
        return Ok(s.drop_nulls().n_unique()? as u64);
    };
    let words = mapping.num_cats_upper_bound().div_ceil(64);
    let phys = s.to_physical_repr();
    let phys = match phys.dtype() {
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => phys.into_owned(),
        _ => phys.cast(&DataType::UInt32)?,
    };
    let seen: Vec<Vec<u64>> = match phys.dtype() {
        DataType::UInt8 => mark_chunks(phys.u8()?, words),
        DataType::UInt16 => mark_chunks(phys.u16()?, words),
        _ => mark_chunks(phys.u32()?, words),
    };
    let mut all = vec![0u64; words];
    for set in seen {
        for (a, b) in all.iter_mut().zip(set) {
            *a |= b;
        }
    }
    Ok(all.iter().map(|w| w.count_ones() as u64).sum())
}

/// One bitset of the ids per chunk, the chunks in parallel.
fn mark_chunks<T>(ca: &ChunkedArray<T>, words: usize) -> Vec<Vec<u64>>
where
    T: PolarsNumericType,
    T::Native: Into<u32>,
{
    use rayon::prelude::*;
    tasks(ca)
        .par_iter()
        .map(|part| {
            let mut seen = vec![0u64; words];
            let mut mark = |id: u32| {
                if let Some(w) = seen.get_mut((id / 64) as usize) {
                    *w |= 1 << (id % 64);
                }
            };
            for arr in part.downcast_iter() {
                if arr.null_count() == 0 {
                    arr.values().iter().for_each(|&v| mark(v.into()));
                } else {
                    arr.iter().flatten().for_each(|&v| mark(v.into()));
                }
            }
            seen
        })
        .collect()
}

/// Smallest and largest value, in one pass over each slice, the slices in parallel.
pub(crate) fn min_max(ca: &Int64Chunked) -> Option<(i64, i64)> {
    use rayon::prelude::*;
    let merge = |a: Option<(i64, i64)>, b: Option<(i64, i64)>| match (a, b) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (x, None) | (None, x) => x,
    };
    tasks(ca)
        .par_iter()
        .map(|part| {
            let mut out = None;
            for arr in part.downcast_iter() {
                let found = if arr.null_count() == 0 {
                    let v = arr.values();
                    (!v.is_empty()).then(|| v.iter().fold((i64::MAX, i64::MIN), |(a, b), &x| (a.min(x), b.max(x))))
                } else {
                    arr.iter().flatten().fold(None, |acc, &x| merge(acc, Some((x, x))))
                };
                out = merge(out, found);
            }
            out
        })
        .reduce(|| None, merge)
}

/// Sessions and the time span (epoch ms, first and last) of the events passing `filter`
/// (without a filter, the totals counted when the dataset was materialized).
pub(crate) fn sessions_and_span(ds: &Dataset, filter: &Filter) -> Result<Totals> {
    if let Some(all) = ds.totals().filter(|_| filter.is_empty()) {
        return Ok(all);
    }
    let df = ds.run(ds.filtered(filter)?.select([col("session_id"), col("ts")]))?;
    let sessions = distinct(&df, "session_id")?;
    let t = epoch_ms(df.column("ts")?.as_materialized_series())?;
    Ok((sessions, min_max(t.i64()?)))
}

/// A timestamp column as epoch milliseconds (its physical values when already in ms).
pub(crate) fn epoch_ms(ts: &Series) -> Result<Series> {
    let ms = DataType::Datetime(TimeUnit::Milliseconds, None);
    let ts = match ts.dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, _) => ts.clone(),
        _ => ts.cast(&ms)?,
    };
    Ok(ts.to_physical_repr().into_owned())
}
