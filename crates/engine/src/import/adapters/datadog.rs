//! Datadog RUM: browser-SDK intake events (NDJSON, one event per line) and the API v2 export
//! (`{"data":[{"attributes":{"timestamp", "service", "tags", "attributes":{…event…}}}]}` pages
//! as JSON, NDJSON of such pages, or NDJSON of their items). Durations are nanoseconds, `date`
//! epoch ms, the export's `timestamp` ISO-8601. A view is sent many times with a growing
//! `_dd.document_version`, and `view_update` events carry only what changed: both are merged
//! into one `view` row per `view.id` (newest version per field). Mapping: docs/formats/datadog.md.

use super::merge::{self, TsRule};
use super::util::{check_ts, get, iso_ms, measure, num, text};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::Value;

pub struct Datadog;

const NS_PER_MS: f64 = 1e6;

/// Event types the SDKs send (for recognising the format; not all are imported).
const KNOWN_TYPES: &[&str] = &[
    "view",
    "view_update",
    "action",
    "error",
    "resource",
    "long_task",
    "vital",
    "transition",
    "session",
];

fn is_event(v: &Value) -> bool {
    let typed = v
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| KNOWN_TYPES.contains(&t));
    let dd = v.get("_dd").is_some_and(Value::is_object);
    let ctx = v.get("application").is_some_and(Value::is_object) && v.get("session").is_some_and(Value::is_object);
    typed && (dd || ctx)
}

/// The event inside an API v2 item, with the item's `attributes` (timestamp, tags, service) and
/// the path of the event in the item.
fn unwrap_item(rec: &Value) -> Option<(&Value, &Value, &'static str)> {
    let attrs = rec.get("attributes").filter(|a| a.is_object())?;
    if let Some(inner) = attrs.get("attributes").filter(|a| a.is_object()) {
        return Some((inner, attrs, "attributes.attributes."));
    }
    (is_event(attrs) || rec.get("type").and_then(Value::as_str) == Some("rum")).then_some((attrs, attrs, "attributes."))
}

fn is_item(v: &Value) -> bool {
    unwrap_item(v).is_some_and(|(ev, _, _)| is_event(ev) || v.get("type").and_then(Value::as_str) == Some("rum"))
}

fn is_page(v: &Value) -> bool {
    v.get("data")
        .and_then(Value::as_array)
        .is_some_and(|items| !items.is_empty() && items.iter().any(is_item))
}

/// Prefix the field of an error with where the event sits in the record.
fn at(prefix: String) -> impl Fn(RecordError) -> RecordError {
    move |(f, r)| (f.map(|f| format!("{prefix}{f}")), r)
}

/// `key:value` tags of an export item (the first value of each key).
fn tag(env: Option<&Value>, key: &str) -> Option<String> {
    let tags = env?.get("tags")?;
    let list: Vec<&str> = match tags {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        Value::String(s) => s.split(',').collect(),
        _ => return None,
    };
    list.into_iter().find_map(|t| {
        let (k, v) = t.trim().split_once(':')?;
        (k == key && !v.is_empty()).then(|| v.to_string())
    })
}

fn set(row: &mut Row, col: &str, v: Option<String>) {
    if let Some(v) = v {
        row.str(col, v);
    }
}

/// The first of several paths that holds a value, as milliseconds from nanoseconds (divided,
/// not multiplied by 1e-6, so that 246_580_000 ns is exactly 246.58 ms).
fn ns(row: &mut Row, col: &str, ev: &Value, paths: &[&str]) -> Result<(), RecordError> {
    for p in paths {
        if let Some(ns) = measure(ev, p, 1.0)? {
            row.f64(col, ns / NS_PER_MS);
            break;
        }
    }
    Ok(())
}

fn count(ev: &Value, path: &str) -> Result<Option<i64>, RecordError> {
    Ok(measure(ev, path, 1.0)?.map(|x| x.round() as i64))
}

/// Major version: `version_major` when given, else the leading number of `version`.
fn major(ev: &Value, obj: &str) -> Option<String> {
    text(ev, &format!("{obj}.version_major")).or_else(|| {
        let v = text(ev, &format!("{obj}.version"))?;
        let m: String = v.chars().take_while(char::is_ascii_digit).collect();
        (!m.is_empty()).then_some(m)
    })
}

fn device_type(s: &str) -> &'static str {
    match s.to_ascii_lowercase().as_str() {
        "desktop" => "desktop",
        "mobile" => "mobile",
        "tablet" => "tablet",
        "bot" => "bot",
        _ => "other",
    }
}

/// `view.loading_type` → canonical navigation type.
fn navigation_type(s: &str) -> String {
    match s {
        "initial_load" => "navigate".into(),
        "route_change" => "soft_navigation".into(),
        "bf_cache" => "back_forward".into(),
        other => other.to_string(),
    }
}

fn resource_type(s: &str) -> String {
    match s.to_ascii_lowercase().as_str() {
        "js" => "script".into(),
        other => other.to_string(),
    }
}

fn frustration(ev: &Value) -> Option<String> {
    let list: Vec<String> = match get(ev, "action.frustration.type")? {
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Value::String(s) => vec![s.clone()],
        _ => return None,
    };
    let mapped: Vec<String> = list
        .iter()
        .map(|t| match t.as_str() {
            "rage_click" => "rage".to_string(),
            "dead_click" => "dead".to_string(),
            "error_click" => "error".to_string(),
            other => other.to_string(),
        })
        .collect();
    (!mapped.is_empty()).then(|| mapped.join(","))
}

/// Event time: `date` (epoch ms), else the export's `timestamp` (ISO-8601 or epoch ms).
fn event_ts(ev: &Value, env: Option<&Value>, ev_at: &str, env_at: &str) -> Result<i64, RecordError> {
    if let Some(d) = num(ev, "date").map_err(at(ev_at.to_string()))? {
        return check_ts("date", d.round() as i64).map_err(at(ev_at.to_string()));
    }
    match env.and_then(|e| get(e, "timestamp")) {
        Some(Value::String(s)) => iso_ms("timestamp", s).map_err(at(env_at.to_string())),
        Some(Value::Number(n)) => {
            check_ts("timestamp", n.as_f64().unwrap_or(0.0).round() as i64).map_err(at(env_at.to_string()))
        }
        _ => Err((
            Some(format!("{ev_at}date")),
            "no event time: neither `date` (epoch ms) nor the export's `timestamp`".into(),
        )),
    }
}

/// Context every event carries: session, view, release, client.
fn common(ev: &Value, env: Option<&Value>, row: &mut Row) {
    set(row, "session_id", text(ev, "session.id"));
    set(row, "view_id", text(ev, "view.id"));
    set(row, "url", text(ev, "view.url"));
    set(row, "referrer", text(ev, "view.referrer"));
    let app = text(ev, "service")
        .or_else(|| env.and_then(|e| text(e, "service")))
        .or_else(|| tag(env, "service"))
        .or_else(|| text(ev, "application.name"))
        .or_else(|| text(ev, "application.id"));
    set(row, "app", app);
    set(row, "release", text(ev, "version").or_else(|| tag(env, "version")));
    set(row, "environment", text(ev, "env").or_else(|| tag(env, "env")));
    set(row, "user_agent", text(ev, "session.useragent"));
    let synthetic = matches!(text(ev, "session.type").as_deref(), Some("synthetics" | "ci_test"));
    let device = if synthetic {
        Some("bot".to_string())
    } else {
        text(ev, "device.type").map(|d| device_type(&d).to_string())
    };
    set(row, "device_type", device);
    set(row, "browser", text(ev, "browser.name"));
    set(row, "browser_version", major(ev, "browser"));
    set(row, "os", text(ev, "os.name"));
    set(row, "os_version", major(ev, "os"));
    let country = text(ev, "geo.country_iso_code")
        .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        .map(|c| c.to_ascii_uppercase());
    set(row, "country", country);
    let interfaces = match get(ev, "connectivity.interfaces") {
        Some(Value::Array(a)) => {
            let v: Vec<&str> = a.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).collect();
            (!v.is_empty()).then(|| v.join(","))
        }
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    set(row, "connection_type", interfaces);
    set(row, "effective_type", text(ev, "connectivity.effective_type"));
}

fn view(ev: &Value, row: &mut Row) -> Result<(), RecordError> {
    row.str("event_type", "view");
    set(
        row,
        "navigation_type",
        text(ev, "view.loading_type").map(|t| navigation_type(&t)),
    );
    ns(row, "ttfb_ms", ev, &["view.first_byte"])?;
    ns(
        row,
        "fcp_ms",
        ev,
        &["view.performance.fcp.timestamp", "view.first_contentful_paint"],
    )?;
    ns(
        row,
        "lcp_ms",
        ev,
        &["view.performance.lcp.timestamp", "view.largest_contentful_paint"],
    )?;
    ns(
        row,
        "inp_ms",
        ev,
        &["view.performance.inp.duration", "view.interaction_to_next_paint"],
    )?;
    for p in ["view.performance.cls.score", "view.cumulative_layout_shift"] {
        if let Some(cls) = measure(ev, p, 1.0)? {
            row.f64("cls", cls);
            break;
        }
    }
    ns(row, "load_ms", ev, &["view.load_event"])?;
    ns(row, "dom_interactive_ms", ev, &["view.dom_interactive"])?;
    ns(row, "dom_complete_ms", ev, &["view.dom_complete"])?;
    Ok(())
}

/// One SDK event (at `ev_at` in the record, with its export envelope at `env_at`).
fn event(
    ev: &Value,
    env: Option<&Value>,
    ev_at: &str,
    env_at: &str,
    ctx: &mut Context,
    out: &mut Vec<Converted>,
) -> Result<(), RecordError> {
    let fail = at(ev_at.to_string());
    let ty = text(ev, "type").ok_or_else(|| fail((Some("type".into()), "missing event `type`".into())))?;
    let mut row = Row::new();
    row.i64("ts", event_ts(ev, env, ev_at, env_at)?);
    common(ev, env, &mut row);
    let id = |path: &str| text(ev, path);
    let dedup = |row: Row, key: Option<String>| match key {
        Some(k) => Converted::new(row).dedup(k, 0),
        None => Converted::new(row),
    };
    match ty.as_str() {
        "view" | "view_update" => {
            view(ev, &mut row).map_err(&fail)?;
            let view_id = id("view.id").ok_or_else(|| {
                fail((
                    Some("view.id".into()),
                    "a view without `view.id` cannot be de-duplicated".into(),
                ))
            })?;
            let version = num(ev, "_dd.document_version")
                .map_err(&fail)?
                .map_or(0, |v| v.round() as i64);
            let key = format!("view:{view_id}");
            let (merged, max) = merge::merge(ctx, &key, &row, version, TsRule::Version);
            out.push(Converted::new(merged).dedup(key, max));
        }
        "action" => {
            row.str("event_type", "action");
            set(&mut row, "action_type", text(ev, "action.type"));
            set(
                &mut row,
                "target",
                text(ev, "action.target.name").or_else(|| text(ev, "_dd.action.target.selector")),
            );
            ns(&mut row, "duration_ms", ev, &["action.loading_time"]).map_err(&fail)?;
            set(&mut row, "frustration", frustration(ev));
            out.push(dedup(row, id("action.id").map(|i| format!("action:{i}"))));
        }
        "error" => {
            row.str("event_type", "error");
            set(&mut row, "error_type", text(ev, "error.type"));
            set(&mut row, "error_message", text(ev, "error.message"));
            set(&mut row, "error_source", text(ev, "error.source"));
            set(&mut row, "error_stack", text(ev, "error.stack"));
            set(&mut row, "fingerprint", text(ev, "error.fingerprint"));
            set(&mut row, "resource_url", text(ev, "error.resource.url"));
            set(&mut row, "method", text(ev, "error.resource.method"));
            if let Some(s) = count(ev, "error.resource.status_code").map_err(&fail)? {
                row.i64("status_code", s);
            }
            out.push(dedup(row, id("error.id").map(|i| format!("error:{i}"))));
        }
        "resource" => {
            row.str("event_type", "resource");
            set(&mut row, "resource_url", text(ev, "resource.url"));
            set(
                &mut row,
                "resource_type",
                text(ev, "resource.type").map(|t| resource_type(&t)),
            );
            set(&mut row, "method", text(ev, "resource.method"));
            if let Some(s) = count(ev, "resource.status_code").map_err(&fail)? {
                row.i64("status_code", s);
            }
            ns(&mut row, "duration_ms", ev, &["resource.duration"]).map_err(&fail)?;
            for p in ["resource.transfer_size", "resource.encoded_body_size", "resource.size"] {
                if let Some(b) = count(ev, p).map_err(&fail)? {
                    row.i64("transfer_bytes", b);
                    break;
                }
            }
            out.push(dedup(row, id("resource.id").map(|i| format!("resource:{i}"))));
        }
        "long_task" => {
            row.str("event_type", "long_task");
            ns(&mut row, "duration_ms", ev, &["long_task.duration"]).map_err(&fail)?;
            out.push(dedup(row, id("long_task.id").map(|i| format!("long_task:{i}"))));
        }
        "vital" => {
            row.str("event_type", "vital");
            set(
                &mut row,
                "target",
                text(ev, "vital.name").or_else(|| text(ev, "vital.type")),
            );
            ns(&mut row, "duration_ms", ev, &["vital.duration"]).map_err(&fail)?;
            out.push(dedup(row, id("vital.id").map(|i| format!("vital:{i}"))));
        }
        other => {
            return Err(fail((
                Some("type".into()),
                format!("Datadog `{other}` events have no canonical equivalent; not imported"),
            )))
        }
    }
    Ok(())
}

/// One SDK event or one API v2 item, at `prefix` in the record.
fn one(rec: &Value, prefix: &str, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    match unwrap_item(rec) {
        Some((ev, env, path)) => event(
            ev,
            Some(env),
            &format!("{prefix}{path}"),
            &format!("{prefix}attributes."),
            ctx,
            out,
        ),
        None if rec.is_object() => event(rec, None, prefix, prefix, ctx, out),
        None => Err((
            (!prefix.is_empty()).then(|| prefix.trim_end_matches('.').to_string()),
            "not a JSON object: expected a Datadog RUM event or API v2 item".into(),
        )),
    }
}

impl Adapter for Datadog {
    fn name(&self) -> &'static str {
        "datadog"
    }
    fn title(&self) -> &'static str {
        "Datadog RUM"
    }
    fn description(&self) -> &'static str {
        "browser-SDK events (NDJSON) and API v2 exports (`data[].attributes`: JSON pages or NDJSON)"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        let objects = records.iter().filter(|r| r.is_object()).count();
        let pages = records.iter().filter(|r| is_page(r)).count();
        let items = records.iter().filter(|r| !is_page(r) && is_item(r)).count();
        let events = records.iter().filter(|r| is_event(r)).count();
        let hits = pages + items + events;
        if hits == 0 || hits * 2 < objects {
            return None;
        }
        let mut why = Vec::new();
        if pages > 0 {
            why.push("an API v2 page (`data[]` of RUM events)");
        }
        if items > 0 {
            why.push("API v2 items (`attributes` holding a RUM event)");
        }
        if events > 0 {
            why.push("browser-SDK events (`type` with `_dd` or `application`/`session`)");
        }
        Some(format!("found {}", why.join(" and ")))
    }
    fn split(&self, doc: Value) -> Vec<Value> {
        match doc {
            Value::Array(items) => items,
            Value::Object(mut o) if o.get("data").is_some_and(Value::is_array) => match o.remove("data") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            other => vec![other],
        }
    }
    fn convert(&self, record: &Value, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        // A whole API page on one line: every item, or the page is rejected naming the item.
        if let Some(items) = record.get("data").and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                one(item, &format!("data[{i}]."), ctx, out)?;
            }
            return Ok(());
        }
        one(record, "", ctx, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_sdk_events_items_and_pages() {
        let sdk = json!({"type": "view", "date": 1, "_dd": {"format_version": 2}});
        let item = json!({"type": "rum", "attributes": {"attributes": sdk.clone()}});
        let page = json!({"data": [item.clone()]});
        assert!(Datadog.detect(std::slice::from_ref(&sdk)).is_some());
        assert!(Datadog
            .detect(std::slice::from_ref(&item))
            .unwrap()
            .contains("API v2 items"));
        assert!(Datadog
            .detect(std::slice::from_ref(&page))
            .unwrap()
            .contains("API v2 page"));
        assert!(Datadog.detect(&[json!({"name": "LCP", "value": 1})]).is_none());
        assert!(Datadog.detect(&[json!({"type": "view"})]).is_none());
    }

    #[test]
    fn tags_and_versions() {
        let env = json!({"tags": ["env:prod", "version:1.2.3", "env:other"]});
        assert_eq!(tag(Some(&env), "env").as_deref(), Some("prod"));
        assert_eq!(tag(Some(&env), "version").as_deref(), Some("1.2.3"));
        assert_eq!(tag(Some(&json!({"tags": "a:b,c:d"})), "c").as_deref(), Some("d"));
        assert_eq!(
            major(&json!({"os": {"version": "15.1.1"}}), "os").as_deref(),
            Some("15")
        );
        assert_eq!(device_type("Desktop"), "desktop");
        assert_eq!(device_type("tv"), "other");
    }
}
