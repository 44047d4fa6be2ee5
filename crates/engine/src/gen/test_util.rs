//! Shared fixture and column helpers of the generator tests.

use super::{generate, GenOptions};
use polars::prelude::*;
use std::sync::OnceLock;

pub(super) fn sample() -> &'static DataFrame {
    static DF: OnceLock<DataFrame> = OnceLock::new();
    DF.get_or_init(|| {
        generate(&GenOptions {
            sessions: 3000,
            seed: 42,
        })
        .expect("generate 3000 sessions")
    })
}

pub(super) fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .expect("column")
        .str()
        .expect("string column")
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

pub(super) fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name)
        .expect("column")
        .f64()
        .expect("f64 column")
        .iter()
        .collect()
}

pub(super) fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let c = df.column(name).expect("column").cast(&DataType::Int64).expect("cast");
    c.i64().expect("i64").iter().collect()
}

pub(super) fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub(super) fn is_iphone_safari(ua: &str) -> bool {
    ua.contains("iPhone") && !ua.contains("CriOS")
}
pub(super) fn is_mac_safari(ua: &str) -> bool {
    ua.contains("Macintosh") && ua.contains("Version/") && !ua.contains("Chrome")
}
pub(super) fn is_android_chrome(ua: &str) -> bool {
    ua.contains("Android")
        && ua.contains("Mobile Safari")
        && !ua.contains("SamsungBrowser")
        && !ua.contains("Googlebot")
}
pub(super) fn is_mobile(ua: &str) -> bool {
    (ua.contains("iPhone") || (ua.contains("Android") && ua.contains("Mobile"))) && !ua.contains("Googlebot")
}
