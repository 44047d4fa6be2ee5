//! OpenTelemetry: OTLP/JSON logs and spans (`resourceLogs` / `resourceSpans` → scope → records),
//! as one document per file or one export request per line. See docs/formats/otel.md.
//!
//! `split` flattens a document into one value per log record or span:
//! `{"otel_record": "log"|"span", "resource": {attributes}, "scope": "name", "record": {...}}`
//! so each record carries its resource attributes and is accepted or rejected on its own.
//! Units: `*UnixNano` are epoch **nanoseconds**, given as strings in JSON → ms.

use super::util::{check_ts, clip, measure, text};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::{json, Map, Value};

pub struct Otel;

const WRAP: &str = "otel_record";
const VITALS: &[(&str, &str)] = &[
    ("lcp", "lcp_ms"),
    ("fcp", "fcp_ms"),
    ("inp", "inp_ms"),
    ("ttfb", "ttfb_ms"),
    ("cls", "cls"),
];

fn is_document(v: &Value) -> bool {
    v.get("resourceLogs").is_some_and(Value::is_array) || v.get("resourceSpans").is_some_and(Value::is_array)
}

/// An OTLP `AnyValue` as plain JSON (tolerates a bare-array `kvlistValue`).
fn any_value(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return v.clone();
    };
    if let Some(s) = o.get("stringValue") {
        return s.clone();
    }
    if let Some(i) = o.get("intValue") {
        return match i {
            Value::String(s) => s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| i.clone()),
            other => other.clone(),
        };
    }
    if let Some(d) = o.get("doubleValue") {
        return d.clone();
    }
    if let Some(b) = o.get("boolValue") {
        return b.clone();
    }
    if let Some(b) = o.get("bytesValue") {
        return b.clone();
    }
    if let Some(a) = o.get("arrayValue") {
        let vals = a.get("values").or(Some(a)).and_then(Value::as_array);
        return Value::Array(vals.map(|v| v.iter().map(any_value).collect()).unwrap_or_default());
    }
    if let Some(kv) = o.get("kvlistValue") {
        let vals = kv.get("values").unwrap_or(kv);
        return Value::Object(attributes(vals));
    }
    Value::Null
}

/// `[{key, value: AnyValue}]` → `{key: value}`.
fn attributes(list: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(items) = list.as_array() {
        for kv in items {
            if let Some(k) = kv.get("key").and_then(Value::as_str) {
                m.insert(k.to_string(), kv.get("value").map(any_value).unwrap_or(Value::Null));
            }
        }
    }
    m
}

fn wrap_all(doc: &Value, out: &mut Vec<Value>) {
    for (kind, top, scopes_keys, recs) in [
        (
            "log",
            "resourceLogs",
            ["scopeLogs", "instrumentationLibraryLogs"],
            "logRecords",
        ),
        (
            "span",
            "resourceSpans",
            ["scopeSpans", "instrumentationLibrarySpans"],
            "spans",
        ),
    ] {
        let Some(resources) = doc.get(top).and_then(Value::as_array) else {
            continue;
        };
        for r in resources {
            let res = attributes(
                r.get("resource")
                    .and_then(|x| x.get("attributes"))
                    .unwrap_or(&Value::Null),
            );
            for sk in scopes_keys {
                let Some(scopes) = r.get(sk).and_then(Value::as_array) else {
                    continue;
                };
                for s in scopes {
                    let scope = s
                        .get("scope")
                        .or_else(|| s.get("instrumentationLibrary"))
                        .and_then(|x| x.get("name"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    match s.get(recs) {
                        Some(Value::Array(items)) => {
                            for rec in items {
                                out.push(json!({WRAP: kind, "resource": res, "scope": scope, "record": rec}));
                            }
                        }
                        None | Some(Value::Null) => {}
                        Some(_) => out.push(
                            json!({WRAP: "bad", "field": format!("{top}.{sk}.{recs}"), "reason": "expected an array"}),
                        ),
                    }
                }
            }
        }
    }
}

/// Epoch ns (string or number) → epoch ms; `None` when absent or 0 (unset in OTLP).
fn ns(v: &Value, field: &str) -> Result<Option<i128>, RecordError> {
    let n: i128 = match v.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i128>().map_err(|_| {
            (
                Some(field.to_string()),
                format!("expected epoch nanoseconds, got `{}`", clip(s)),
            )
        })?,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(u) => u as i128,
            None => return Err((Some(field.to_string()), format!("expected epoch nanoseconds, got {n}"))),
        },
        Some(other) => {
            return Err((
                Some(field.to_string()),
                format!("expected epoch nanoseconds, got {other}"),
            ))
        }
    };
    if n < 0 {
        return Err((Some(field.to_string()), format!("negative time {n}")));
    }
    Ok((n != 0).then_some(n))
}

fn ns_to_ms(field: &str, n: i128) -> Result<i64, RecordError> {
    let ms = i64::try_from(n / 1_000_000).unwrap_or(i64::MAX);
    check_ts(field, ms)
}

/// An interval in ns → ms, rejecting a negative one.
fn span_ms(field: &str, from: i128, to: i128) -> Result<f64, RecordError> {
    if to < from {
        return Err((
            Some(field.to_string()),
            format!("ends {} ms before it starts", (from - to) as f64 * 1e-6),
        ));
    }
    Ok((to - from) as f64 * 1e-6)
}

/// First present key among `keys` as text.
fn first(m: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(m, k))
}

fn navigation_type(s: &str) -> String {
    match s {
        "back-forward" | "back-forward-cache" | "back_forward" => "back_forward".into(),
        other => other.to_string(),
    }
}

/// Context columns from resource attributes, then record attributes (record wins).
fn base_row(res: &Value, attrs: &Value) -> Row {
    let mut r = Row::new();
    for src in [res, attrs] {
        for (keys, col) in [
            (&["service.name"][..], "app"),
            (&["service.version"][..], "release"),
            (
                &["deployment.environment.name", "deployment.environment"][..],
                "environment",
            ),
            (&["user_agent.original", "http.user_agent"][..], "user_agent"),
            (&["session.id"][..], "session_id"),
            (&["browser.platform"][..], "os"),
            (&["browser.name"][..], "browser"),
        ] {
            if let Some(v) = first(src, keys) {
                r.str(col, v);
            }
        }
        if let Some(v) = text(src, "browser.version") {
            r.str("browser_version", v.split('.').next().unwrap_or(&v).to_string());
        }
        if text(src, "browser.mobile").as_deref() == Some("true") {
            r.str("device_type", "mobile");
        }
    }
    r
}

fn convert_log(res: &Value, rec: &Value, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let attrs = Value::Object(attributes(rec.get("attributes").unwrap_or(&Value::Null)));
    let t = match ns(rec, "timeUnixNano")? {
        Some(n) => ("timeUnixNano", n),
        None => match ns(rec, "observedTimeUnixNano")? {
            Some(n) => ("observedTimeUnixNano", n),
            None => return Err((Some("timeUnixNano".into()), "missing timestamp".into())),
        },
    };
    let ts = ns_to_ms(t.0, t.1)?;
    let body = rec.get("body").map(any_value).unwrap_or(Value::Null);
    // Event fields may sit in the attributes or, for older events, in a kvlist body.
    let field = |k: &str| text(&attrs, k).or_else(|| text(&body, k));
    let name = text(rec, "eventName")
        .or_else(|| text(&attrs, "event.name"))
        .unwrap_or_default();
    let mut row = base_row(res, &attrs);
    row.i64("ts", ts);
    if let Some(u) = text(&attrs, "url.full") {
        row.str("url", u);
    }
    match name.as_str() {
        "browser.web_vital" => {
            let metric = field("browser.web_vital.name").unwrap_or_default().to_ascii_lowercase();
            let Some((_, col)) = VITALS.iter().find(|(k, _)| *k == metric) else {
                return Ok(()); // FID and unknown metrics have no canonical column
            };
            let src = if attrs.get("browser.web_vital.value").is_some() {
                &attrs
            } else {
                &body
            };
            let v = measure(src, "browser.web_vital.value", 1.0)?
                .ok_or_else(|| (Some("browser.web_vital.value".to_string()), "missing value".to_string()))?;
            row.str("event_type", "view").f64(col, v);
            if let Some(nt) = field("browser.web_vital.navigation_type") {
                row.str("navigation_type", navigation_type(&nt));
            }
            let c = Converted::new(row);
            out.push(match field("browser.web_vital.id") {
                Some(id) => {
                    let session = first(&attrs, &["session.id"])
                        .or_else(|| text(res, "session.id"))
                        .unwrap_or_default();
                    c.dedup(format!("otel\u{1f}{session}\u{1f}{id}"), ts)
                }
                None => c,
            });
        }
        "browser.page_view" => {
            row.str("event_type", "view");
            if let Some(u) = field("url").or_else(|| field("url.full")) {
                row.str("url", u);
            }
            if let Some(r) = field("referrer") {
                row.str("referrer", r);
            }
            out.push(Converted::new(row));
        }
        _ if name == "exception"
            || attrs.get("exception.type").is_some()
            || attrs.get("exception.message").is_some() =>
        {
            exception_row(&mut row, &attrs);
            out.push(Converted::new(row));
        }
        _ => {
            let severity = rec.get("severityNumber").and_then(Value::as_i64).unwrap_or(0);
            if severity >= 17 {
                row.str("event_type", "error").str("error_source", "console");
                if let Some(m) = body.as_str().filter(|s| !s.is_empty()) {
                    row.str("error_message", m);
                }
                out.push(Converted::new(row));
            }
        }
    }
    Ok(())
}

fn exception_row(row: &mut Row, attrs: &Value) {
    row.str("event_type", "error").str("error_source", "source");
    for (k, col) in [
        ("exception.type", "error_type"),
        ("exception.message", "error_message"),
        ("exception.stacktrace", "error_stack"),
    ] {
        if let Some(v) = text(attrs, k) {
            row.str(col, v);
        }
    }
}

fn convert_span(res: &Value, scope: &str, rec: &Value, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let attrs = Value::Object(attributes(rec.get("attributes").unwrap_or(&Value::Null)));
    let start = ns(rec, "startTimeUnixNano")?
        .ok_or_else(|| (Some("startTimeUnixNano".to_string()), "missing timestamp".to_string()))?;
    let ts = ns_to_ms("startTimeUnixNano", start)?;
    let end = ns(rec, "endTimeUnixNano")?;
    let duration = match end {
        Some(e) => Some(span_ms("endTimeUnixNano", start, e)?),
        None => None,
    };
    let name = text(rec, "name").unwrap_or_default();
    let base = base_row(res, &attrs);
    let mut row = base.clone();
    row.i64("ts", ts);
    let target_url = first(&attrs, &["url.full", "http.url"]);
    let method = first(&attrs, &["http.request.method", "http.method"]);
    let lname = name.to_ascii_lowercase();

    // Span events: navigation-timing marks and exceptions.
    let mut marks: Vec<(String, i128)> = Vec::new();
    let mut errors = Vec::new();
    match rec.get("events") {
        None | Some(Value::Null) => {}
        Some(Value::Array(events)) => {
            for (i, e) in events.iter().enumerate() {
                let en = text(e, "name").unwrap_or_default();
                let et = ns(e, "timeUnixNano").map_err(|(f, r)| (f.map(|f| format!("events[{i}].{f}")), r))?;
                let eattrs = Value::Object(attributes(e.get("attributes").unwrap_or(&Value::Null)));
                if en == "exception" {
                    let mut er = base.clone();
                    let t = match et {
                        Some(n) => ns_to_ms(&format!("events[{i}].timeUnixNano"), n)?,
                        None => ts,
                    };
                    er.i64("ts", t);
                    exception_row(&mut er, &eattrs);
                    errors.push(Converted::new(er));
                } else if let Some(t) = et {
                    marks.push((en, t));
                }
            }
        }
        Some(_) => return Err((Some("events".into()), "expected an array".into())),
    }
    let mark = |n: &str| marks.iter().find(|(k, _)| k == n).map(|(_, t)| *t);

    if name == "documentLoad" {
        row.str("event_type", "view");
        if let Some(u) = &target_url {
            row.str("url", u.clone());
        }
        for (ev, col) in [
            ("responseStart", "ttfb_ms"),
            ("firstContentfulPaint", "fcp_ms"),
            ("domInteractive", "dom_interactive_ms"),
            ("domComplete", "dom_complete_ms"),
            ("loadEventEnd", "load_ms"),
        ] {
            if let Some(t) = mark(ev) {
                row.f64(col, span_ms(&format!("events.{ev}"), start, t)?);
            }
        }
        if mark("loadEventEnd").is_none() {
            if let Some(d) = duration {
                row.f64("load_ms", d);
            }
        }
        out.push(Converted::new(row));
    } else if let Some((_, col)) = VITALS
        .iter()
        .find(|(k, _)| *k == lname)
        .filter(|(k, _)| attrs.get(format!("{k}.value")).is_some())
    {
        // Honeycomb-style web-vital span (`lcp.value`, `lcp.id`, …).
        let v = measure(&attrs, &format!("{lname}.value"), 1.0)?.unwrap_or_default();
        row.str("event_type", "view").f64(col, v);
        let c = Converted::new(row);
        out.push(match text(&attrs, &format!("{lname}.id")) {
            Some(id) => {
                let session = text(&attrs, "session.id")
                    .or_else(|| text(res, "session.id"))
                    .unwrap_or_default();
                c.dedup(format!("otel\u{1f}{session}\u{1f}{id}"), ts)
            }
            None => c,
        });
    } else if name == "resourceFetch" || (method.is_some() && target_url.is_some()) {
        row.str("event_type", "resource");
        if let Some(u) = &target_url {
            row.str("resource_url", u.clone());
        }
        if let Some(m) = &method {
            row.str("method", m.to_ascii_uppercase());
        }
        let component = text(&attrs, "component").unwrap_or_else(|| scope.to_string());
        let rtype = if name == "resourceFetch" {
            None
        } else if component.contains("xml-http-request") || component.contains("xhr") {
            Some("xhr")
        } else if component.contains("fetch") {
            Some("fetch")
        } else {
            None
        };
        if let Some(t) = rtype {
            row.str("resource_type", t);
        }
        for k in ["http.response.status_code", "http.status_code"] {
            if let Some(x) = measure(&attrs, k, 1.0)? {
                row.i64("status_code", x.round() as i64);
                break;
            }
        }
        for k in ["http.response_content_length", "http.response.body.size"] {
            if let Some(x) = measure(&attrs, k, 1.0)? {
                row.i64("transfer_bytes", x.round() as i64);
                break;
            }
        }
        if let Some(d) = duration {
            row.f64("duration_ms", d);
        }
        out.push(Converted::new(row));
    } else if let Some(ev) = text(&attrs, "event_type") {
        // @opentelemetry/instrumentation-user-interaction
        row.str("event_type", "action").str("action_type", ev);
        if let Some(t) = first(&attrs, &["target_xpath", "target_element"]) {
            row.str("target", t);
        }
        if let Some(d) = duration {
            row.f64("duration_ms", d);
        }
        out.push(Converted::new(row));
    }
    out.extend(errors);
    Ok(())
}

fn convert_one(w: &Value, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let empty = Value::Object(Map::new());
    let res = w.get("resource").unwrap_or(&empty);
    let rec = match w.get("record") {
        Some(r @ Value::Object(_)) => r,
        _ if w.get(WRAP).and_then(Value::as_str) == Some("bad") => {
            return Err((text(w, "field"), text(w, "reason").unwrap_or_default()))
        }
        Some(other) => return Err((None, format!("expected a log record or span object, got {other}"))),
        None => return Err((None, "expected a log record or span object".into())),
    };
    match w.get(WRAP).and_then(Value::as_str) {
        Some("log") => convert_log(res, rec, out),
        Some("span") => convert_span(res, &text(w, "scope").unwrap_or_default(), rec, out),
        _ => Err((Some(WRAP.into()), "unknown record kind".into())),
    }
}

impl Adapter for Otel {
    fn name(&self) -> &'static str {
        "otel"
    }
    fn title(&self) -> &'static str {
        "OpenTelemetry"
    }
    fn description(&self) -> &'static str {
        "OTLP/JSON logs and spans (resourceLogs/resourceSpans): browser.web_vital, browser.page_view, documentLoad, fetch/XHR, exceptions"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        let logs = records
            .iter()
            .any(|r| r.get("resourceLogs").is_some_and(Value::is_array));
        let spans = records
            .iter()
            .any(|r| r.get("resourceSpans").is_some_and(Value::is_array));
        let docs = records.iter().filter(|r| is_document(r)).count();
        if docs == 0 || docs * 2 < records.len() {
            return None;
        }
        Some(match (logs, spans) {
            (true, true) => "found `resourceLogs` and `resourceSpans`".into(),
            (true, false) => "found `resourceLogs`".into(),
            _ => "found `resourceSpans`".into(),
        })
    }
    fn split(&self, doc: Value) -> Vec<Value> {
        let mut out = Vec::new();
        match doc {
            Value::Array(items) => {
                for d in items {
                    if is_document(&d) {
                        wrap_all(&d, &mut out);
                    } else {
                        out.push(d);
                    }
                }
            }
            d if is_document(&d) => wrap_all(&d, &mut out),
            other => out.push(other),
        }
        out
    }
    fn convert(&self, record: &Value, _ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        if record.get(WRAP).is_some() {
            return convert_one(record, out);
        }
        if is_document(record) {
            // One export request per line: all its records stand or fall together.
            let mut wrapped = Vec::new();
            wrap_all(record, &mut wrapped);
            for (i, w) in wrapped.iter().enumerate() {
                convert_one(w, out).map_err(|(f, r)| (f, format!("record {} of the request: {r}", i + 1)))?;
            }
            return Ok(());
        }
        Err((
            None,
            "not an OTLP log record or span (no `resourceLogs`/`resourceSpans`)".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_values_and_nanoseconds() {
        let v = json!({"kvlistValue": [{"key": "type", "value": {"intValue": "0"}}, {"key": "u", "value": {"stringValue": "x"}}]});
        assert_eq!(any_value(&v), json!({"type": 0, "u": "x"}));
        let v = json!({"kvlistValue": {"values": [{"key": "b", "value": {"boolValue": true}}]}});
        assert_eq!(any_value(&v), json!({"b": true}));
        let r = json!({"t": "1544712660300000000"});
        assert_eq!(ns_to_ms("t", ns(&r, "t").unwrap().unwrap()).unwrap(), 1_544_712_660_300);
        assert!(ns(&json!({"t": "abc"}), "t").is_err());
        assert_eq!(ns(&json!({"t": "0"}), "t").unwrap(), None);
    }
}
