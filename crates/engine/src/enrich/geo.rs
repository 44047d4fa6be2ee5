//! Country (ISO 3166-1 alpha-2) → continent and UN M49 sub-region, from a committed table.

use std::collections::HashMap;
use std::sync::OnceLock;

static COUNTRIES: &str = include_str!("../../data/countries.csv");

#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub alpha2: String,
    pub name: String,
    pub continent: String,
    pub subregion: String,
}

/// Split one RFC 4180 line (quoted fields may contain commas and doubled quotes).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The whole table, keyed by upper-case alpha-2 code.
pub fn countries() -> &'static HashMap<String, Country> {
    static TABLE: OnceLock<HashMap<String, Country>> = OnceLock::new();
    TABLE.get_or_init(|| {
        COUNTRIES
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| {
                let f = split_csv_line(l.trim_end_matches('\r'));
                (f.len() == 4).then(|| Country {
                    alpha2: f[0].clone(),
                    name: f[1].clone(),
                    continent: f[2].clone(),
                    subregion: f[3].clone(),
                })
            })
            .map(|c| (c.alpha2.clone(), c))
            .collect()
    })
}

pub fn lookup(code: &str) -> Option<&'static Country> {
    countries().get(&code.trim().to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        assert_eq!(countries().len(), 249);
        assert_eq!(lookup("us").map(|c| c.continent.as_str()), Some("Americas"));
        assert_eq!(lookup("KR").map(|c| c.name.as_str()), Some("Korea, Republic of"));
        assert_eq!(lookup("NG").map(|c| c.subregion.as_str()), Some("Western Africa"));
        assert!(lookup("XX").is_none());
    }
}
