//! The last step of [`super::Store::build`]: each part's columns from its collected pieces,
//! enriched by id, in their compact stored form with the expressions that read them back.

use super::collect::{self, Parts, Piece, NO_ID};
use super::enrich::Enrichment;
use super::numeric::{self, Stored};
use super::{categorical, schema_index, text, Part};
use crate::error::Result;
use crate::schema::{Kind, COLUMNS};
use polars::prelude::*;

/// A built column and how it reads back.
struct Built {
    column: Column,
    stored: Stored,
}

/// The parts from their pieces. `dtypes` holds each column's in-memory dtype as read by
/// queries (categoricals already narrowed); integer columns get theirs here, the event type
/// its small categorical. `strings` are the text dictionaries of the columns kept as ids.
pub(super) fn parts(
    parts: Parts,
    enrichment: Option<&Enrichment>,
    strings: &[Option<Series>],
    dtypes: &mut [DataType],
    namespace: &PlSmallStr,
) -> Result<Vec<Part>> {
    // Each part's columns from its pieces, one column at a time; columns null in the whole
    // part go.
    let mut built: Vec<(String, Vec<Built>)> = Vec::with_capacity(parts.len());
    for (event_type, pieces) in parts {
        let mut sources: Vec<Option<Vec<u32>>> = (0..COLUMNS.len()).map(|_| None).collect();
        let mut cols = Vec::new();
        for (i, (def, col_pieces)) in COLUMNS.iter().zip(pieces).enumerate() {
            if def.name == "event_type" {
                continue;
            }
            let is_ids = strings[i].is_some() || matches!(dtypes[i], DataType::Categorical(..));
            let column = if is_ids {
                let mut ids = collect::ids_u32(&col_pieces);
                drop(col_pieces);
                // A source's ids, as collected, are kept for the derived columns after it:
                // moved once its column is built, copied first when `apply` remaps them.
                let source = enrichment.is_some_and(|e| e.is_source(i));
                let remapped = enrichment.is_some_and(|e| e.remap[i].is_some());
                if source && remapped {
                    sources[i] = Some(ids.clone());
                }
                if let Some(e) = enrichment {
                    e.apply(i, &event_type, &mut ids, &sources);
                }
                let column = match &strings[i] {
                    _ if ids.iter().all(|&v| v == NO_ID) => None,
                    // Ids into the column's strings, decoded when read (`text`).
                    Some(dict) => Some(text::ids_column(def.name, &ids, dict.len())),
                    None => Some(categorical_column(def.name, &ids, &dtypes[i])?),
                };
                if source && !remapped {
                    sources[i] = Some(ids);
                }
                column.map(|column| Built {
                    column,
                    stored: Stored::Plain,
                })
            } else {
                values_column(def.name, col_pieces, &dtypes[i])?
            };
            cols.extend(column);
        }
        built.push((event_type, cols));
    }

    // Integers read the same way in every part (the parts are concatenated): Int32 when every
    // value fits. Columns kept narrower (`numeric`) are cast when read.
    for (i, def) in COLUMNS.iter().enumerate() {
        if def.kind != Kind::Int {
            continue;
        }
        let present = built
            .iter()
            .flat_map(|(_, cols)| cols.iter().filter(|b| b.column.name() == def.name));
        let dt = narrow_int(present)?;
        for (_, cols) in built.iter_mut() {
            for b in cols.iter_mut() {
                if b.column.name() == def.name && b.stored == Stored::Plain && *b.column.dtype() != dt {
                    b.column = b.column.cast(&dt)?;
                }
            }
        }
        dtypes[i] = dt;
    }
    // The event type is a literal of each part, from one small categorical.
    let et = schema_index("event_type");
    dtypes[et] = categorical("event_type", namespace, CategoricalPhysical::U8);

    let mut out = Vec::with_capacity(built.len());
    for (event_type, cols) in built {
        let height = cols.first().map_or(0, |b| b.column.len());
        let et_value = lit(event_type.clone())
            .strict_cast(dtypes[et].clone())
            .alias("event_type");
        let mut consts = vec![("event_type".to_string(), et_value)];
        let mut decoders = Vec::new();
        let mut kept = Vec::with_capacity(cols.len());
        for Built { column, stored } in cols {
            let i = schema_index(column.name());
            let decoder = match &strings[i] {
                Some(dict) => Some(text::decoded(column.name(), dict.clone())),
                None => numeric::decoded(column.name(), stored, &dtypes[i]),
            };
            // A stored column read through a decoder stays a column.
            if let Some(d) = decoder {
                decoders.push(d);
                kept.push(column);
                continue;
            }
            match constant(&column)? {
                Some(e) => consts.push((column.name().to_string(), e)),
                None => kept.push(column),
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
        out.push(Part {
            event_type,
            df,
            consts,
            decoders,
        });
    }
    Ok(out)
}

/// Int32 when every value of every part fits (the parts' columns being Int32 or Int64, or
/// narrower unsigned ones), else Int64.
fn narrow_int<'a>(cols: impl Iterator<Item = &'a Built>) -> Result<DataType> {
    for b in cols {
        let dt = b.column.dtype();
        if matches!(dt, DataType::Int32 | DataType::UInt8 | DataType::UInt16) {
            continue;
        }
        if !collect::fits_i32(b.column.as_materialized_series())? {
            return Ok(DataType::Int64);
        }
    }
    Ok(DataType::Int32)
}

/// A categorical column from u32 ids ([`NO_ID`] for nulls) in `dtype`'s physical width.
fn categorical_column(name: &str, ids: &[u32], dtype: &DataType) -> Result<Column> {
    let validity = ids
        .contains(&NO_ID)
        .then(|| BooleanChunked::from_iter_values(PlSmallStr::EMPTY, ids.iter().map(|&v| v != NO_ID)));
    let validity = validity
        .as_ref()
        .and_then(|b| b.downcast_iter().next())
        .map(|a| a.values().clone());
    let phys: Series = match dtype.cat_physical()? {
        CategoricalPhysical::U8 => {
            UInt8Chunked::from_vec_validity(name.into(), ids.iter().map(|&v| v as u8).collect(), validity).into_series()
        }
        CategoricalPhysical::U16 => {
            UInt16Chunked::from_vec_validity(name.into(), ids.iter().map(|&v| v as u16).collect(), validity)
                .into_series()
        }
        CategoricalPhysical::U32 => UInt32Chunked::from_vec_validity(name.into(), ids.to_vec(), validity).into_series(),
    };
    Ok(Series::from_cats_and_dtype(&phys, dtype, true)
        .map_err(|e| e.context(format!("column {name}").into()))?
        .into())
}

/// A column from its pieces (all-null pieces as nulls), with how it is stored; `None` when no
/// piece has a value. A part's column was merged into one piece after its pass (`collect`).
fn values_column(name: &str, mut pieces: Vec<Piece>, dtype: &DataType) -> Result<Option<Built>> {
    if let [Piece::Compact(..)] = pieces[..] {
        if let Some(Piece::Compact(s, stored)) = pieces.pop() {
            return Ok(Some(Built {
                column: s.into_column(),
                stored,
            }));
        }
    }
    Ok(collect::concat_values(name, pieces, dtype)?.map(|s| Built {
        column: s.into_column(),
        stored: Stored::Plain,
    }))
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
