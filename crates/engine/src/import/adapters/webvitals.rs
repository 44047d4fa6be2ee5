//! web-vitals: the library's `Metric` objects (`name`, `value`, `rating`, `delta`, `id`,
//! `navigationType`, `attribution`) as a collector stored them: one per line, batched in JSON
//! arrays, or under `metric` / `metrics` in a wrapper, with whatever fields the sender added
//! (page URL, user agent, release, session, time, page-view id).
//!
//! Every metric becomes part of a `view` row, so `breakdown --metric lcp` works as on any view
//! data. When the sender added a page-view id, the metrics of one page view are merged into one
//! row; otherwise each metric is its own `view` row with only that metric set. A metric reported
//! several times (same `id`) keeps its last report. FID (removed from web-vitals in v5) has no
//! column and becomes a `vital` row. Mapping: docs/formats/webvitals.md.

use super::merge::{self, TsRule};
use super::util::{check_ts, iso_ms, measure, text};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::Value;

pub struct WebVitals;

/// Metric name → canonical column.
const METRICS: &[(&str, &str)] = &[
    ("LCP", "lcp_ms"),
    ("INP", "inp_ms"),
    ("CLS", "cls"),
    ("FCP", "fcp_ms"),
    ("TTFB", "ttfb_ms"),
];

/// Sender-added fields, in order of preference (looked up on the metric, then its wrapper).
const URL: &[&str] = &[
    "url",
    "page_url",
    "pageUrl",
    "page_location",
    "href",
    "navigationURL",
    "location",
    "page",
    "page.url",
    "pathname",
    "path",
];
const REFERRER: &[&str] = &["referrer", "referer"];
const USER_AGENT: &[&str] = &["userAgent", "user_agent", "ua"];
const RELEASE: &[&str] = &["release", "version", "app_version", "appVersion"];
const APP: &[&str] = &["app", "app_name", "appName", "service"];
const ENVIRONMENT: &[&str] = &["environment", "env"];
const SESSION: &[&str] = &["sessionId", "session_id"];
const PAGE_VIEW: &[&str] = &[
    "pageviewId",
    "pageViewId",
    "pageview_id",
    "page_view_id",
    "viewId",
    "view_id",
];
const COUNTRY: &[&str] = &["country", "country_code", "countryCode"];
const EFFECTIVE_TYPE: &[&str] = &["effectiveType", "effective_type"];
const CONNECTION_TYPE: &[&str] = &["connectionType", "connection_type"];
const DEVICE_TYPE: &[&str] = &["deviceType", "device_type"];
const NAVIGATION_TYPE: &[&str] = &["navigationType", "navigation_type"];
const TIME: &[&str] = &["timestamp", "ts", "time"];

fn metric_name(v: &Value) -> Option<String> {
    let n = v.get("name")?.as_str()?.to_ascii_uppercase();
    (n == "FID" || METRICS.iter().any(|(m, _)| *m == n)).then_some(n)
}

fn is_metric(v: &Value) -> bool {
    metric_name(v).is_some() && v.get("value").is_some_and(|x| x.is_number() || x.is_string())
}

/// The metrics of a record: itself, the elements of a batch, or a wrapper's `metric`/`metrics`.
fn metrics_of(v: &Value) -> Vec<(&Value, Option<&Value>, String)> {
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, m)| (m, None, format!("[{i}].")))
            .collect(),
        Value::Object(o) => match (o.get("metrics"), o.get("metric")) {
            (Some(Value::Array(a)), _) => a
                .iter()
                .enumerate()
                .map(|(i, m)| (m, Some(v), format!("metrics[{i}].")))
                .collect(),
            (_, Some(m @ Value::Object(_))) => vec![(m, Some(v), "metric.".to_string())],
            _ => vec![(v, None, String::new())],
        },
        _ => Vec::new(),
    }
}

/// A sender-added field: the first name present on the metric, else on its wrapper.
fn field(m: &Value, wrap: Option<&Value>, names: &[&str]) -> Option<String> {
    let find = |v: &Value| names.iter().find_map(|n| text(v, n));
    find(m).or_else(|| wrap.and_then(find))
}

fn raw_field<'a>(m: &'a Value, wrap: Option<&'a Value>, names: &[&str]) -> Option<(&'a Value, String)> {
    let find = |v: &'a Value| {
        names
            .iter()
            .find_map(|n| v.get(*n).filter(|x| !x.is_null()).map(|x| (x, n.to_string())))
    };
    find(m).or_else(|| wrap.and_then(find))
}

/// Epoch ms from a number or numeric string; epoch seconds are refused with a hint.
fn epoch_ms(name: &str, x: f64) -> Result<i64, RecordError> {
    if x.is_finite() && x > 0.0 && x < 1e11 {
        return Err((
            Some(name.to_string()),
            format!("{x} looks like epoch seconds; expected epoch milliseconds or ISO-8601"),
        ));
    }
    check_ts(name, x.round() as i64)
}

/// The time of a report: the sender's `timestamp`/`ts`/`time` (epoch ms or ISO-8601), else the
/// `Date.now()` that web-vitals put in the metric id when it created the metric
/// (`v<major>-<epoch ms>-<random>`).
fn report_ts(m: &Value, wrap: Option<&Value>, id: Option<&str>) -> Result<i64, RecordError> {
    if let Some((v, name)) = raw_field(m, wrap, TIME) {
        return match v {
            Value::Number(n) => epoch_ms(&name, n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(x) => epoch_ms(&name, x),
                Err(_) => iso_ms(&name, s),
            },
            other => Err((
                Some(name),
                format!("expected epoch milliseconds or an ISO-8601 string, got {other}"),
            )),
        };
    }
    if let Some(ms) = id.and_then(id_time) {
        return check_ts("id", ms);
    }
    Err((
        Some("timestamp".into()),
        "no time: the sender added no `timestamp`/`ts`/`time` and the metric `id` carries none".into(),
    ))
}

/// `v5-1715000000000-4123456789012` → 1715000000000.
fn id_time(id: &str) -> Option<i64> {
    let mut parts = id.split('-');
    let v = parts.next()?;
    let ms = parts.next()?;
    (v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) && ms.len() >= 12)
        .then(|| ms.parse().ok())
        .flatten()
}

/// web-vitals navigation types → canonical (`back-forward-cache` is a back/forward navigation
/// served from the bfcache).
fn navigation_type(s: &str) -> String {
    match s {
        "back-forward" | "back-forward-cache" | "back_forward" => "back_forward".into(),
        other => other.replace('-', "_"),
    }
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

fn set(row: &mut Row, col: &str, v: Option<String>) {
    if let Some(v) = v {
        row.str(col, v);
    }
}

/// Context the sender added to the report.
fn context(m: &Value, wrap: Option<&Value>, row: &mut Row) -> Result<(), RecordError> {
    let f = |names: &[&str]| field(m, wrap, names);
    set(row, "url", f(URL));
    set(row, "referrer", f(REFERRER));
    set(row, "user_agent", f(USER_AGENT));
    set(row, "release", f(RELEASE));
    set(row, "app", f(APP));
    set(row, "environment", f(ENVIRONMENT));
    set(row, "session_id", f(SESSION));
    let country = f(COUNTRY)
        .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        .map(|c| c.to_ascii_uppercase());
    set(row, "country", country);
    set(row, "effective_type", f(EFFECTIVE_TYPE));
    set(row, "connection_type", f(CONNECTION_TYPE));
    set(row, "device_type", f(DEVICE_TYPE).map(|d| device_type(&d).to_string()));
    set(row, "navigation_type", f(NAVIGATION_TYPE).map(|n| navigation_type(&n)));
    for (names, col) in [(&["rtt"][..], "rtt_ms"), (&["downlink"][..], "downlink_mbps")] {
        if let Some((_, name)) = raw_field(m, wrap, names) {
            let src = if m.get(&name).is_some() { m } else { wrap.unwrap_or(m) };
            if let Some(x) = measure(src, &name, 1.0)? {
                row.f64(col, x);
            }
        }
    }
    Ok(())
}

/// One metric report; `order` grows with the position in the file (later reports win).
fn metric(
    m: &Value,
    wrap: Option<&Value>,
    order: i64,
    ctx: &mut Context,
    out: &mut Vec<Converted>,
) -> Result<(), RecordError> {
    if !m.is_object() {
        return Err((None, "not a JSON object: expected a web-vitals metric".into()));
    }
    let name = match m.get("name") {
        Some(Value::String(s)) if !s.is_empty() => s.to_ascii_uppercase(),
        _ => {
            return Err((
                Some("name".into()),
                "missing metric `name` (LCP, INP, CLS, FCP, TTFB)".into(),
            ))
        }
    };
    let value = measure(m, "value", 1.0)?.ok_or_else(|| (Some("value".to_string()), "missing `value`".to_string()))?;
    let id = text(m, "id");
    let mut row = Row::new();
    row.i64("ts", report_ts(m, wrap, id.as_deref())?);
    context(m, wrap, &mut row)?;
    let by_id = |row: Row| match &id {
        Some(id) => Converted::new(row).dedup(format!("id:{id}"), order),
        None => Converted::new(row),
    };
    if name == "FID" {
        row.str("event_type", "vital")
            .str("target", "FID")
            .f64("duration_ms", value);
        out.push(by_id(row));
        return Ok(());
    }
    let Some((_, col)) = METRICS.iter().find(|(n, _)| *n == name) else {
        return Err((
            Some("name".into()),
            format!("unknown web-vitals metric `{name}`: expected LCP, INP, CLS, FCP or TTFB (or FID)"),
        ));
    };
    row.str("event_type", "view").f64(col, value);
    // bfcache restores keep the document (and so the sender's page-view id) but are new page
    // views that cannot be told apart: they are not merged.
    let restored = matches!(field(m, wrap, NAVIGATION_TYPE).as_deref(), Some("back-forward-cache"));
    match field(m, wrap, PAGE_VIEW).filter(|_| !restored) {
        Some(pv) => {
            // web-vitals v6 numbers the soft navigations of a document (`navigationId`, 1 = the
            // page load): each is its own page view.
            let nav = m.get("navigationId").and_then(Value::as_f64).filter(|n| *n > 1.0);
            let view_id = match nav {
                Some(n) => format!("{pv}#{n}"),
                None => pv,
            };
            row.str("view_id", view_id.clone());
            let key = format!("pv:{view_id}");
            let (merged, max) = merge::merge(ctx, &key, &row, order, TsRule::Earliest);
            out.push(Converted::new(merged).dedup(key, max));
        }
        None => out.push(by_id(row)),
    }
    Ok(())
}

impl Adapter for WebVitals {
    fn name(&self) -> &'static str {
        "webvitals"
    }
    fn title(&self) -> &'static str {
        "web-vitals"
    }
    fn description(&self) -> &'static str {
        "web-vitals Metric JSON (LCP, INP, CLS, FCP, TTFB), one per line or batched in arrays, with sender-added fields"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        let candidates = records.iter().filter(|r| r.is_object() || r.is_array()).count();
        let hits = records
            .iter()
            .filter(|r| {
                let ms = metrics_of(r);
                !ms.is_empty() && ms.iter().all(|(m, _, _)| is_metric(m))
            })
            .count();
        if hits == 0 || hits * 2 < candidates {
            return None;
        }
        Some("found metric objects (`name` LCP/INP/CLS/FCP/TTFB with a `value`)".into())
    }
    fn convert(&self, record: &Value, ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        let items = metrics_of(record);
        if items.is_empty() {
            return Err((
                None,
                "not a web-vitals report: expected a metric object, an array of them, or `metrics`/`metric` in a wrapper"
                    .into(),
            ));
        }
        for (i, (m, wrap, prefix)) in items.into_iter().enumerate() {
            let order = (ctx.record as i64) * 65_536 + i as i64;
            metric(m, wrap, order, ctx, out).map_err(|(f, r)| {
                let f = match f {
                    Some(f) => Some(format!("{prefix}{f}")),
                    None => (!prefix.is_empty()).then(|| prefix.trim_end_matches('.').to_string()),
                };
                (f, r)
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_from_id_and_sender() {
        assert_eq!(id_time("v5-1715000000000-4123456789012"), Some(1_715_000_000_000));
        assert_eq!(id_time("v6-1715000000000-1"), Some(1_715_000_000_000));
        assert_eq!(id_time("abc"), None);
        let m = json!({"ts": "2024-05-06T12:00:00Z"});
        assert_eq!(report_ts(&m, None, None).unwrap(), 1_714_996_800_000);
        let secs = json!({"timestamp": 1_715_000_000});
        assert!(report_ts(&secs, None, None).unwrap_err().1.contains("epoch seconds"));
        let wrapped = json!({"time": 1_715_000_000_123u64});
        assert_eq!(report_ts(&json!({}), Some(&wrapped), None).unwrap(), 1_715_000_000_123);
        assert!(report_ts(&json!({}), None, Some("x")).is_err());
    }

    #[test]
    fn recognises_metrics() {
        let lcp = json!({"name": "LCP", "value": 1.0, "id": "v5-1-2"});
        assert!(WebVitals.detect(std::slice::from_ref(&lcp)).is_some());
        assert!(WebVitals.detect(&[json!([lcp.clone(), lcp.clone()])]).is_some());
        assert!(WebVitals.detect(&[json!({"url": "/", "metrics": [lcp]})]).is_some());
        assert!(WebVitals.detect(&[json!({"name": "Alice", "value": 1})]).is_none());
        assert_eq!(navigation_type("back-forward-cache"), "back_forward");
        assert_eq!(navigation_type("soft-navigation"), "soft_navigation");
    }
}
