//! URL → page group: the path with ids, UUIDs, hashes and e-mails replaced by placeholders,
//! query string and fragment dropped; user rules (a text file) apply first.

use crate::error::{EngineError, Result};
use regex::Regex;
use std::path::Path;
use std::sync::OnceLock;

/// One user rule: a regex over the path; the first matching rule gives the group
/// (`$1`-style references allowed).
#[derive(Debug, Clone)]
pub struct PageRule {
    pub pattern: Regex,
    pub group: String,
}

/// User rules, read from a text file with one `REGEX -> GROUP` per line (`#` starts a comment).
#[derive(Debug, Clone, Default)]
pub struct PageRules {
    pub rules: Vec<PageRule>,
}

impl PageRules {
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let mut rules = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((pat, group)) = line.split_once("->") else {
                return Err(EngineError::file(
                    origin,
                    format!("line {}: expected `REGEX -> GROUP`", i + 1),
                ));
            };
            let pattern = Regex::new(pat.trim())
                .map_err(|e| EngineError::file(origin, format!("line {}: bad regex: {e}", i + 1)))?;
            rules.push(PageRule {
                pattern,
                group: group.trim().to_string(),
            });
        }
        Ok(PageRules { rules })
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Self::parse(&text, path)
    }
}

struct Patterns {
    uuid: Regex,
    hex: Regex,
    email: Regex,
    num: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        uuid: Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
            .expect("static regex"),
        hex: Regex::new(r"^[0-9a-fA-F]{8,}$").expect("static regex"),
        email: Regex::new(r"^[^@/\s]+@[^@/\s]+\.[^@/\s]+$").expect("static regex"),
        num: Regex::new(r"^\d+$").expect("static regex"),
    })
}

/// The path part of a URL (absolute or relative), without query or fragment.
pub fn url_path(url: &str) -> &str {
    let s = url.split(['?', '#']).next().unwrap_or("");
    let s = match s.find("://") {
        Some(i) => {
            let rest = &s[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => s,
    };
    if s.is_empty() {
        "/"
    } else {
        s
    }
}

/// Replace one path segment by a placeholder when it is an identifier.
fn normalise_segment(seg: &str) -> &str {
    let p = patterns();
    if p.num.is_match(seg) {
        ":id"
    } else if p.uuid.is_match(seg) {
        ":uuid"
    } else if p.hex.is_match(seg) && seg.chars().any(|c| c.is_ascii_digit()) {
        ":hash"
    } else if p.email.is_match(seg) {
        ":email"
    } else if is_token(seg) {
        ":token"
    } else {
        seg
    }
}

/// A long opaque token: only `[A-Za-z0-9_-]`, ≥ 20 characters, ≥ 30% digits
/// (file names such as `autumn-sale-2026.webp` are kept).
fn is_token(seg: &str) -> bool {
    let digits = seg.chars().filter(|c| c.is_ascii_digit()).count();
    seg.len() >= 20
        && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && digits * 10 >= seg.len() * 3
}

/// Built-in normalisation of a path.
pub fn normalise_path(path: &str) -> String {
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(normalise_segment)
        .collect();
    if segs.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", segs.join("/"))
    }
}

/// The page group of a URL.
pub fn page_group(url: &str, rules: &PageRules) -> String {
    let path = url_path(url);
    for rule in &rules.rules {
        if rule.pattern.is_match(path) {
            return rule.pattern.replace(path, rule.group.as_str()).into_owned();
        }
    }
    normalise_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules() {
        let r = PageRules::default();
        assert_eq!(page_group("https://shop.example.com/", &r), "/");
        assert_eq!(page_group("https://shop.example.com", &r), "/");
        assert_eq!(
            page_group("https://shop.example.com/product/10234?utm_source=x#top", &r),
            "/product/:id"
        );
        assert_eq!(
            page_group("https://a.b/account/orders/3f2b8c1e-9d4a-4c7b-8e2f-1a2b3c4d5e6f/", &r),
            "/account/orders/:uuid"
        );
        assert_eq!(
            page_group("/static/js/9f8e7d6c5b4a.js", &r),
            "/static/js/9f8e7d6c5b4a.js"
        );
        assert_eq!(page_group("/build/9f8e7d6c5b4a3210", &r), "/build/:hash");
        assert_eq!(
            page_group("/users/jane@example.com/profile", &r),
            "/users/:email/profile"
        );
        assert_eq!(page_group("/category/shoes", &r), "/category/shoes");
        assert_eq!(
            page_group("/img/hero/autumn-sale-2026.webp", &r),
            "/img/hero/autumn-sale-2026.webp"
        );
        assert_eq!(page_group("/reset/aB3x9Kq2Lm7Pz4Rt8Vw1Yc6", &r), "/reset/:token");
    }

    #[test]
    fn user_rules_win() {
        let r = PageRules::parse("# blog posts\n^/blog/[^/]+$ -> /blog/:slug\n", Path::new("rules.txt")).unwrap();
        assert_eq!(page_group("https://x.y/blog/my-first-post?a=1", &r), "/blog/:slug");
        assert_eq!(page_group("https://x.y/blog", &r), "/blog");
        assert!(PageRules::parse("no arrow", Path::new("r.txt")).is_err());
    }
}
