//! Helpers shared by the adapters: lenient value access and unit conversions.

use super::RecordError;
use serde_json::Value;

/// A nested value by dotted path (`view.performance.lcp.timestamp`); a key that itself
/// contains dots is tried whole first (boomerang's flat `rt.si`).
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(x) = v.get(path) {
        return (!x.is_null()).then_some(x);
    }
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// A string (numbers and booleans rendered as text).
pub fn text(v: &Value, path: &str) -> Option<String> {
    match get(v, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number, given as a JSON number or a numeric string (vendors send both).
pub fn num(v: &Value, path: &str) -> Result<Option<f64>, RecordError> {
    match get(v, path) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| (Some(path.to_string()), format!("expected a number, got `{}`", clip(s)))),
        Some(other) => Err((Some(path.to_string()), format!("expected a number, got {other}"))),
    }
}

/// A non-negative, finite measure (rejects the record otherwise).
pub fn measure(v: &Value, path: &str, scale: f64) -> Result<Option<f64>, RecordError> {
    match num(v, path)? {
        None => Ok(None),
        Some(x) if !x.is_finite() => Err((Some(path.to_string()), "not a finite number".into())),
        Some(x) if x < 0.0 => Err((Some(path.to_string()), format!("negative value {x}"))),
        Some(x) => Ok(Some(x * scale)),
    }
}

pub const NS_TO_MS: f64 = 1e-6;
pub const US_TO_MS: f64 = 1e-3;

/// Accepted timestamp range, epoch ms (2000-01-01 ..= 2100-01-01).
pub const TS_MIN: i64 = 946_684_800_000;
pub const TS_MAX: i64 = 4_102_444_800_000;

/// Check an epoch-ms timestamp is plausible.
pub fn check_ts(field: &str, ms: i64) -> Result<i64, RecordError> {
    if (TS_MIN..=TS_MAX).contains(&ms) {
        Ok(ms)
    } else {
        Err((
            Some(field.to_string()),
            format!("timestamp {ms} ms out of range 2000–2100"),
        ))
    }
}

/// An RFC 3339 / ISO-8601 timestamp string to epoch ms.
pub fn iso_ms(field: &str, s: &str) -> Result<i64, RecordError> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.timestamp_millis())
        .map_err(|_| {
            (
                Some(field.to_string()),
                format!("not an ISO-8601 timestamp: `{}`", clip(s)),
            )
        })
        .and_then(|ms| check_ts(field, ms))
}

pub fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_numbers_and_units() {
        let v = json!({"rt.si": "abc", "view": {"performance": {"lcp": {"timestamp": 2_345_000_000u64}}}, "s": "12.5", "bad": "x"});
        assert_eq!(text(&v, "rt.si").as_deref(), Some("abc"));
        assert_eq!(
            measure(&v, "view.performance.lcp.timestamp", NS_TO_MS).unwrap(),
            Some(2345.0)
        );
        assert_eq!(num(&v, "s").unwrap(), Some(12.5));
        assert!(num(&v, "bad").is_err());
        assert_eq!(num(&v, "missing").unwrap(), None);
        assert_eq!(iso_ms("t", "2026-10-05T00:00:00Z").unwrap(), 1_791_158_400_000);
        assert!(iso_ms("t", "1970-01-01T00:00:00Z").is_err());
    }
}
