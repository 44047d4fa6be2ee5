//! Numbers in fewer bytes, decoded when a query reads them.
//!
//! Measures are non-negative and usually written with a few decimals: timings to 0.1 ms,
//! round-trip times in steps of 25 ms, downlink in steps of 0.025 Mbit/s, screen sizes and
//! HTTP statuses below 65,536. A float column whose every value is `k / 10^d` exactly, for
//! an integer `k ≥ 0` and `d ≤ 4`, is kept as `k` in the narrowest unsigned width (1, 2 or 4
//! bytes instead of 8) and read back as `k / 10^d`, the very same f64 (checked value by value
//! before the column is converted). An integer column within 0..=65535 is kept in 1 or 2
//! bytes. Anything else stays as it is.

use polars::prelude::*;

/// The most decimals tried.
const MAX_DECIMALS: u8 = 4;

fn scale_of(decimals: u8) -> f64 {
    10f64.powi(decimals as i32)
}

/// The unsigned integers `k` with `values[i] == k[i] / 10^d` for the fewest decimals `d`, when
/// every value has such a `k` (nulls stay nulls); `None` when one does not.
fn scaled_ints(ca: &Float64Chunked) -> Option<(Vec<Option<u32>>, u8)> {
    'decimals: for d in 0..=MAX_DECIMALS {
        let scale = scale_of(d);
        let mut out = Vec::with_capacity(ca.len());
        for v in ca.iter() {
            let Some(v) = v else {
                out.push(None);
                continue;
            };
            let k = (v * scale).round();
            if !(0.0..=u32::MAX as f64).contains(&k) {
                continue 'decimals;
            }
            // What the decoding computes, bit for bit (so -0.0 is not 0).
            let k = k as u32;
            if (k as f64 / scale).to_bits() != v.to_bits() {
                continue 'decimals;
            }
            out.push(Some(k));
        }
        return Some((out, d));
    }
    None
}

/// Unsigned values in the narrowest of u8, u16 and u32 that holds `max` (at least their
/// maximum).
pub(super) fn narrowest<I>(name: PlSmallStr, values: I, max: u32) -> Series
where
    I: Iterator<Item = Option<u32>>,
{
    if max <= u8::MAX as u32 {
        UInt8Chunked::from_iter_options(name, values.map(|v| v.map(|v| v as u8))).into_series()
    } else if max <= u16::MAX as u32 {
        UInt16Chunked::from_iter_options(name, values.map(|v| v.map(|v| v as u16))).into_series()
    } else {
        UInt32Chunked::from_iter_options(name, values).into_series()
    }
}

/// [`narrowest`] for values collected in a vector.
fn narrowest_of(name: PlSmallStr, values: Vec<Option<u32>>) -> Series {
    let max = values.iter().flatten().copied().max().unwrap_or(0);
    narrowest(name, values.into_iter(), max)
}

/// How a stored numeric column reads back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stored {
    /// As it is.
    Plain,
    /// Unsigned `k` of a float `k / 10^decimals`.
    Scaled(u8),
    /// Unsigned values of an integer column.
    Narrow,
}

/// The compact form of a float or integer series and how it reads back.
pub(super) fn compact(s: Series) -> PolarsResult<(Series, Stored)> {
    match s.dtype() {
        DataType::Float64 => Ok(match scaled_ints(s.f64()?) {
            Some((k, d)) => (narrowest_of(s.name().clone(), k), Stored::Scaled(d)),
            None => (s, Stored::Plain),
        }),
        DataType::Int32 | DataType::Int64 => {
            let wide = s.cast(&DataType::Int64)?;
            let ca = wide.i64()?;
            let (min, max) = (ca.min().unwrap_or(0), ca.max().unwrap_or(0));
            if min < 0 || max > u16::MAX as i64 {
                return Ok((s, Stored::Plain));
            }
            let values = ca.iter().map(|v| v.map(|v| v as u32)).collect();
            Ok((narrowest_of(s.name().clone(), values), Stored::Narrow))
        }
        _ => Ok((s, Stored::Plain)),
    }
}

/// `k / scale` of each stored `k`, computed as `scaled_ints` checked it.
fn unscale(c: Column, scale: f64) -> PolarsResult<Column> {
    let s = c.as_materialized_series();
    let out = match s.dtype() {
        DataType::UInt8 => unscale_ca(s.u8()?, scale),
        DataType::UInt16 => unscale_ca(s.u16()?, scale),
        _ => unscale_ca(s.cast(&DataType::UInt32)?.u32()?, scale),
    };
    Ok(out.into_column())
}

/// One tight loop over the values (nulls keep their slot and validity).
fn unscale_ca<T>(ca: &ChunkedArray<T>, scale: f64) -> Float64Chunked
where
    T: PolarsNumericType,
    T::Native: Into<f64>,
{
    let ca = ca.rechunk();
    let mut values = Vec::with_capacity(ca.len());
    let mut validity = None;
    if let Some(arr) = ca.downcast_iter().next() {
        values.extend(arr.values().iter().map(|&k| k.into() / scale));
        validity = arr.validity().cloned();
    }
    Float64Chunked::from_vec_validity(ca.name().clone(), values, validity)
}

/// How a stored series reads back, from its dtype and (for floats) its decimals.
pub(super) fn decoded(name: &str, stored: Stored, dtype: &DataType) -> Option<Expr> {
    match stored {
        Stored::Plain => None,
        // Not Polars' division: it multiplies by the reciprocal, which is not always the
        // value `scaled_ints` checked.
        Stored::Scaled(d) => Some(
            col(name)
                .map(
                    move |c| unscale(c, scale_of(d)),
                    |_, f| Ok(Field::new(f.name().clone(), DataType::Float64)),
                )
                .alias(name),
        ),
        Stored::Narrow => Some(col(name).cast(dtype.clone()).alias(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(values: &[Option<f64>]) -> PolarsResult<(DataType, Stored)> {
        let s = Series::new("v".into(), values);
        let (stored, how) = compact(s.clone())?;
        let dtype = stored.dtype().clone();
        let df = DataFrame::new(values.len(), vec![stored.into_column()])?;
        let back = match decoded("v", how, &DataType::Float64) {
            Some(e) => df.lazy().select([e]).collect()?,
            None => df,
        };
        let got = back.column("v")?.as_materialized_series().clone();
        // Bit for bit, nulls in place.
        let bits = |s: &Series| -> PolarsResult<Vec<Option<u64>>> {
            Ok(s.f64()?.iter().map(|v| v.map(f64::to_bits)).collect())
        };
        assert_eq!(bits(&got)?, bits(&s)?, "{values:?}");
        Ok((dtype, how))
    }

    #[test]
    fn floats_with_few_decimals_are_scaled_and_read_back_exactly() -> PolarsResult<()> {
        assert_eq!(
            round_trip(&[Some(25.0), None, Some(250.0)])?,
            (DataType::UInt8, Stored::Scaled(0))
        );
        assert_eq!(
            round_trip(&[Some(0.3), Some(1234.5), None, Some(0.1)])?,
            (DataType::UInt16, Stored::Scaled(1))
        );
        assert_eq!(
            round_trip(&[Some(9.975), Some(0.025), Some(10.0)])?,
            (DataType::UInt16, Stored::Scaled(3))
        );
        assert_eq!(
            round_trip(&[Some(60_000.1), Some(0.0)])?,
            (DataType::UInt32, Stored::Scaled(1))
        );
        assert_eq!(round_trip(&[Some(0.1034)])?, (DataType::UInt16, Stored::Scaled(4)));
        Ok(())
    }

    #[test]
    fn other_floats_stay() -> PolarsResult<()> {
        for values in [
            vec![Some(0.103_448_275_862_068_97)],
            vec![Some(1.0), Some(-1.0)],
            vec![Some(-0.0)],
            vec![Some(f64::NAN)],
            vec![Some(f64::INFINITY)],
            vec![Some(5e9)],
            vec![Some(1.0), Some(0.123_45)],
        ] {
            assert_eq!(round_trip(&values)?, (DataType::Float64, Stored::Plain), "{values:?}");
        }
        Ok(())
    }

    #[test]
    fn small_non_negative_integers_are_narrowed() -> PolarsResult<()> {
        let cases: [(Vec<Option<i64>>, DataType, Stored); 4] = [
            (vec![Some(200), None, Some(404)], DataType::UInt16, Stored::Narrow),
            (vec![Some(0), Some(255)], DataType::UInt8, Stored::Narrow),
            (vec![Some(-1), Some(3)], DataType::Int64, Stored::Plain),
            (vec![Some(70_000)], DataType::Int64, Stored::Plain),
        ];
        for (values, want, how) in cases {
            let s = Series::new("v".into(), &values);
            let (stored, got) = compact(s.clone())?;
            assert_eq!((stored.dtype(), got), (&want, how));
            let df = DataFrame::new(values.len(), vec![stored.into_column()])?;
            let back = match decoded("v", got, &DataType::Int64) {
                Some(e) => df.lazy().select([e]).collect()?,
                None => df,
            };
            assert!(back.column("v")?.as_materialized_series().equals_missing(&s));
        }
        Ok(())
    }
}
