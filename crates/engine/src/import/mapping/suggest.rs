//! Proposing a mapping from column names and value ranges.

use super::*;
use crate::error::{EngineError, Result};
use crate::import::sources::{resolve_inputs, FileFormat};
use crate::schema::{self, ColumnDef, Kind, COLUMNS, EVENT_TYPES};
use polars::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the sample shows of one input column.
#[derive(Default)]
pub(super) struct Sample {
    nums: Vec<f64>,
    strs: Vec<String>,
    datetime: bool,
    /// Values of a type no canonical column holds (arrays, binary…).
    other: bool,
}

/// Canonical column ← input names, normalised (lower case, letters and digits only), in order
/// of preference. Every canonical name itself also matches.
pub(super) const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "ts",
        &[
            "ts",
            "timestamp",
            "time",
            "eventtime",
            "eventtimestamp",
            "datetime",
            "date",
            "createdat",
            "occurredat",
            "receivedat",
            "loggedat",
        ],
    ),
    ("event_type", &["eventtype", "type", "event", "kind", "recordtype"]),
    ("session_id", &["sessionid", "session", "sid", "visitid"]),
    ("view_id", &["viewid", "pageviewid", "pvid"]),
    (
        "url",
        &[
            "url",
            "pageurl",
            "href",
            "location",
            "documenturl",
            "pagelocation",
            "fullurl",
            "page",
        ],
    ),
    ("referrer", &["referrer", "referer", "documentreferrer", "pagereferrer"]),
    ("navigation_type", &["navigationtype", "navtype"]),
    (
        "app",
        &["app", "application", "appname", "service", "servicename", "site"],
    ),
    (
        "release",
        &["release", "version", "appversion", "serviceversion", "build"],
    ),
    ("environment", &["environment", "env", "stage"]),
    ("user_agent", &["useragent", "ua", "browseruseragent", "httpuseragent"]),
    ("screen_w", &["screenw", "screenwidth", "viewportwidth"]),
    ("screen_h", &["screenh", "screenheight", "viewportheight"]),
    ("country", &["country", "countrycode", "geocountry", "countryiso"]),
    ("connection_type", &["connectiontype", "connection"]),
    ("effective_type", &["effectivetype", "ect", "effectiveconnectiontype"]),
    ("rtt_ms", &["rtt", "roundtriptime"]),
    ("downlink_mbps", &["downlink", "downlinkmbps", "bandwidth"]),
    ("ttfb_ms", &["ttfb", "timetofirstbyte", "firstbyte"]),
    ("fcp_ms", &["fcp", "firstcontentfulpaint"]),
    ("lcp_ms", &["lcp", "largestcontentfulpaint"]),
    ("inp_ms", &["inp", "interactiontonextpaint"]),
    ("cls", &["cls", "cumulativelayoutshift"]),
    (
        "load_ms",
        &["load", "loadtime", "pageloadtime", "loadeventend", "plt", "onload"],
    ),
    ("dom_interactive_ms", &["dominteractive"]),
    ("dom_complete_ms", &["domcomplete"]),
    ("resource_url", &["resourceurl", "resource", "requesturl"]),
    ("resource_type", &["resourcetype", "initiatortype"]),
    ("method", &["method", "httpmethod", "requestmethod"]),
    ("status_code", &["statuscode", "status", "httpstatus", "responsestatus"]),
    ("duration_ms", &["duration", "elapsed"]),
    ("transfer_bytes", &["transferbytes", "transfersize", "bytes", "size"]),
    ("error_type", &["errortype", "errorclass", "exceptiontype"]),
    ("error_message", &["errormessage", "message", "exceptionmessage"]),
    ("error_source", &["errorsource"]),
    ("error_stack", &["errorstack", "stack", "stacktrace"]),
    ("action_type", &["actiontype"]),
    ("target", &["target", "targetname", "selector"]),
    ("x", &["x", "clientx"]),
    ("y", &["y", "clienty"]),
    ("frustration", &["frustration", "frustrationtype"]),
];

/// Unit suffixes of duration column names (`lcp_s`, `loadTimeMs`), longest first.
pub(super) const UNIT_SUFFIXES: &[(&str, Unit)] = &[
    ("milliseconds", Unit::Ms),
    ("microseconds", Unit::Us),
    ("nanoseconds", Unit::Ns),
    ("seconds", Unit::S),
    ("millis", Unit::Ms),
    ("micros", Unit::Us),
    ("nanos", Unit::Ns),
    ("secs", Unit::S),
    ("sec", Unit::S),
    ("ms", Unit::Ms),
    ("us", Unit::Us),
    ("ns", Unit::Ns),
    ("s", Unit::S),
];

pub(super) fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The canonical column a normalised name means, with its preference rank.
pub(super) fn synonym(n: &str) -> Option<(&'static ColumnDef, usize)> {
    for (target, names) in SYNONYMS {
        if let Some(i) = names.iter().position(|x| *x == n) {
            return schema::column(target).map(|d| (d, i + 1));
        }
    }
    COLUMNS.iter().find(|d| norm(d.name) == n).map(|d| (d, 0))
}

/// Candidate target of an input column: `(def, rank, unit hint)`; a lower rank is preferred.
pub(super) fn candidate(name: &str) -> Option<(&'static ColumnDef, usize, Option<Unit>)> {
    let full = norm(name);
    let last = norm(name.rsplit('.').next().unwrap_or(name));
    for (tier, n) in [(0, &full), (100, &last)] {
        if let Some((d, r)) = synonym(n) {
            return Some((d, tier + r, None));
        }
        for (suffix, unit) in UNIT_SUFFIXES {
            if let Some(base) = n.strip_suffix(suffix).filter(|b| !b.is_empty()) {
                if let Some((d, r)) = synonym(base).filter(|(d, _)| is_duration(d)) {
                    return Some((d, tier + 50 + r, Some(*unit)));
                }
            }
        }
    }
    None
}

pub(super) fn median(v: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Numbers of a column: JSON numbers, or numeric strings when every string is one.
pub(super) fn numbers(s: &Sample) -> Vec<f64> {
    if !s.nums.is_empty() || s.strs.is_empty() {
        return s.nums.clone();
    }
    let parsed: Vec<f64> = s.strs.iter().filter_map(|x| x.trim().parse::<f64>().ok()).collect();
    if parsed.len() == s.strs.len() {
        parsed
    } else {
        Vec::new()
    }
}

/// Below this median (in the column's ms-or-not unit), a duration is taken to be in seconds.
pub(super) fn seconds_below(target: &str) -> f64 {
    match target {
        "ttfb_ms" => 10.0,
        "inp_ms" | "rtt_ms" => 5.0,
        "duration_ms" => 2.0,
        _ => 60.0,
    }
}

pub(super) fn duration_unit(nums: &[f64], hint: Option<Unit>, target: &str) -> Unit {
    match median(nums) {
        Some(m) if m > 1e8 => Unit::Ns,
        Some(m) if m > 1e5 => Unit::Us,
        Some(m) if m > 0.0 && m < seconds_below(target) => Unit::S,
        Some(m) if m > 0.0 => Unit::Ms,
        _ => hint.unwrap_or(Unit::Ms),
    }
}

pub(super) fn epoch_format(m: f64) -> TimeFormat {
    if m < 1e11 {
        TimeFormat::EpochS
    } else if m < 1e14 {
        TimeFormat::EpochMs
    } else if m < 1e17 {
        TimeFormat::EpochUs
    } else {
        TimeFormat::EpochNs
    }
}

/// The mapping of one column if its values fit the target, else `None`.
pub(super) fn fit(def: &'static ColumnDef, hint: Option<Unit>, s: &Sample) -> Option<ColumnMap> {
    let to = def.name.to_string();
    let map = |unit, time| {
        Some(ColumnMap {
            to: to.clone(),
            unit,
            time,
        })
    };
    if s.other {
        return None;
    }
    match def.kind {
        Kind::Timestamp => {
            if s.datetime {
                return map(None, None);
            }
            let nums = numbers(s);
            if let Some(m) = median(&nums) {
                return (m >= 1e8).then(|| epoch_format(m)).and_then(|f| map(None, Some(f)));
            }
            let ok = !s.strs.is_empty()
                && s.strs
                    .iter()
                    .all(|x| chrono::DateTime::parse_from_rfc3339(x.trim()).is_ok());
            ok.then(|| map(None, Some(TimeFormat::Rfc3339))).flatten()
        }
        Kind::Float | Kind::Int => {
            let nums = numbers(s);
            if nums.is_empty() && (!s.strs.is_empty() || s.datetime) {
                return None;
            }
            if is_duration(def) {
                map(Some(duration_unit(&nums, hint, def.name)), None)
            } else {
                map(None, None)
            }
        }
        Kind::Dim if def.name == "event_type" => {
            let ok = !s.strs.is_empty() && s.strs.iter().all(|x| EVENT_TYPES.contains(&x.as_str()));
            ok.then(|| map(None, None)).flatten()
        }
        Kind::Dim | Kind::Text => (!s.datetime).then(|| map(None, None)).flatten(),
    }
}

pub(super) fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Sample>) {
    for_each_leaf(prefix, v, &mut |name, x| {
        let s = out.entry(name.to_string()).or_default();
        match x {
            Value::Null => {}
            Value::Number(n) => s.nums.extend(n.as_f64()),
            Value::String(t) if t.is_empty() => {}
            Value::String(t) => s.strs.push(t.clone()),
            Value::Bool(b) => s.strs.push(b.to_string()),
            _ => s.other = true,
        }
    });
}

pub(super) fn parquet_samples(path: &Path) -> Result<BTreeMap<String, Sample>> {
    let fail = |e: PolarsError| EngineError::file(path, format!("cannot read Parquet: {e}"));
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| EngineError::file(path, e.to_string()))?;
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(false);
    let df = LazyFrame::scan_parquet(pl_path, args)
        .map_err(fail)?
        .limit(SUGGEST_SAMPLE as IdxSize)
        .collect()
        .map_err(fail)?;
    let mut out = BTreeMap::new();
    for c in df.columns() {
        let mut s = Sample::default();
        let dt = c.dtype();
        if matches!(dt, DataType::Datetime(_, _) | DataType::Date) {
            s.datetime = true;
        } else if dt.is_primitive_numeric() {
            let f = c.cast(&DataType::Float64).map_err(fail)?;
            s.nums = f.f64().map_err(fail)?.iter().flatten().collect();
        } else if dt == &DataType::String || dt == &DataType::Boolean {
            let f = c.cast(&DataType::String).map_err(fail)?;
            s.strs = f
                .str()
                .map_err(fail)?
                .iter()
                .flatten()
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
        } else if !dt.is_null() {
            s.other = true;
        }
        out.insert(c.name().to_string(), s);
    }
    Ok(out)
}

/// Propose a mapping for a file from its column names and the value ranges of its first
/// [`SUGGEST_SAMPLE`] records (NDJSON/JSON) or rows (Parquet). Columns it cannot place are
/// listed in `_unmapped`. Deterministic: the same file gives the same mapping.
pub fn suggest_mapping(path: &Path) -> Result<Mapping> {
    let files = resolve_inputs(&[path.to_string_lossy().into_owned()])?;
    let file = files
        .first()
        .ok_or_else(|| EngineError::NoInput(path.display().to_string()))?;
    let samples = match file.format {
        FileFormat::Parquet => parquet_samples(&file.path)?,
        FileFormat::Ndjson | FileFormat::NdjsonGz => {
            let mut out = BTreeMap::new();
            let recs = crate::import::vendor::sample(file, SUGGEST_SAMPLE)?;
            if !recs.iter().any(Value::is_object) {
                return Err(EngineError::file(&file.path, "no JSON object in the first records"));
            }
            for r in recs.iter().filter(|r| r.is_object()) {
                flatten("", r, &mut out);
            }
            out
        }
    };
    // Best candidate per target: lowest rank, then name.
    let mut best: BTreeMap<&'static str, (usize, String, ColumnMap)> = BTreeMap::new();
    for (name, s) in &samples {
        let Some((def, rank, hint)) = candidate(name) else {
            continue;
        };
        let Some(cm) = fit(def, hint, s) else {
            continue;
        };
        let better = best.get(def.name).is_none_or(|(r, n, _)| (rank, name) < (*r, n));
        if better {
            best.insert(def.name, (rank, name.clone(), cm));
        }
    }
    let columns: BTreeMap<String, ColumnMap> = best.into_values().map(|(_, n, cm)| (n, cm)).collect();
    let unmapped: BTreeSet<String> = samples.keys().filter(|k| !columns.contains_key(*k)).cloned().collect();
    let mut defaults = BTreeMap::new();
    if !columns.values().any(|c| c.to == "event_type") {
        defaults.insert("event_type".to_string(), Value::String("view".into()));
    }
    Ok(Mapping {
        columns,
        defaults,
        unmapped: unmapped.into_iter().collect(),
    })
}
