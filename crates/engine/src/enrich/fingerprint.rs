//! Error fingerprints: error type + normalised message + top stack frame.
//!
//! Message normalisation replaces URLs (`<url>`), quoted strings (`<str>`), UUIDs (`<uuid>`),
//! hex ids (`<hex>`) and numbers (`<n>`), so that one bug reported with different values
//! groups into one hotspot.

use regex::Regex;
use std::sync::OnceLock;

struct Patterns {
    url: Regex,
    quoted: Regex,
    uuid: Regex,
    hex: Regex,
    num: Regex,
    space: Regex,
    chrome_frame: Regex,
    gecko_frame: Regex,
    file_hash: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        url: Regex::new(r#"\b(?:https?|wss?|file|blob|chrome-extension)://[^\s'"`)]+"#).expect("static regex"),
        quoted: Regex::new(r#"'[^']*'|"[^"]*"|`[^`]*`"#).expect("static regex"),
        uuid: Regex::new(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
            .expect("static regex"),
        hex: Regex::new(r"\b(?:0x[0-9a-fA-F]+|[0-9a-fA-F]{6,})\b").expect("static regex"),
        num: Regex::new(r"\b\d+(?:\.\d+)?\b").expect("static regex"),
        space: Regex::new(r"\s+").expect("static regex"),
        chrome_frame: Regex::new(r"^\s*at\s+(?:(.+?)\s+\()?(.+?)(?::\d+)?(?::\d+)?\)?\s*$").expect("static regex"),
        gecko_frame: Regex::new(r"^\s*([^@\s]*)@(.+?)(?::\d+)?(?::\d+)?\s*$").expect("static regex"),
        file_hash: Regex::new(r"\.[0-9a-f]{5,}(\.[a-z]+)$").expect("static regex"),
    })
}

/// Normalise an error message.
pub fn normalise_message(msg: &str) -> String {
    let p = patterns();
    let s = p.url.replace_all(msg, "<url>");
    let s = p.quoted.replace_all(&s, "<str>");
    let s = p.uuid.replace_all(&s, "<uuid>");
    let s = p.hex.replace_all(&s, |c: &regex::Captures| {
        let m = &c[0];
        let digit = m.chars().any(|ch| ch.is_ascii_digit());
        let letter = m.chars().any(|ch| ch.is_ascii_alphabetic());
        if m.starts_with("0x") || (digit && letter) {
            "<hex>".to_string()
        } else {
            m.to_string()
        }
    });
    let s = p.num.replace_all(&s, "<n>");
    let s = p.space.replace_all(s.trim(), " ");
    let mut out = s.into_owned();
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + "…";
    }
    out
}

/// The first frame of a stack as `function (file)`, file without directories, query, line,
/// column or content hash.
pub fn top_frame(stack: &str) -> Option<String> {
    let p = patterns();
    for line in stack.lines() {
        let caps = p.chrome_frame.captures(line).or_else(|| {
            let l = line.trim();
            (l.contains('@') && (l.contains('/') || l.contains(':')))
                .then(|| p.gecko_frame.captures(l))
                .flatten()
        });
        let Some(caps) = caps else { continue };
        let func = caps
            .get(1)
            .map(|m| m.as_str().trim())
            .filter(|f| !f.is_empty())
            .unwrap_or("<anonymous>");
        let loc = caps.get(2).map(|m| m.as_str()).unwrap_or("");
        let path = loc.split(['?', '#']).next().unwrap_or("");
        if path.is_empty() || path.starts_with('<') || path == "native" {
            return Some(func.to_string());
        }
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        // A frame in the page itself (no script file name): an inline script.
        let file = if path.contains("://") && (path.ends_with('/') || !last.contains('.')) {
            "inline".to_string()
        } else {
            p.file_hash.replace(last, "$1").into_owned()
        };
        return Some(format!("{func} ({file})"));
    }
    None
}

/// Fingerprint of one error.
pub fn fingerprint(error_type: Option<&str>, message: Option<&str>, stack: Option<&str>) -> String {
    let ty = error_type.filter(|t| !t.is_empty()).unwrap_or("Error");
    let msg = message.map(normalise_message).unwrap_or_default();
    match stack.and_then(top_frame) {
        Some(frame) => format!("{ty}: {msg} at {frame}"),
        None => format!("{ty}: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_group() {
        assert_eq!(
            normalise_message("Failed to fetch https://shop.example.com/api/products/10234?x=1"),
            "Failed to fetch <url>"
        );
        assert_eq!(
            normalise_message("Cannot read properties of undefined (reading 'price')"),
            "Cannot read properties of undefined (reading <str>)"
        );
        assert_eq!(
            normalise_message("ChunkLoadError: Loading chunk 873 failed."),
            "ChunkLoadError: Loading chunk <n> failed."
        );
        assert_eq!(
            normalise_message("order 3f2b8c1e-9d4a-4c7b-8e2f-1a2b3c4d5e6f not found"),
            "order <uuid> not found"
        );
        assert_eq!(normalise_message("bad id 5f3a9c2b77e1"), "bad id <hex>");
    }

    #[test]
    fn frames() {
        let chrome = "TypeError: x\n    at renderCartTotal (https://shop.example.com/static/js/cart.8b1e2f.js:1:4821)\n    at b (x.js:1:1)";
        assert_eq!(top_frame(chrome).as_deref(), Some("renderCartTotal (cart.js)"));
        let anon = "Error\n    at https://shop.example.com/static/js/main.3f9a1c.js:1:23456";
        assert_eq!(top_frame(anon).as_deref(), Some("<anonymous> (main.js)"));
        let gecko = "addToCart@https://shop.example.com/static/js/main.3f9a1c.js:1:23456\n";
        assert_eq!(top_frame(gecko).as_deref(), Some("addToCart (main.js)"));
        assert_eq!(top_frame("no frames here"), None);
        assert_eq!(
            top_frame("ReferenceError: ttq is not defined\n    at <anonymous>").as_deref(),
            Some("<anonymous>")
        );
        assert_eq!(
            top_frame("E\n    at https://shop.example.com/:1:854").as_deref(),
            Some("<anonymous> (inline)")
        );
        assert_eq!(
            top_frame("E\n    at https://shop.example.com/cart:1:854").as_deref(),
            Some("<anonymous> (inline)")
        );
        assert_eq!(
            fingerprint(
                Some("TypeError"),
                Some("Cannot read properties of undefined (reading 'price')"),
                Some(chrome)
            ),
            "TypeError: Cannot read properties of undefined (reading <str>) at renderCartTotal (cart.js)"
        );
    }
}
