//! boomerang / mPulse beacons (docs/formats/boomerang.md).
//!
//! One beacon per line: either a JSON object of flat string parameters (the decoded form POST
//! or GET query string, as collectors such as basicrum store it, with collector fields like
//! `created_at` and `request_headers`), or the raw `k=v&k=v` query string itself. Every value
//! is a string; `nt_*`/`rt.*` are epoch ms, `t_*`/`pt.*`/`et.*` ms, `err` is a JSURL array.

use super::util::{check_ts, clip, measure, num, text};
use super::{Adapter, Context, Converted, RecordError};
use crate::schema::Row;
use serde_json::{Map, Value};

pub struct Boomerang;

/// Beacon parameters that identify boomerang (at least one besides the URL).
const MARKERS: &[&str] = &[
    "rt.si",
    "rt.tstart",
    "rt.end",
    "pid",
    "t_done",
    "nt_nav_st",
    "http.initiator",
];
/// Most rows one beacon may expand to from a count (`c.c.r`, an error's `n`).
const MAX_EXPAND: i64 = 1000;

impl Adapter for Boomerang {
    fn name(&self) -> &'static str {
        "boomerang"
    }
    fn title(&self) -> &'static str {
        "boomerang / mPulse"
    }
    fn description(&self) -> &'static str {
        "boomerang beacons, one per line: JSON maps of the beacon parameters (basicrum-style collectors) or raw query strings"
    }
    fn detect(&self, records: &[Value]) -> Option<String> {
        for r in records {
            let Ok(b) = beacon(r) else { continue };
            let has = |k: &str| b.get(k).is_some_and(|v| !v.is_null());
            let url = ["u", "pgu"].into_iter().find(|k| has(k));
            let found: Vec<&str> = MARKERS.iter().copied().filter(|k| has(k)).collect();
            if let Some(u) = url {
                if found.len() >= 2 || found.contains(&"rt.si") {
                    let mut keys: Vec<String> = found.iter().take(3).map(|k| format!("`{k}`")).collect();
                    keys.push(format!("`{u}`"));
                    let shape = if r.is_string() { "query string" } else { "JSON map" };
                    return Some(format!("found beacon parameters {} ({shape})", keys.join(", ")));
                }
            }
        }
        None
    }
    fn convert(&self, record: &Value, _ctx: &mut Context, out: &mut Vec<Converted>) -> Result<(), RecordError> {
        let b = Value::Object(beacon(record)?);
        convert_beacon(&b, out)
    }
}

/// The beacon's parameter map: the JSON object itself, or a parsed query-string line.
fn beacon(record: &Value) -> Result<Map<String, Value>, RecordError> {
    match record {
        Value::Object(m) => Ok(m.clone()),
        Value::String(s) => {
            let q = s.trim();
            // `/beacon?u=…` or a bare `u=…&…`.
            let q = match (q.find('?'), q.find('=')) {
                (Some(i), Some(e)) if i < e => &q[i + 1..],
                _ => q,
            };
            if !q.contains('=') {
                return Err((None, format!("not a beacon: `{}`", clip(s))));
            }
            let mut m = Map::new();
            // Split on `&` first, then decode (URLs inside values may hold encoded `&`).
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                m.insert(pct_decode(k), Value::String(pct_decode(v)));
            }
            Ok(m)
        }
        other => Err((
            None,
            format!("expected a JSON object or a query string, got {}", kind(other)),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Form/URL decoding: `+` is a space, `%XX` a byte; malformed escapes are kept as they are.
fn pct_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(x) => {
                        out.push(x);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The beacon type, from `http.initiator`.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// No initiator: the page-load beacon (or the unload beacon of the page, with `rt.quit`).
    Load,
    /// First page of a single-page app (a hard navigation).
    SpaHard,
    /// Soft (in-app) navigation.
    Spa,
    /// Page restored from the back/forward cache.
    Bfcache,
    Xhr,
    Error,
    Interaction,
    Other(String),
}

fn kind_of(b: &Value) -> Kind {
    match text(b, "http.initiator").map(|s| s.trim().to_ascii_lowercase()) {
        None => Kind::Load,
        Some(s) => match s.as_str() {
            "" => Kind::Load,
            "spa_hard" => Kind::SpaHard,
            "spa" => Kind::Spa,
            "bfcache" => Kind::Bfcache,
            "xhr" => Kind::Xhr,
            "error" => Kind::Error,
            "interaction" => Kind::Interaction,
            _ => Kind::Other(s),
        },
    }
}

/// An epoch-ms parameter: absent → None; present but not a plausible time → rejected.
fn epoch(b: &Value, field: &str) -> Result<Option<i64>, RecordError> {
    match num(b, field)? {
        None => Ok(None),
        Some(x) if !x.is_finite() => Err((Some(field.to_string()), "not a finite number".into())),
        Some(x) => check_ts(field, x.round() as i64).map(Some),
    }
}

/// `created_at` as basicrum writes it ("YYYY-MM-DD HH:MM:SS", UTC) or RFC 3339.
fn created_at(b: &Value) -> Result<Option<i64>, RecordError> {
    let Some(s) = text(b, "created_at") else {
        return Ok(None);
    };
    if let Ok(ms) = super::util::iso_ms("created_at", &s) {
        return Ok(Some(ms));
    }
    match chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S") {
        Ok(t) => check_ts("created_at", t.and_utc().timestamp_millis()).map(Some),
        Err(_) => Err((Some("created_at".into()), format!("not a date-time: `{}`", clip(&s)))),
    }
}

/// Navigation-timing mark `field` (epoch ms) as an offset from `nt_nav_st`. A zero mark means
/// the event had not happened when the beacon was sent.
fn nt_offset(b: &Value, field: &str, nav: Option<i64>) -> Result<Option<f64>, RecordError> {
    let Some(nav) = nav else { return Ok(None) };
    match num(b, field)? {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(x) if !x.is_finite() => Err((Some(field.to_string()), "not a finite number".into())),
        Some(x) if x < nav as f64 => Err((
            Some(field.to_string()),
            format!("negative timing: {field} ({x}) is before nt_nav_st ({nav})"),
        )),
        Some(x) => Ok(Some(x - nav as f64)),
    }
}

/// A count parameter (non-negative integer).
fn count(b: &Value, field: &str) -> Result<i64, RecordError> {
    Ok(measure(b, field, 1.0)?.map(|x| x.round() as i64).unwrap_or(0))
}

fn set_f(row: &mut Row, col: &str, v: Option<f64>) {
    if let Some(x) = v {
        row.f64(col, x);
    }
}

/// Request headers stored by the collector: `request_headers` as a JSON string or object
/// (values a string or an array of strings), or flat `request_headers.<Name>` keys.
fn header(b: &Value, headers: Option<&Map<String, Value>>, name: &str) -> Option<String> {
    let first = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Array(a) => a
                .iter()
                .find_map(|x| x.as_str().map(str::trim).filter(|s| !s.is_empty()).map(String::from)),
            _ => None,
        }
    };
    if let Some(h) = headers {
        if let Some(v) = h
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| first(v))
        {
            return Some(v);
        }
    }
    let flat = format!("request_headers.{}", name.to_ascii_lowercase());
    b.as_object()?
        .iter()
        .find(|(k, _)| k.to_ascii_lowercase() == flat)
        .and_then(|(_, v)| first(v))
}

fn parse_headers(b: &Value) -> Result<Option<Map<String, Value>>, RecordError> {
    match b.get("request_headers") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m.clone())),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            _ => Err((Some("request_headers".into()), "not a JSON object of headers".into())),
        },
        Some(other) => Err((
            Some("request_headers".into()),
            format!("expected headers, got {}", kind(other)),
        )),
    }
}

/// ISO-2 country from CDN headers (Cloudflare's `XX` unknown and `T1` Tor are dropped).
fn country(b: &Value, headers: Option<&Map<String, Value>>) -> Option<String> {
    [
        "Cf-Ipcountry",
        "CloudFront-Viewer-Country",
        "X-Country-Code",
        "X-AppEngine-Country",
    ]
    .iter()
    .find_map(|h| header(b, headers, h))
    .map(|c| c.to_ascii_uppercase())
    .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) && c != "XX" && c != "T1")
}

fn convert_beacon(b: &Value, out: &mut Vec<Converted>) -> Result<(), RecordError> {
    let kind = kind_of(b);
    let headers = parse_headers(b)?;
    let headers = headers.as_ref();

    // Timestamp: start of the page / request, else the collector's receive time.
    let mut ts = None;
    for f in ["rt.tstart", "nt_nav_st", "rt.end"] {
        if let Some(t) = epoch(b, f)? {
            ts = Some(t);
            break;
        }
    }
    let ts = match ts {
        Some(t) => t,
        None => created_at(b)?.ok_or_else(|| {
            (
                Some("rt.tstart".to_string()),
                "no timestamp: none of rt.tstart, nt_nav_st, rt.end, created_at".to_string(),
            )
        })?,
    };
    let end = epoch(b, "rt.end")?.filter(|e| *e >= ts).unwrap_or(ts);

    let session = text(b, "rt.si");
    let pid = text(b, "pid");
    let n = text(b, "n").unwrap_or_else(|| "1".into());
    let beacon_key = format!(
        "{}:{}:{n}",
        session.as_deref().unwrap_or(""),
        pid.as_deref().unwrap_or("")
    );

    // Context shared by every row of the beacon.
    let mut base = Row::new();
    base.i64("ts", ts);
    if let Some(s) = &session {
        base.str("session_id", s);
    }
    if let Some(p) = &pid {
        base.str("view_id", p);
    }
    let page_url = match kind {
        Kind::Xhr | Kind::Error | Kind::Interaction | Kind::Other(_) => text(b, "pgu").or_else(|| text(b, "u")),
        _ => text(b, "u").or_else(|| text(b, "pgu")),
    };
    if let Some(u) = &page_url {
        base.str("url", u);
    }
    if let Some(r) = text(b, "r") {
        base.str("referrer", r);
    }
    if let Some(ua) = header(b, headers, "User-Agent").or_else(|| text(b, "user_agent")) {
        base.str("user_agent", ua);
    }
    if let Some(c) = country(b, headers) {
        base.str("country", c);
    }
    if let Some(ct) = text(b, "mob.ct") {
        base.str("connection_type", ct.to_ascii_lowercase());
    }
    if let Some(et) = text(b, "mob.etype") {
        base.str("effective_type", et.to_ascii_lowercase());
    }
    set_f(&mut base, "rtt_ms", measure(b, "mob.rtt", 1.0)?);
    set_f(&mut base, "downlink_mbps", measure(b, "mob.dl", 1.0)?);
    if let Some(xy) = text(b, "scr.xy") {
        let dims = xy
            .split_once('x')
            .and_then(|(w, h)| Some((w.trim().parse::<i64>().ok()?, h.trim().parse::<i64>().ok()?)));
        match dims {
            Some((w, h)) if w >= 0 && h >= 0 => {
                base.i64("screen_w", w).i64("screen_h", h);
            }
            _ => {
                return Err((
                    Some("scr.xy".into()),
                    format!("expected WIDTHxHEIGHT, got `{}`", clip(&xy)),
                ))
            }
        }
    }

    let rage = count(b, "c.c.r")?;
    let errors = match text(b, "err") {
        Some(e) => decode_errors(&e, ts, page_url.as_deref())?,
        None => Vec::new(),
    };

    match &kind {
        Kind::Load | Kind::SpaHard | Kind::Bfcache | Kind::Spa => {
            let mut row = base.clone();
            row.str("event_type", "view");
            let soft = kind == Kind::Spa;
            if matches!(kind, Kind::Spa | Kind::Bfcache) {
                if let Some(p) = &pid {
                    row.str("view_id", format!("{p}-{n}"));
                }
            }
            let nav = if soft { None } else { epoch(b, "nt_nav_st")? };
            if !soft {
                let ttfb = match nt_offset(b, "nt_res_st", nav)? {
                    Some(x) => Some(x),
                    None => measure(b, "t_resp", 1.0)?,
                };
                set_f(&mut row, "ttfb_ms", ttfb);
                set_f(&mut row, "fcp_ms", measure(b, "pt.fcp", 1.0)?);
                set_f(&mut row, "lcp_ms", measure(b, "pt.lcp", 1.0)?);
                set_f(&mut row, "dom_interactive_ms", nt_offset(b, "nt_domint", nav)?);
                set_f(&mut row, "dom_complete_ms", nt_offset(b, "nt_domcomp", nav)?);
            }
            let load = match nt_offset(b, "nt_load_end", nav)? {
                Some(x) => Some(x),
                None => measure(b, "t_done", 1.0)?,
            };
            set_f(&mut row, "load_ms", load);
            set_f(&mut row, "inp_ms", measure(b, "et.inp", 1.0)?);
            set_f(&mut row, "cls", measure(b, "c.cls", 1.0)?);
            let nav_type = match kind {
                Kind::Bfcache => Some("back_forward"),
                Kind::Spa => None,
                _ => match text(b, "nt_nav_type").as_deref() {
                    Some("0") => Some("navigate"),
                    Some("1") => Some("reload"),
                    Some("2") => Some("back_forward"),
                    _ => None,
                },
            };
            if let Some(t) = nav_type {
                row.str("navigation_type", t);
            }
            let c = Converted::new(row);
            out.push(match (&kind, &pid) {
                // The page-load beacon and the unload beacon (`rt.quit`) of one page: keep the
                // one with navigation timings, else the page-load beacon, else the latest.
                (Kind::Load | Kind::SpaHard, Some(p)) => {
                    let version = if nav.is_some() || b.get("t_resp").is_some() {
                        2
                    } else if b.get("rt.quit").is_none() {
                        1
                    } else {
                        0
                    };
                    c.dedup(format!("view:{}:{p}", session.as_deref().unwrap_or("")), version)
                }
                _ => c.dedup(format!("beacon:{beacon_key}"), 0),
            });
        }
        Kind::Xhr => {
            let mut row = base.clone();
            row.str("event_type", "resource");
            let rtype = if text(b, "http.type").as_deref() == Some("f") {
                "fetch"
            } else {
                "xhr"
            };
            row.str("resource_type", rtype);
            if let Some(u) = text(b, "u") {
                row.str("resource_url", u);
            }
            if let Some(m) = text(b, "http.method") {
                row.str("method", m.to_ascii_uppercase());
            }
            if let Some(e) = num(b, "http.errno")? {
                // Negative codes are boomerang's abort / timeout / network-error markers.
                row.i64(
                    "status_code",
                    if e < 0.0 || !e.is_finite() { 0 } else { e.round() as i64 },
                );
            }
            set_f(&mut row, "duration_ms", measure(b, "t_done", 1.0)?);
            out.push(Converted::new(row).dedup(format!("beacon:{beacon_key}"), 0));
        }
        Kind::Interaction => {
            let mut row = base.clone();
            row.str("event_type", "action");
            let at = if count(b, "c.c")? > 0 {
                Some("click")
            } else if count(b, "c.k")? > 0 {
                Some("input")
            } else if count(b, "c.s")? > 0 {
                Some("scroll")
            } else {
                None
            };
            if let Some(a) = at {
                row.str("action_type", a);
            }
            if rage > 0 {
                row.str("frustration", "rage");
            }
            set_f(&mut row, "duration_ms", measure(b, "t_done", 1.0)?);
            out.push(Converted::new(row).dedup(format!("beacon:{beacon_key}"), 0));
        }
        Kind::Error => {
            if errors.is_empty() {
                return Err((Some("err".into()), "error beacon without `err`".into()));
            }
        }
        Kind::Other(x) => {
            if errors.is_empty() {
                return Err((
                    Some("http.initiator".into()),
                    format!(
                        "beacon type `{}` has no canonical event (custom timer/metric beacon)",
                        clip(x)
                    ),
                ));
            }
        }
    }

    // Rage clicks counted on the beacon: one `rage` click action each.
    if rage > 0 && kind != Kind::Interaction {
        for i in 0..rage.min(MAX_EXPAND) {
            let mut row = base.clone();
            row.i64("ts", end)
                .str("event_type", "action")
                .str("action_type", "click")
                .str("frustration", "rage");
            out.push(Converted::new(row).dedup(format!("rage:{beacon_key}:{i}"), 0));
        }
    }

    let mut emitted = 0;
    for (ei, e) in errors.into_iter().enumerate() {
        for k in 0..e.count {
            if emitted >= MAX_EXPAND {
                break;
            }
            emitted += 1;
            let mut row = base.clone();
            row.str("event_type", "error")
                .i64("ts", e.ts)
                .str("error_type", &e.kind)
                .str("error_source", e.source);
            if let Some(m) = &e.message {
                row.str("error_message", m);
            }
            if let Some(s) = &e.stack {
                row.str("error_stack", s);
            }
            if let Some(c) = e.status {
                row.i64("status_code", c);
            }
            out.push(Converted::new(row).dedup(format!("err:{beacon_key}:{ei}:{k}"), 0));
        }
    }
    Ok(())
}

/// One decoded entry of `err`.
struct BoomError {
    count: i64,
    ts: i64,
    kind: String,
    message: Option<String>,
    stack: Option<String>,
    source: &'static str,
    status: Option<i64>,
}

fn err_field(reason: impl Into<String>) -> RecordError {
    (Some("err".into()), reason.into())
}

/// Decode boomerang's `err` parameter: a JSURL (or, without JSURL, JSON) array of compressed
/// errors `{n count, d base-36 epoch ms, f frames[{l,c,f,w|wo}], s source, v via, t type,
/// c code, m message}`.
fn decode_errors(s: &str, beacon_ts: i64, page_url: Option<&str>) -> Result<Vec<BoomError>, RecordError> {
    let s = s.trim();
    let v = if s.starts_with('~') {
        jsurl::parse(s).map_err(|e| err_field(format!("not JSURL: {e}")))?
    } else {
        serde_json::from_str::<Value>(s).map_err(|_| err_field(format!("not JSURL or JSON: `{}`", clip(s))))?
    };
    let items = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => return Err(err_field("expected an array of errors")),
    };
    let origin = page_url.and_then(origin_of);
    let mut out = Vec::new();
    for e in &items {
        if !e.is_object() {
            return Err(err_field("an error entry is not an object"));
        }
        let int = |k: &str| -> Result<Option<i64>, RecordError> {
            match num(e, k) {
                Ok(Some(x)) if x.is_finite() => Ok(Some(x.round() as i64)),
                Ok(Some(_)) => Err(err_field(format!("`{k}` is not finite"))),
                Ok(None) => Ok(None),
                Err((_, why)) => Err(err_field(format!("`{k}`: {why}"))),
            }
        };
        let count = int("n")?.unwrap_or(1);
        if count < 1 {
            return Err(err_field(format!("error count {count} is not positive")));
        }
        let ts = match text(e, "d") {
            Some(d) => {
                let ms = i64::from_str_radix(d.trim(), 36)
                    .map_err(|_| err_field(format!("`d` is not base-36: `{}`", clip(&d))))?;
                check_ts("err", ms)?
            }
            None => beacon_ts,
        };
        let via = int("v")?.unwrap_or(1);
        let src = int("s")?.unwrap_or(1);
        let source = if src == 2 {
            "agent"
        } else {
            match via {
                3 => "network",
                4 => "console",
                _ => "source",
            }
        };
        let code = int("c")?;
        let mut frames = Vec::new();
        if let Some(Value::Array(fs)) = e.get("f") {
            for f in fs {
                let func = text(f, "f");
                let file =
                    text(f, "w").or_else(|| text(f, "wo").map(|p| format!("{}{p}", origin.as_deref().unwrap_or(""))));
                let mut line = String::from("at");
                if let Some(func) = &func {
                    line.push(' ');
                    line.push_str(func);
                }
                let mut loc = file.clone().unwrap_or_default();
                if let Some(l) = text(f, "l") {
                    loc.push(':');
                    loc.push_str(&l);
                    if let Some(c) = text(f, "c") {
                        loc.push(':');
                        loc.push_str(&c);
                    }
                }
                if !loc.is_empty() {
                    if func.is_some() {
                        line.push_str(&format!(" ({loc})"));
                    } else {
                        line.push(' ');
                        line.push_str(&loc);
                    }
                }
                frames.push(line);
            }
        }
        out.push(BoomError {
            count,
            ts,
            kind: text(e, "t").unwrap_or_else(|| "Error".into()),
            message: text(e, "m"),
            stack: (!frames.is_empty()).then(|| frames.join("\n")),
            source,
            status: if via == 3 { code.map(|c| c.max(0)) } else { None },
        });
    }
    Ok(out)
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// A JSURL (github.com/Sage/jsurl) parser: `~(…)` objects/arrays, `~'` strings with `*XX`,
/// `**XXXX` and `!` escapes, numbers and `~true`/`~false`/`~null`.
mod jsurl {
    use serde_json::{Map, Number, Value};

    const MAX_DEPTH: usize = 64;

    pub fn parse(s: &str) -> Result<Value, String> {
        let mut p = Parser { s: s.as_bytes(), i: 0 };
        let v = p.value(0)?;
        if p.i != p.s.len() {
            return Err(format!("trailing characters at {}", p.i));
        }
        Ok(v)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<u8> {
            self.s.get(self.i).copied()
        }
        fn eat(&mut self, c: u8) -> Result<(), String> {
            if self.peek() == Some(c) {
                self.i += 1;
                Ok(())
            } else {
                Err(format!("expected `{}` at {}", c as char, self.i))
            }
        }
        fn decode(&mut self) -> Result<String, String> {
            let mut out: Vec<u8> = Vec::new();
            while let Some(c) = self.peek() {
                match c {
                    b'~' | b')' => break,
                    b'*' => {
                        let (len, skip) = if self.s.get(self.i + 1) == Some(&b'*') {
                            (4, 2)
                        } else {
                            (2, 1)
                        };
                        let start = self.i + skip;
                        let hex = self
                            .s
                            .get(start..start + len)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .ok_or_else(|| format!("bad escape at {}", self.i))?;
                        let code = u32::from_str_radix(hex, 16).map_err(|_| format!("bad escape at {}", self.i))?;
                        let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        self.i = start + len;
                    }
                    b'!' => {
                        out.push(b'$');
                        self.i += 1;
                    }
                    _ => {
                        out.push(c);
                        self.i += 1;
                    }
                }
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        fn value(&mut self, depth: usize) -> Result<Value, String> {
            if depth > MAX_DEPTH {
                return Err("nested too deeply".into());
            }
            self.eat(b'~')?;
            match self.peek() {
                Some(b'(') => {
                    self.i += 1;
                    let v = if self.peek() == Some(b'~') {
                        let mut items = Vec::new();
                        if self.s.get(self.i + 1) == Some(&b')') {
                            self.i += 1;
                        } else {
                            while self.peek() == Some(b'~') {
                                items.push(self.value(depth + 1)?);
                            }
                        }
                        Value::Array(items)
                    } else {
                        let mut m = Map::new();
                        if self.peek() != Some(b')') {
                            loop {
                                let k = self.decode()?;
                                let v = self.value(depth + 1)?;
                                m.insert(k, v);
                                if self.peek() == Some(b'~') {
                                    self.i += 1;
                                } else {
                                    break;
                                }
                            }
                        }
                        Value::Object(m)
                    };
                    self.eat(b')')?;
                    Ok(v)
                }
                Some(b'\'') => {
                    self.i += 1;
                    Ok(Value::String(self.decode()?))
                }
                Some(_) => {
                    let beg = self.i;
                    while let Some(c) = self.peek() {
                        if c == b')' || c == b'~' {
                            break;
                        }
                        self.i += 1;
                    }
                    let word = std::str::from_utf8(&self.s[beg..self.i]).map_err(|_| "bad bytes".to_string())?;
                    match word {
                        "true" => Ok(Value::Bool(true)),
                        "false" => Ok(Value::Bool(false)),
                        "null" => Ok(Value::Null),
                        w if w.parse::<i64>().is_ok() => Ok(Value::from(w.parse::<i64>().unwrap_or(0))),
                        w => w
                            .parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map(Value::Number)
                            .ok_or_else(|| format!("bad value `{w}`")),
                    }
                }
                None => Err("unexpected end".into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsurl_values() {
        let v = jsurl::parse("~(~(a~(~(a~0~s~'~t~0))~d~'1q~n~1~s~'23f))").unwrap();
        assert_eq!(
            v,
            json!([{"a": [{"a": 0, "s": "", "t": 0}], "d": "1q", "n": 1, "s": "23f"}])
        );
        assert_eq!(jsurl::parse("~'a*20b!c**20ACd").unwrap(), json!("a b$c€d"));
        assert_eq!(jsurl::parse("~(~)").unwrap(), json!([]));
        assert_eq!(jsurl::parse("~()").unwrap(), json!({}));
        assert!(jsurl::parse("~(~'a").is_err());
        assert!(jsurl::parse(&"~(~".repeat(100)).is_err());
    }

    #[test]
    fn query_strings_are_split_then_decoded() {
        let m = beacon(&json!(
            "/beacon?u=https%3A%2F%2Fa.test%2F%3Fx%3D1%26y%3D2&rt.si=abc-rh9f05&n=1+2"
        ))
        .unwrap();
        assert_eq!(m["u"], json!("https://a.test/?x=1&y=2"));
        assert_eq!(m["rt.si"], json!("abc-rh9f05"));
        assert_eq!(m["n"], json!("1 2"));
        assert_eq!(pct_decode("100%"), "100%");
        assert_eq!(pct_decode("%zz%4"), "%zz%4");
    }
}
