//! Random helpers (all infallible).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

pub(super) type R = ChaCha8Rng;

pub(super) fn chance(rng: &mut R, p: f64) -> bool {
    rng.random::<f64>() < p
}

pub(super) fn uniform(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Log-normal with the given median and log-space standard deviation.
pub(super) fn lognormal(rng: &mut R, median: f64, sigma: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    median * (sigma * z).exp()
}

/// Index drawn proportionally to `weights` (last index if the weights are degenerate).
pub(super) fn weighted_index(rng: &mut R, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut x = rng.random::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if x < w {
            return i;
        }
        x -= w;
        last = i;
    }
    last
}

/// Item of a non-empty weighted table.
pub(super) fn pick_w<T: Copy>(rng: &mut R, items: &[(T, f64)]) -> T {
    let i = weighted_index(rng, items.iter().map(|(_, w)| *w));
    items[i].0
}

/// Item of a non-empty table.
pub(super) fn pick<T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

pub(super) fn hex16(rng: &mut R) -> String {
    format!("{:016x}", rng.random::<u64>())
}

pub(super) fn uuid4(rng: &mut R) -> String {
    let mut a: u128 = rng.random();
    a = (a & !(0xF_u128 << 76)) | (0x4_u128 << 76);
    a = (a & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (a >> 96) as u32,
        ((a >> 80) & 0xFFFF) as u16,
        ((a >> 64) & 0xFFFF) as u16,
        ((a >> 48) & 0xFFFF) as u16,
        (a & 0xFFFF_FFFF_FFFF) as u64
    )
}

pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
