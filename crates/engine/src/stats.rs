//! Small statistics helpers used where data is already in Rust vectors (funnel times,
//! histogram ranges). Percentiles use linear interpolation between closest ranks
//! (DESIGN.md §3; NumPy's default, DuckDB's `quantile_cont`, Polars' `Linear`).

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Linear-interpolated quantile of **sorted** values; `None` when empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// 1-based order-statistic ranks `(r, s)` bounding the p-quantile with ~95% confidence
/// (distribution-free; normal approximation to the binomial):
/// `r = ⌊np − z·√(np(1−p))⌋`, `s = ⌈np + z·√(np(1−p))⌉ + 1`. A rank outside `1..=n` means the
/// sample is too small to bound that side.
pub fn ci_ranks(n: usize, p: f64) -> (i64, i64) {
    let nf = n as f64;
    let sd = (nf * p * (1.0 - p)).sqrt();
    let r = (nf * p - Z95 * sd).floor() as i64;
    let s = (nf * p + Z95 * sd).ceil() as i64 + 1;
    (r, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.75), Some(3.25));
        assert_eq!(quantile_sorted(&[7.0], 0.75), Some(7.0));
        assert_eq!(quantile_sorted(&[], 0.75), None);
    }

    #[test]
    fn ranks() {
        assert_eq!(ci_ranks(100, 0.75), (66, 85));
        let (r, _) = ci_ranks(3, 0.75);
        assert!(r < 1);
    }
}
