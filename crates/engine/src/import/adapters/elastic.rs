//! Elastic APM RUM agent intake payloads (docs/formats/elastic.md).
//!
//! NDJSON: a metadata line (v2 `{"metadata":…}`, v3 `{"m":…}`) applying to the lines after it,
//! then one event per line: v2 `transaction`, `span`, `error`, `metricset`; v3 (abbreviated
//! keys) `x` with its spans nested in `x.y`, `e`, `me`. `timestamp` is epoch **µs**, durations
//! and marks are ms.

use super::util::{check_ts, clip, get, measure, num, text, US_TO_MS};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::Value;

pub struct Elastic;

/// Field names of one intake version.
struct Keys {
    v3: bool,
    /// Prefix used in reject messages (`transaction`, `x`, …).
    service: &'static str,
    name: &'static str,
    version: &'static str,
    env: &'static str,
    conn: &'static str,
    context: &'static str,
    page_url: &'static str,
    page_ref: &'static str,
    req_headers: &'static str,
    ty: &'static str,
    subtype: &'static str,
    duration: &'static str,
    start: &'static str,
    session: &'static str,
    agent_marks: &'static str,
    nt_marks: &'static str,
    exp: &'static str,
    http: &'static str,
    method: &'static str,
    status: &'static str,
    status_new: &'static str,
    transfer: &'static str,
    exception: &'static str,
    message: &'static str,
    stack: &'static str,
    log: &'static str,
    tx_id: &'static str,
    f_abs: &'static str,
    f_file: &'static str,
    f_fn: &'static str,
    f_line: &'static str,
    f_col: &'static str,
}

const V2: Keys = Keys {
    v3: false,
    service: "service",
    name: "name",
    version: "version",
    env: "environment",
    conn: "network.connection.type",
    context: "context",
    page_url: "context.page.url",
    page_ref: "context.page.referer",
    req_headers: "context.request.headers",
    ty: "type",
    subtype: "subtype",
    duration: "duration",
    start: "start",
    session: "session.id",
    agent_marks: "marks.agent",
    nt_marks: "marks.navigationTiming",
    exp: "experience",
    http: "context.http",
    method: "method",
    status: "status_code",
    status_new: "response.status_code",
    transfer: "response.transfer_size",
    exception: "exception",
    message: "message",
    stack: "stacktrace",
    log: "log",
    tx_id: "transaction_id",
    f_abs: "abs_path",
    f_file: "filename",
    f_fn: "function",
    f_line: "lineno",
    f_col: "colno",
};

const V3: Keys = Keys {
    v3: true,
    service: "se",
    name: "n",
    version: "ve",
    env: "en",
    conn: "n.c.t",
    context: "c",
    page_url: "c.p.url",
    page_ref: "c.p.rf",
    req_headers: "c.q.he",
    ty: "t",
    subtype: "su",
    duration: "d",
    start: "s",
    session: "ses.id",
    agent_marks: "k.a",
    nt_marks: "k.nt",
    exp: "exp",
    http: "c.h",
    method: "mt",
    status: "sc",
    status_new: "r.sc",
    transfer: "r.ts",
    exception: "ex",
    message: "mg",
    stack: "st",
    log: "log",
    tx_id: "xid",
    f_abs: "ap",
    f_file: "f",
    f_fn: "fn",
    f_line: "li",
    f_col: "co",
};

/// Agent marks (ms from the page's navigation start), v2 name and v3 key, → canonical column.
const AGENT_MARKS: &[(&str, &str, &str)] = &[
    ("timeToFirstByte", "fb", "ttfb_ms"),
    ("firstContentfulPaint", "fp", "fcp_ms"),
    ("largestContentfulPaint", "lp", "lcp_ms"),
    ("domInteractive", "di", "dom_interactive_ms"),
    ("domComplete", "dc", "dom_complete_ms"),
];

const EVENTS_V2: &[&str] = &["transaction", "span", "error", "metricset", "log"];
const EVENTS_V3: &[&str] = &["x", "e", "me"];

impl Adapter for Elastic {
    fn name(&self) -> &'static str {
        "elastic"
    }
    fn title(&self) -> &'static str {
        "Elastic APM RUM"
    }
    fn description(&self) -> &'static str {
        "Elastic APM RUM agent intake NDJSON, v2 (`metadata`, `transaction`, `span`, `error`) and v3 (`m`, `x`, `e`)"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        let single = |r: &Value| -> Option<(String, Value)> {
            let m = r.as_object()?;
            (m.len() == 1).then(|| m.iter().next().map(|(k, v)| (k.clone(), v.clone())))?
        };
        for r in records {
            match single(r) {
                Some((k, v)) if k == "metadata" && v.get("service").is_some_and(Value::is_object) => {
                    return Some("found an intake v2 `metadata` line with `service`".into())
                }
                Some((k, v)) if k == "m" && v.get("se").is_some_and(Value::is_object) => {
                    return Some("found an intake v3 `m` metadata line with `se`".into())
                }
                _ => {}
            }
        }
        // No metadata line in the sample: every object is a one-key event line with an `id`.
        let objects: Vec<&Value> = records.iter().filter(|r| r.is_object()).collect();
        let mut keys: Vec<String> = Vec::new();
        for r in &objects {
            let (k, v) = single(r)?;
            let known = EVENTS_V2.contains(&k.as_str()) || EVENTS_V3.contains(&k.as_str());
            if !known || !v.is_object() {
                return None;
            }
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let with_id = objects.iter().filter_map(|r| single(r)).any(|(k, v)| {
            k != "metricset"
                && k != "me"
                && v.get("id").is_some()
                && v.get("trace_id").or(v.get("tid")).or(v.get("timestamp")).is_some()
        });
        (with_id && !keys.is_empty()).then(|| {
            format!(
                "found intake event lines {}",
                keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )
        })
    }
    fn convert(&self, record: &Value, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        let Value::Object(m) = record else {
            return Err((None, "expected a JSON object (one intake event per line)".into()));
        };
        if m.len() != 1 {
            let keys: Vec<&str> = m.keys().map(String::as_str).take(5).collect();
            return Err((
                None,
                format!("expected one event key per line (metadata, transaction, span, error, metricset / m, x, e, me), got {keys:?}"),
            ));
        }
        let Some((key, v)) = m.iter().next() else {
            return Err((None, "empty object".into()));
        };
        if !v.is_object() {
            return Err((Some(key.clone()), "expected an object".into()));
        }
        match key.as_str() {
            "metadata" => metadata(v, ctx, &V2),
            "m" => metadata(v, ctx, &V3),
            "transaction" => transaction(v, ctx, out, &V2, "transaction"),
            "x" => transaction(v, ctx, out, &V3, "x"),
            "span" => span_line(v, ctx, out),
            "error" => error(v, ctx, out, &V2, "error"),
            "e" => error(v, ctx, out, &V3, "e"),
            // Metric sets (span self-time breakdowns) and logs have no canonical event.
            "metricset" | "me" | "log" => Ok(()),
            other => Err((
                Some(other.to_string()),
                format!("unknown intake event `{}`", clip(other)),
            )),
        }
    }
}

/// Remember the metadata for the following lines (a new metadata line replaces it).
fn metadata(v: &Value, ctx: &mut Context, k: &Keys) -> Result<(), RecordError> {
    ctx.vars.retain(|key, _| key.starts_with("tx:"));
    let svc = |f: &str| text(v, &format!("{}.{f}", k.service));
    for (var, val) in [
        ("app", svc(k.name)),
        ("release", svc(k.version)),
        ("environment", svc(k.env)),
    ] {
        if let Some(x) = val {
            ctx.vars.insert(var.into(), Value::String(x));
        }
    }
    if let Some(c) = text(v, k.conn) {
        let c = c.trim().to_ascii_lowercase();
        let col = if ["slow-2g", "2g", "3g", "4g"].contains(&c.as_str()) {
            "effective_type"
        } else {
            "connection_type"
        };
        ctx.vars.insert(col.into(), Value::String(c));
    }
    Ok(())
}

/// Row with the metadata context, overridden by the event's own `context.service`.
fn base_row(v: &Value, ctx: &Context, k: &Keys) -> Row {
    let mut row = Row::new();
    for col in ["app", "release", "environment", "connection_type", "effective_type"] {
        if let Some(Value::String(s)) = ctx.vars.get(col) {
            row.str(col, s);
        }
    }
    let svc = format!("{}.{}", k.context, k.service);
    for (col, f) in [("app", k.name), ("release", k.version), ("environment", k.env)] {
        if let Some(x) = text(v, &format!("{svc}.{f}")) {
            row.str(col, x);
        }
    }
    if let Some(u) = text(v, k.page_url) {
        row.str("url", u);
    }
    if let Some(r) = text(v, k.page_ref) {
        row.str("referrer", r);
    }
    let ua = get(v, k.req_headers)
        .and_then(Value::as_object)
        .and_then(|h| h.iter().find(|(n, _)| n.eq_ignore_ascii_case("user-agent")))
        .and_then(|(_, x)| match x {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(Value::as_str).map(String::from),
            _ => None,
        })
        // Older RUM agents sent `context.environment.userAgent`.
        .or_else(|| text(v, &format!("{}.environment.userAgent", k.context)));
    if let Some(ua) = ua {
        row.str("user_agent", ua);
    }
    for (col, f) in [("screen_w", "screenWidth"), ("screen_h", "screenHeight")] {
        if let Some(Value::Number(n)) = get(v, &format!("{}.environment.{f}", k.context)) {
            if let Some(x) = n.as_i64().filter(|x| *x >= 0) {
                row.i64(col, x);
            }
        }
    }
    row
}

/// Epoch-µs `timestamp` to epoch ms.
fn timestamp(v: &Value, prefix: &str) -> Result<Option<i64>, RecordError> {
    let field = format!("{prefix}.timestamp");
    match num(v, "timestamp").map_err(|(_, why)| (Some(field.clone()), why))? {
        None => Ok(None),
        Some(us) if !us.is_finite() => Err((Some(field), "not a finite number".into())),
        Some(us) => check_ts(&field, (us * US_TO_MS).floor() as i64).map(Some),
    }
}

/// A non-negative ms measure, with the reject naming the prefixed field.
fn ms(v: &Value, path: &str, prefix: &str) -> Result<Option<f64>, RecordError> {
    measure(v, path, 1.0).map_err(|(_, why)| (Some(format!("{prefix}.{path}")), why))
}

fn set_f(row: &mut Row, col: &str, x: Option<f64>) {
    if let Some(x) = x {
        row.f64(col, x);
    }
}

fn transaction(v: &Value, ctx: &mut Context, out: &mut Vec<Converted>, k: &Keys, p: &str) -> Result<(), RecordError> {
    let id = text(v, "id");
    let ty = text(v, k.ty).ok_or_else(|| (Some(format!("{p}.{}", k.ty)), "no transaction type".to_string()))?;
    let ts = timestamp(v, p)?.ok_or_else(|| {
        (
            Some(format!("{p}.timestamp")),
            if k.v3 {
                "no timestamp: intake v3 transactions carry none on the wire (the APM Server stamps its receive \
                 time); add `timestamp` (epoch µs) to the captured line"
                    .to_string()
            } else {
                "no timestamp (epoch µs)".to_string()
            },
        )
    })?;
    if let Some(id) = &id {
        ctx.vars.insert(format!("tx:{id}"), Value::from(ts));
    }
    let duration = ms(v, k.duration, p)?;
    let mut base = base_row(v, ctx, k);
    base.i64("ts", ts);
    if let Some(s) = text(v, k.session) {
        base.str("session_id", s);
    }
    if let Some(id) = &id {
        base.str("view_id", id);
    }
    let mut rows = Vec::new();
    match ty.as_str() {
        "page-load" | "p-load" | "route-change" => {
            let mut row = base.clone();
            row.str("event_type", "view");
            let page_load = ty != "route-change";
            if page_load {
                row.str("navigation_type", "navigate");
                for (long, short, col) in AGENT_MARKS {
                    let path = format!("{}.{}", k.agent_marks, if k.v3 { short } else { long });
                    set_f(&mut row, col, ms(v, &path, p)?);
                }
            }
            let nt_end = format!("{}.{}", k.nt_marks, if k.v3 { "ee" } else { "loadEventEnd" });
            let load = match ms(v, &nt_end, p)? {
                Some(x) if page_load => Some(x),
                _ => duration,
            };
            set_f(&mut row, "load_ms", load);
            set_f(&mut row, "cls", ms(v, &format!("{}.cls", k.exp), p)?);
            rows.push(row);
        }
        "user-interaction" => {
            let mut row = base.clone();
            row.str("event_type", "action");
            // The agent names these "Click - button#buy".
            if let Some(name) = text(v, k.name) {
                let (kind, target) = name.split_once(" - ").unwrap_or((name.as_str(), ""));
                row.str("action_type", kind.trim().to_ascii_lowercase());
                if !target.trim().is_empty() {
                    row.str("target", target.trim());
                }
            }
            set_f(&mut row, "duration_ms", duration);
            rows.push(row);
        }
        // http-request, custom, temporary…: no event of their own; their spans still count.
        _ => {}
    }
    let mut converted: Vec<Converted> = rows
        .into_iter()
        .map(|r| {
            let c = Converted::new(r);
            match &id {
                Some(id) => c.dedup(format!("tx:{id}"), 0),
                None => c,
            }
        })
        .collect();
    if k.v3 {
        if let Some(spans) = v.get("y") {
            let Value::Array(spans) = spans else {
                return Err((Some("x.y".into()), "expected an array of spans".into()));
            };
            for (i, s) in spans.iter().enumerate() {
                let sp = format!("x.y[{i}]");
                if !s.is_object() {
                    return Err((Some(sp), "expected a span object".into()));
                }
                let start = ms(s, k.start, &sp)?.unwrap_or(0.0);
                let mut row = base.clone();
                row.i64("ts", check_ts(&format!("{sp}.s"), ts + start.round() as i64)?);
                if let Some(r) = span_row(s, row, k, &sp)? {
                    let sid = text(s, "id").unwrap_or_else(|| i.to_string());
                    converted.push(Converted::new(r).dedup(format!("span:{}:{sid}", id.as_deref().unwrap_or("")), 0));
                }
            }
        }
    }
    out.extend(converted);
    Ok(())
}

/// A span as a `resource` row: HTTP calls (`external`/`http`) and resource timings (`resource`);
/// other spans (hard-navigation, app, custom…) have no canonical event and give `None`.
fn span_row(s: &Value, mut row: Row, k: &Keys, p: &str) -> Result<Option<Row>, RecordError> {
    let ty = text(s, k.ty).unwrap_or_default().to_ascii_lowercase();
    let (ty, sub) = match text(s, k.subtype) {
        Some(sub) => (ty, sub.to_ascii_lowercase()),
        // Old agents sent `external.http`.
        None => match ty.split_once('.') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (ty.clone(), String::new()),
        },
    };
    let rtype = match (ty.as_str(), sub.as_str()) {
        ("external", "http" | "h" | "") => "xhr",
        ("external", "fetch") => "fetch",
        ("resource" | "rc", s) => match s {
            "script" => "script",
            "css" | "link" | "stylesheet" => "css",
            "img" | "image" => "image",
            "font" => "font",
            "xmlhttprequest" => "xhr",
            "fetch" => "fetch",
            "navigation" | "iframe" => "document",
            _ => "other",
        },
        _ => return Ok(None),
    };
    row.str("event_type", "resource").str("resource_type", rtype);
    let http = |f: &str| format!("{}.{f}", k.http);
    if let Some(u) = text(s, &http("url")).or_else(|| text(s, k.name)) {
        row.str("resource_url", u);
    }
    if let Some(m) = text(s, &http(k.method)) {
        row.str("method", m.to_ascii_uppercase());
    }
    let status_err = |path: String| move |(_, why): RecordError| (Some(format!("{p}.{path}")), why);
    let status = match num(s, &http(k.status_new)).map_err(status_err(http(k.status_new)))? {
        Some(x) => Some(x),
        None => num(s, &http(k.status)).map_err(status_err(http(k.status)))?,
    };
    if let Some(c) = status {
        if !c.is_finite() || c < 0.0 {
            return Err((
                Some(format!("{p}.{}", http(k.status))),
                format!("not an HTTP status: {c}"),
            ));
        }
        row.i64("status_code", c.round() as i64);
    }
    set_f(&mut row, "duration_ms", ms(s, k.duration, p)?);
    if let Some(b) = ms(s, &http(k.transfer), p)? {
        row.i64("transfer_bytes", b.round() as i64);
    }
    Ok(Some(row))
}

/// A v2 `span` line: timestamp its own, or its transaction's plus `start`.
fn span_line(v: &Value, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let k = &V2;
    let mut base = base_row(v, ctx, k);
    // Decide first whether the span maps at all (a placeholder timestamp is replaced below).
    base.i64("ts", 0);
    let tx = text(v, "transaction_id");
    if let Some(t) = &tx {
        base.str("view_id", t);
    }
    let Some(mut row) = span_row(v, base, k, "span")? else {
        return Ok(());
    };
    let ts = match timestamp(v, "span")? {
        Some(t) => t,
        None => {
            let tx_ts = tx
                .as_ref()
                .and_then(|t| ctx.vars.get(&format!("tx:{t}")))
                .and_then(Value::as_i64);
            match tx_ts {
                Some(t0) => {
                    let start = ms(v, "start", "span")?.unwrap_or(0.0);
                    check_ts("span.start", t0 + start.round() as i64)?
                }
                None => {
                    return Err((
                        Some("span.timestamp".into()),
                        "no timestamp, and its transaction (with a timestamp) was not seen on an earlier line".into(),
                    ))
                }
            }
        }
    };
    row.i64("ts", ts);
    let c = Converted::new(row);
    out.push(match text(v, "id") {
        Some(id) => c.dedup(format!("span:{}:{id}", tx.as_deref().unwrap_or("")), 0),
        None => c,
    });
    Ok(())
}

fn stack_text(frames: &Value, k: &Keys) -> Option<String> {
    let lines: Vec<String> = frames
        .as_array()?
        .iter()
        .map(|f| {
            let mut s = String::from("at ");
            s.push_str(&text(f, k.f_fn).unwrap_or_else(|| "<anonymous>".into()));
            let file = text(f, k.f_abs).or_else(|| text(f, k.f_file)).unwrap_or_default();
            let mut loc = file;
            if let Some(l) = text(f, k.f_line) {
                loc.push(':');
                loc.push_str(&l);
                if let Some(c) = text(f, k.f_col) {
                    loc.push(':');
                    loc.push_str(&c);
                }
            }
            if !loc.is_empty() {
                s.push_str(&format!(" ({loc})"));
            }
            s
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn error(v: &Value, ctx: &mut Context, out: &mut Vec<Converted>, k: &Keys, p: &str) -> Result<(), RecordError> {
    let ts = timestamp(v, p)?.ok_or_else(|| (Some(format!("{p}.timestamp")), "no timestamp (epoch µs)".to_string()))?;
    let mut row = base_row(v, ctx, k);
    row.i64("ts", ts)
        .str("event_type", "error")
        .str("error_source", "source");
    if let Some(t) = text(v, k.tx_id) {
        row.str("view_id", t);
    }
    let ex = get(v, k.exception);
    let log = get(v, k.log);
    if ex.is_none() && log.is_none() {
        return Err((
            Some(format!("{p}.{}", k.exception)),
            "an error needs an exception or a log".into(),
        ));
    }
    let ex_type = ex.and_then(|e| text(e, if k.v3 { "t" } else { "type" }));
    row.str("error_type", ex_type.unwrap_or_else(|| "Error".into()));
    let msg = ex
        .and_then(|e| text(e, k.message))
        .or_else(|| log.and_then(|l| text(l, k.message)));
    if let Some(m) = msg {
        row.str("error_message", m);
    }
    let stack = ex
        .and_then(|e| get(e, k.stack))
        .and_then(|s| stack_text(s, k))
        .or_else(|| log.and_then(|l| get(l, k.stack)).and_then(|s| stack_text(s, k)));
    if let Some(s) = stack {
        row.str("error_stack", s);
    }
    let c = Converted::new(row);
    out.push(match text(v, "id") {
        Some(id) => c.dedup(format!("error:{id}"), 0),
        None => c,
    });
    Ok(())
}
