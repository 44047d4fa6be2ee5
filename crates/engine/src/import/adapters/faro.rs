//! Grafana Faro: receiver payloads (`meta` + `measurements` / `events` / `exceptions` / `logs`,
//! one per line or one pretty-printed document) and the lines Alloy's `faro.receiver` writes to
//! Loki (logfmt or JSON, `kind=log|exception|measurement|event`). See docs/formats/faro.md.
//!
//! Units: web-vitals `values` are ms numbers (CLS unitless); `faro.performance.*` event
//! attributes are ms as strings; item timestamps are ISO-8601 strings (Loki lines carry Go's
//! `2021-09-30 10:46:17.68 +0000 UTC` form).

use super::util::{check_ts, clip, iso_ms, measure, text};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::{Map, Value};

pub struct Faro;

/// `kind` values of Loki lines.
const KINDS: &[&str] = &["log", "exception", "measurement", "event", "span"];
/// Item arrays of a receiver payload.
const ITEMS: &[&str] = &["measurements", "events", "exceptions", "logs", "traces"];
/// web-vitals value keys → canonical columns.
const VITALS: &[(&str, &str)] = &[
    ("lcp", "lcp_ms"),
    ("fcp", "fcp_ms"),
    ("inp", "inp_ms"),
    ("ttfb", "ttfb_ms"),
    ("cls", "cls"),
];
/// SDK lifecycle events that are not RUM events of their own.
const LIFECYCLE: &[&str] = &[
    "session_start",
    "session_resume",
    "session_extend",
    "view_changed",
    "route_change",
    "faro.navigation",
    "securitypolicyviolation",
];

fn is_payload(v: &Value) -> bool {
    let meta_ok = v.get("meta").is_some_and(|m| {
        m.is_object()
            && ["sdk", "app", "session", "page", "browser"]
                .iter()
                .any(|k| m.get(k).is_some())
    });
    meta_ok && ITEMS.iter().any(|k| v.get(k).is_some())
}

/// A Loki export line as a flat key → value map, when the record is one.
fn loki_line(v: &Value) -> Option<Map<String, Value>> {
    let map = match v {
        Value::String(s) => parse_logfmt(s)?,
        Value::Object(o) if o.get("meta").is_none() && o.get("event_type").is_none() => o.clone(),
        _ => return None,
    };
    let kind_ok = map
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| KINDS.contains(&k));
    let ts_ok = map.get("timestamp").is_some_and(Value::is_string);
    (kind_ok && ts_ok).then_some(map)
}

/// Parse one logfmt line (`key=value key="quoted \"value\""`). `None` when it is not logfmt.
pub fn parse_logfmt(line: &str) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    let mut chars = line.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            if c == '"' {
                return None;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            return None;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next()? {
                            'n' => value.push('\n'),
                            'r' => value.push('\r'),
                            't' => value.push('\t'),
                            'b' => value.push('\u{8}'),
                            'f' => value.push('\u{c}'),
                            'u' => {
                                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                                let code = u32::from_str_radix(&hex, 16).ok()?;
                                value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            }
                            other => value.push(other),
                        },
                        c => value.push(c),
                    }
                }
                if !closed {
                    return None;
                }
                if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                    return None;
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    if c == '"' {
                        return None;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.insert(key, Value::String(value));
    }
    (!out.is_empty()).then_some(out)
}

/// An item timestamp: RFC 3339, or Go's `time.Time.String()` form used in Loki lines.
fn faro_ts(field: &str, v: Option<&Value>) -> Result<i64, RecordError> {
    let s = match v {
        None | Some(Value::Null) => return Err((Some(field.into()), "missing timestamp".into())),
        Some(Value::String(s)) => s,
        Some(other) => return Err((Some(field.into()), format!("expected an ISO-8601 string, got {other}"))),
    };
    if chrono::DateTime::parse_from_rfc3339(s.trim()).is_ok() {
        return iso_ms(field, s);
    }
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() >= 3 {
        let joined = format!("{} {} {}", parts[0], parts[1], parts[2]);
        if let Ok(d) = chrono::DateTime::parse_from_str(&joined, "%Y-%m-%d %H:%M:%S%.f %z") {
            return check_ts(field, d.timestamp_millis());
        }
    }
    Err((Some(field.into()), format!("not a timestamp: `{}`", clip(s))))
}

/// Major version: the text before the first dot.
fn major(v: &str) -> String {
    v.split('.').next().unwrap_or(v).trim().to_string()
}

fn known(s: Option<String>) -> Option<String> {
    s.filter(|x| !x.trim().is_empty() && !x.eq_ignore_ascii_case("unknown"))
}

/// Context columns from `meta`, shared by every row of a payload.
fn base_row(meta: &Value) -> Row {
    let mut r = Row::new();
    for (path, col) in [
        ("session.id", "session_id"),
        ("page.id", "view_id"),
        ("page.url", "url"),
        ("app.name", "app"),
        ("app.environment", "environment"),
        ("browser.userAgent", "user_agent"),
        ("browser.name", "browser"),
    ] {
        if let Some(v) = known(text(meta, path)) {
            r.str(col, v);
        }
    }
    if let Some(v) = known(text(meta, "app.version")).or_else(|| known(text(meta, "app.release"))) {
        r.str("release", v);
    }
    if let Some(v) = known(text(meta, "browser.version")) {
        r.str("browser_version", major(&v));
    }
    if let Some(os) = known(text(meta, "browser.os")) {
        let mut words: Vec<&str> = os.split_whitespace().collect();
        let mut version = None;
        if let Some(last) = words.last() {
            if words.len() > 1
                && (last.starts_with(|c: char| c.is_ascii_digit()) || last.eq_ignore_ascii_case("unknown"))
            {
                version = Some(major(last)).filter(|v| !v.eq_ignore_ascii_case("unknown"));
                words.pop();
            }
        }
        r.str("os", words.join(" "));
        if let Some(v) = version {
            r.str("os_version", v);
        }
    }
    if text(meta, "browser.mobile").as_deref() == Some("true") {
        r.str("device_type", "mobile");
    }
    r
}

fn items<'a>(p: &'a Value, key: &str) -> Result<&'a [Value], RecordError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err((Some(key.into()), format!("expected an array, got {}", kind_of(other)))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An optional string-map member (`values`, `context`, `attributes`).
fn object<'a>(v: &'a Value, key: &str, field: &str) -> Result<Option<&'a Value>, RecordError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o)),
        Some(other) => Err((
            Some(format!("{field}.{key}")),
            format!("expected an object, got {}", kind_of(other)),
        )),
    }
}

/// Prefix a path error from a helper with the item's path.
fn at(prefix: &str) -> impl Fn(RecordError) -> RecordError + '_ {
    move |(f, r)| (Some(format!("{prefix}.{}", f.unwrap_or_default())), r)
}

/// A non-negative integer (bytes, status) from a number or numeric string.
fn count(v: &Value, path: &str) -> Result<Option<i64>, RecordError> {
    Ok(measure(v, path, 1.0)?.map(|x| x.round() as i64))
}

/// web-vitals navigation types → canonical.
fn navigation_type(s: &str) -> String {
    match s {
        "back-forward" | "back-forward-cache" | "back_forward" => "back_forward".into(),
        other => other.to_string(),
    }
}

fn resource_type(initiator: &str) -> String {
    match initiator {
        "xmlhttprequest" => "xhr",
        "fetch" | "beacon" => "fetch",
        "script" => "script",
        "link" | "css" => "css",
        "img" | "image" => "image",
        "font" => "font",
        "navigation" | "iframe" | "frame" => "document",
        _ => "other",
    }
    .into()
}

fn action_type(trigger: &str) -> String {
    match trigger {
        "pointerdown" | "pointerup" | "mousedown" | "mouseup" | "click" => "click".into(),
        "keydown" | "keyup" | "keypress" | "input" | "change" => "input".into(),
        other => other.to_string(),
    }
}

fn convert_payload(p: &Value, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let meta = match p.get("meta") {
        Some(m @ Value::Object(_)) => m,
        Some(other) => {
            return Err((
                Some("meta".into()),
                format!("expected an object, got {}", kind_of(other)),
            ))
        }
        None => return Err((Some("meta".into()), "missing".into())),
    };
    let base = base_row(meta);
    let session = text(meta, "session.id").unwrap_or_default();
    let mut rows = Vec::new();

    for (i, m) in items(p, "measurements")?.iter().enumerate() {
        let f = format!("measurements[{i}]");
        let ts = faro_ts(&format!("{f}.timestamp"), m.get("timestamp"))?;
        let values = object(m, "values", &f)?.cloned().unwrap_or(Value::Object(Map::new()));
        let context = object(m, "context", &f)?;
        let kind = text(m, "type").unwrap_or_default();
        let mut row = base.clone();
        row.i64("ts", ts);
        let mut any = false;
        for (key, col) in VITALS {
            if let Some(x) = measure(&values, key, 1.0).map_err(at(&format!("{f}.values")))? {
                row.f64(col, x);
                any = true;
            }
        }
        if kind == "web-vitals" {
            if !any {
                continue; // e.g. a FID-only measurement: no canonical column
            }
            row.str("event_type", "view");
            if let Some(nt) = context.and_then(|c| text(c, "navigation_type")) {
                row.str("navigation_type", navigation_type(&nt));
            }
            match context.and_then(|c| text(c, "id")) {
                Some(id) => rows.push(Converted::new(row).dedup(format!("faro\u{1f}{session}\u{1f}{id}"), ts)),
                None => rows.push(Converted::new(row)),
            }
        } else {
            row.str("event_type", "vital");
            if !kind.is_empty() {
                row.str("target", kind);
            }
            rows.push(Converted::new(row));
        }
    }

    for (i, e) in items(p, "exceptions")?.iter().enumerate() {
        let f = format!("exceptions[{i}]");
        let ts = faro_ts(&format!("{f}.timestamp"), e.get("timestamp"))?;
        let mut row = base.clone();
        row.str("event_type", "error")
            .i64("ts", ts)
            .str("error_source", "source");
        let ty = text(e, "type");
        let value = text(e, "value");
        if let Some(t) = &ty {
            row.str("error_type", t.clone());
        }
        if let Some(v) = &value {
            row.str("error_message", v.clone());
        }
        match e.get("stacktrace") {
            Some(Value::String(s)) if !s.is_empty() => {
                row.str("error_stack", s.clone());
            }
            Some(st @ Value::Object(_)) => {
                let mut s = format!("{}: {}", ty.as_deref().unwrap_or(""), value.as_deref().unwrap_or(""));
                if let Some(Value::Array(frames)) = st.get("frames") {
                    for fr in frames {
                        let func = text(fr, "function").unwrap_or_else(|| "?".into());
                        let file = text(fr, "filename").unwrap_or_default();
                        let line = text(fr, "lineno").unwrap_or_default();
                        let col = text(fr, "colno").unwrap_or_default();
                        s.push_str(&format!("\n  at {func} ({file}:{line}:{col})"));
                    }
                }
                row.str("error_stack", s);
            }
            None | Some(Value::Null) | Some(Value::String(_)) => {}
            Some(other) => {
                return Err((
                    Some(format!("{f}.stacktrace")),
                    format!("expected an object, got {}", kind_of(other)),
                ))
            }
        }
        rows.push(Converted::new(row));
    }

    for (i, l) in items(p, "logs")?.iter().enumerate() {
        let f = format!("logs[{i}]");
        let ts = faro_ts(&format!("{f}.timestamp"), l.get("timestamp"))?;
        if text(l, "level").as_deref() != Some("error") {
            continue;
        }
        let mut row = base.clone();
        row.str("event_type", "error")
            .i64("ts", ts)
            .str("error_source", "console");
        if let Some(m) = text(l, "message") {
            row.str("error_message", m);
        }
        rows.push(Converted::new(row));
    }

    for (i, e) in items(p, "events")?.iter().enumerate() {
        let f = format!("events[{i}]");
        let ts = faro_ts(&format!("{f}.timestamp"), e.get("timestamp"))?;
        let name = text(e, "name").ok_or_else(|| (Some(format!("{f}.name")), "missing event name".to_string()))?;
        let empty = Value::Object(Map::new());
        let attrs = object(e, "attributes", &f)?.unwrap_or(&empty);
        let af = format!("{f}.attributes");
        let mut row = base.clone();
        row.i64("ts", ts);
        match name.as_str() {
            "faro.performance.navigation" => {
                row.str("event_type", "view");
                let load = match measure(attrs, "duration", 1.0).map_err(at(&af))? {
                    Some(x) => Some(x),
                    None => measure(attrs, "totalNavigationTime", 1.0).map_err(at(&af))?,
                };
                if let Some(x) = load {
                    row.f64("load_ms", x);
                }
                if let Some(t) = text(attrs, "type") {
                    row.str("navigation_type", navigation_type(&t));
                }
                if let Some(u) = text(attrs, "name") {
                    row.str("url", u);
                }
            }
            "faro.performance.resource" => {
                row.str("event_type", "resource");
                if let Some(u) = text(attrs, "name") {
                    row.str("resource_url", u);
                }
                if let Some(t) = text(attrs, "initiatorType") {
                    row.str("resource_type", resource_type(&t));
                }
                if let Some(x) = measure(attrs, "duration", 1.0).map_err(at(&af))? {
                    row.f64("duration_ms", x);
                }
                if let Some(n) = count(attrs, "transferSize").map_err(at(&af))? {
                    row.i64("transfer_bytes", n);
                }
                if let Some(n) = count(attrs, "responseStatus").map_err(at(&af))? {
                    row.i64("status_code", n);
                }
            }
            "faro.user.action" => {
                row.str("event_type", "action");
                if let Some(t) = text(attrs, "userActionName") {
                    row.str("target", t);
                }
                row.str(
                    "action_type",
                    text(attrs, "userActionTrigger")
                        .map(|t| action_type(&t))
                        .unwrap_or_else(|| "custom".into()),
                );
                if let Some(x) = measure(attrs, "userActionDuration", 1.0).map_err(at(&af))? {
                    row.f64("duration_ms", x);
                }
            }
            n if LIFECYCLE.contains(&n) => continue,
            _ => {
                row.str("event_type", "action")
                    .str("action_type", "custom")
                    .str("target", name.clone());
            }
        }
        rows.push(Converted::new(row));
    }
    // `traces` (OTLP spans) are dropped: fetch timings come from `faro.performance.resource`.
    out.extend(rows);
    Ok(())
}

/// A Loki line rebuilt as a one-item receiver payload.
fn loki_payload(m: &Map<String, Value>) -> Value {
    let mut meta = Map::new();
    let mut item = Map::new();
    let mut values = Map::new();
    let mut context = Map::new();
    let mut attributes = Map::new();
    for (k, v) in m {
        let mut put = |group: &str, key: &str| {
            let g = meta
                .entry(group.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(o) = g {
                o.insert(key.to_string(), v.clone());
            }
        };
        if let Some(x) = k.strip_prefix("value_") {
            values.insert(x.to_string(), v.clone());
        } else if let Some(x) = k.strip_prefix("context_") {
            context.insert(x.to_string(), v.clone());
        } else if let Some(x) = k.strip_prefix("event_data_") {
            attributes.insert(x.to_string(), v.clone());
        } else if let Some(x) = k.strip_prefix("app_") {
            put("app", x);
        } else if let Some(x) = k.strip_prefix("session_") {
            put("session", x);
        } else if let Some(x) = k.strip_prefix("page_") {
            put("page", x);
        } else if let Some(x) = k.strip_prefix("browser_") {
            put("browser", x);
        } else if let Some(x) = k.strip_prefix("view_") {
            put("view", x);
        } else if let Some(x) = k.strip_prefix("sdk_") {
            put("sdk", x);
        }
    }
    for key in ["timestamp", "type", "value", "stacktrace", "message", "level"] {
        if let Some(v) = m.get(key) {
            item.insert(key.into(), v.clone());
        }
    }
    if let Some(v) = m.get("event_name") {
        item.insert("name".into(), v.clone());
    }
    if let Some(v) = m.get("event_domain") {
        item.insert("domain".into(), v.clone());
    }
    item.insert("values".into(), Value::Object(values));
    item.insert("context".into(), Value::Object(context));
    item.insert("attributes".into(), Value::Object(attributes));
    let coll = match m.get("kind").and_then(Value::as_str) {
        Some("log") => "logs",
        Some("exception") => "exceptions",
        Some("measurement") => "measurements",
        Some("event") => "events",
        _ => "traces", // spans: dropped like payload traces
    };
    let mut p = Map::new();
    p.insert("meta".into(), Value::Object(meta));
    if coll != "traces" {
        p.insert(coll.into(), Value::Array(vec![Value::Object(item)]));
    }
    Value::Object(p)
}

/// A payload path of the rebuilt item back to the Loki key it came from.
fn loki_field(f: String) -> String {
    let rest = match f.split_once("].") {
        Some((_, rest)) => rest,
        None => return f,
    };
    for (from, to) in [
        ("values.", "value_"),
        ("context.", "context_"),
        ("attributes.", "event_data_"),
    ] {
        if let Some(x) = rest.strip_prefix(from) {
            return format!("{to}{x}");
        }
    }
    match rest {
        "name" => "event_name".into(),
        other => other.to_string(),
    }
}

impl Adapter for Faro {
    fn name(&self) -> &'static str {
        "faro"
    }
    fn title(&self) -> &'static str {
        "Grafana Faro"
    }
    fn description(&self) -> &'static str {
        "Grafana Faro receiver payloads (meta + measurements/events/exceptions/logs) and Alloy's Loki lines (logfmt or JSON)"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        let payloads = records.iter().filter(|r| is_payload(r)).count();
        let logfmt = records
            .iter()
            .filter(|r| r.is_string() && loki_line(r).is_some())
            .count();
        let loki_json = records
            .iter()
            .filter(|r| r.is_object() && loki_line(r).is_some())
            .count();
        let hits = payloads + logfmt + loki_json;
        if hits == 0 || hits * 2 < records.len() {
            return None;
        }
        let mut why = Vec::new();
        if payloads > 0 {
            why.push("`meta` with item arrays (`measurements`/`events`/`exceptions`/`logs`)".to_string());
        }
        if logfmt > 0 {
            why.push("Loki logfmt lines with `kind=` and `timestamp=`".to_string());
        }
        if loki_json > 0 {
            why.push("Loki JSON lines with `kind` and `timestamp`".to_string());
        }
        Some(format!("found {}", why.join(" and ")))
    }
    fn convert(&self, record: &Value, _ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        if is_payload(record) {
            return convert_payload(record, out);
        }
        if let Some(m) = loki_line(record) {
            return convert_payload(&loki_payload(&m), out).map_err(|(f, r)| (f.map(loki_field), r));
        }
        Err((
            None,
            "neither a Faro payload (`meta` + items) nor a Faro Loki line (`kind`, `timestamp`)".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logfmt_quotes_and_escapes() {
        let m = parse_logfmt(r#"a=1 b="x y" c="q\"uote\\d\n" d= e"#).unwrap();
        assert_eq!(m["a"], "1");
        assert_eq!(m["b"], "x y");
        assert_eq!(m["c"], "q\"uote\\d\n");
        assert_eq!(m["d"], "");
        assert_eq!(m["e"], "");
        assert!(parse_logfmt(r#"a="unterminated"#).is_none());
        assert!(parse_logfmt("=x").is_none());
        assert!(parse_logfmt("rt.si=abc&u=https://x").is_some_and(|m| m.get("kind").is_none()));
    }

    #[test]
    fn go_timestamps() {
        let ts = faro_ts("t", Some(&Value::String("2021-09-30 10:46:17.68 +0000 UTC".into()))).unwrap();
        assert_eq!(ts, 1_632_998_777_680);
        assert_eq!(
            faro_ts("t", Some(&Value::String("2021-09-30T10:46:17.680Z".into()))).unwrap(),
            ts
        );
    }
}
