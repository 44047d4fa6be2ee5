//! Deterministic, realistic sample-data generator (`rumlens gen`).
//!
//! Produces canonical events ([`crate::schema::COLUMNS`]) for an imaginary e-commerce site,
//! `https://shop.example.com`, over a fixed 28-day window starting 2026-10-05T00:00:00Z, with three
//! releases of the app `shop-web`. The same [`GenOptions`] always give the same frame: all
//! randomness comes from one `ChaCha8Rng` seeded with `seed`, drawn in a fixed order.
//!
//! Only *input* columns are filled. Derived columns (`page_group`, `device_type`, `browser`,
//! `browser_version`, `os`, `os_version`, `region`, `subregion`, `fingerprint`) are left null: the
//! enrichment step computes them from `url`, `user_agent` and `country`, as it does for real data.
//! The generator keeps its own device/browser labels only to drive its timing model.
//!
//! Planted truths (documented in `sample-data/README.md`, checked by the tests here and in `timings`):
//! 1. LCP ×1.8 for mobile Safari on iPhone in release 1.5.0 only ([`LCP_REGRESSION`]).
//! 2. `TypeError: Cannot read properties of undefined (reading 'price')` on `/cart`, only in
//!    release 1.5.0, in ~25% of its `/cart` views ([`CART_ERROR_RATE`]).
//! 3. Checkout → confirmation continuation ~30% on mobile vs ~75% on desktop/tablet.
//! 4. `POST /api/cart/items` answers 503 to ~8% of calls in release 1.4.0 only.
//!
//! Layout: this module holds the public API and the session loop; `rng` the random helpers,
//! `clients` countries, user agents, screens and networks, `journey` pages and journeys, `view`
//! the events of one page view, built from `timings`, `actions`, `resources`, `errors` and
//! `error_templates`.

mod actions;
mod clients;
mod error_templates;
mod errors;
mod journey;
mod resources;
mod rng;
#[cfg(test)]
mod test_util;
mod timings;
mod view;

use crate::schema::{Builder, Row};
use clients::{bot_client, desktop_client, mobile_client, net_info, sample_net, tablet_client};
use clients::{Browser, Client, Country, Device, Net, NetInfo, COUNTRIES, HOUR_WEIGHTS};
use errors::{zipf_weights, ERROR_TEMPLATES};
use journey::{bot_journey, plan_journey, Nav, Page, SOURCES};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rng::{chance, hex16, lognormal, pick_w, uuid4, weighted_index, R};
use view::{emit_view, ViewCtx};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of sessions (visits). About 17 events per session on average.
    pub sessions: usize,
    /// Seed of the random generator: same seed, same frame.
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            sessions: 1500,
            seed: 42,
        }
    }
}

/// First instant of the generated window: 2026-10-05T00:00:00Z (a Monday), epoch ms.
pub const WINDOW_START_MS: i64 = 1_791_158_400_000;
/// Length of the window in days.
pub const WINDOW_DAYS: i64 = 28;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// End of the window (exclusive): 2026-11-02T00:00:00Z.
pub const WINDOW_END_MS: i64 = WINDOW_START_MS + WINDOW_DAYS * DAY_MS;

/// Releases and the instant (epoch ms) from which new sessions get them. A session keeps the
/// release it started with. 1.4.0: 2026-10-14T09:00Z (day 9); 1.5.0: 2026-10-24T09:00Z (day 19).
pub const RELEASES: &[(&str, i64)] = &[
    ("1.3.2", WINDOW_START_MS),
    ("1.4.0", WINDOW_START_MS + 9 * DAY_MS + 9 * HOUR_MS),
    ("1.5.0", WINDOW_START_MS + 19 * DAY_MS + 9 * HOUR_MS),
];
/// Application name of every event.
pub const APP: &str = "shop-web";
/// Environment of every event.
pub const ENVIRONMENT: &str = "prod";
/// Origin of the generated site.
pub const ORIGIN: &str = "https://shop.example.com";

/// Planted truth 1: LCP multiplier for iPhone Safari views in release 1.5.0.
pub const LCP_REGRESSION: f64 = 1.8;
/// Planted truth 2: share of release-1.5.0 `/cart` views that throw the `price` TypeError.
pub const CART_ERROR_RATE: f64 = 0.25;
/// Planted truth 2: the message of that error.
pub const CART_ERROR_MESSAGE: &str = "Cannot read properties of undefined (reading 'price')";
/// Planted truth 3: checkout → confirmation continuation on mobile (desktop/tablet: 0.75).
pub const MOBILE_CHECKOUT_CONTINUE: f64 = 0.30;
/// Base checkout → confirmation continuation (desktop and tablet).
pub const CHECKOUT_CONTINUE: f64 = 0.75;
/// Planted truth 4: share of `POST /api/cart/items` calls answered 503 in release 1.4.0.
pub const CART_ITEMS_503_RATE: f64 = 0.08;

/// Release a session starting at `ts_ms` runs.
pub fn release_at(ts_ms: i64) -> &'static str {
    let mut current = RELEASES[0].0;
    for &(name, from) in RELEASES {
        if ts_ms >= from {
            current = name;
        }
    }
    current
}

/// Canonical events (schema::COLUMNS order/types) for `sessions` sessions, deterministic for a seed.
///
/// Rows are sorted by `ts`, then `session_id` (stable: events of one session keep their order).
pub fn generate(opts: &GenOptions) -> PolarsResult<DataFrame> {
    const CHUNK_ROWS: usize = 50_000;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let templates = zipf_weights(ERROR_TEMPLATES);
    let mut builder = Builder::new();
    let mut out: Option<DataFrame> = None;
    for _ in 0..opts.sessions {
        gen_session(&mut rng, &templates, &mut builder);
        if builder.len() >= CHUNK_ROWS {
            append(&mut out, std::mem::take(&mut builder).finish()?)?;
        }
    }
    append(&mut out, builder.finish()?)?;
    let df = match out {
        Some(df) => df,
        None => Builder::new().finish()?,
    };
    df.sort(
        ["ts", "session_id"],
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

fn append(out: &mut Option<DataFrame>, chunk: DataFrame) -> PolarsResult<()> {
    match out {
        Some(df) => {
            df.vstack_mut_owned(chunk)?;
        }
        None => *out = Some(chunk),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sessions.

struct Session {
    id: String,
    user: String,
    release: &'static str,
    client: Client,
    country: &'static Country,
    net: Net,
    netinfo: Option<NetInfo>,
    /// Per-session device speed (rendering-time multiplier).
    speed: f64,
    /// Touch events are reported as taps (about half the touch-device sessions).
    taps: bool,
    checkout_id: String,
    order_id: String,
}

impl Session {
    /// Planted truth 1 applies to this session.
    fn lcp_regressed(&self) -> bool {
        self.release == "1.5.0" && self.client.device == Device::Mobile && self.client.browser == Browser::MobileSafari
    }

    fn row(&self, event_type: &str, view: &ViewCtx) -> Row {
        let mut r = Row::new();
        r.str("event_type", event_type)
            .str("session_id", &self.id)
            .str("view_id", &view.id)
            .str("source_format", "canonical")
            .str("url", &view.url)
            .str("app", APP)
            .str("release", self.release)
            .str("environment", ENVIRONMENT)
            .str("user_agent", &self.client.ua)
            .i64("screen_w", self.client.screen.0)
            .i64("screen_h", self.client.screen.1)
            .str("country", self.country.code);
        if let Some(referrer) = &view.referrer {
            r.str("referrer", referrer);
        }
        if let Some(ni) = &self.netinfo {
            r.str("connection_type", ni.connection_type)
                .str("effective_type", ni.effective_type)
                .f64("rtt_ms", ni.rtt)
                .f64("downlink_mbps", ni.downlink);
        }
        r
    }
}

fn session_start(rng: &mut R, country: &Country) -> i64 {
    // Day of the window (weekends a little busier), then local hour by the daily cycle.
    let day = weighted_index(rng, (0..WINDOW_DAYS).map(|d| if d % 7 >= 5 { 1.15 } else { 1.0 })) as i64;
    let hour = weighted_index(rng, HOUR_WEIGHTS.iter().copied()) as i64;
    let within = rng.random_range(0..HOUR_MS);
    let offset = (country.utc_offset * HOUR_MS as f64) as i64;
    let mut ts = WINDOW_START_MS + day * DAY_MS + hour * HOUR_MS + within - offset;
    // Wrap around the window so the cycle is kept for every time zone.
    if ts < WINDOW_START_MS {
        ts += WINDOW_DAYS * DAY_MS;
    } else if ts >= WINDOW_END_MS {
        ts -= WINDOW_DAYS * DAY_MS;
    }
    ts
}

fn gen_session(rng: &mut R, templates: &[f64], b: &mut Builder) {
    let bot = chance(rng, 0.005);
    let country = if bot {
        &COUNTRIES[0]
    } else {
        let i = weighted_index(rng, COUNTRIES.iter().map(|c| c.weight));
        &COUNTRIES[i]
    };
    let client = if bot {
        bot_client(rng)
    } else {
        match pick_w(
            rng,
            &[(Device::Desktop, 0.45), (Device::Mobile, 0.48), (Device::Tablet, 0.07)],
        ) {
            Device::Desktop => desktop_client(rng),
            Device::Mobile => mobile_client(rng, country),
            _ => tablet_client(rng),
        }
    };
    let net = sample_net(rng, client.device, country);
    let netinfo = if client.netinfo {
        Some(net_info(rng, client.device, net, country))
    } else {
        None
    };
    let speed = match client.device {
        Device::Desktop => lognormal(rng, 1.0, 0.15),
        Device::Bot => 1.0,
        _ => lognormal(rng, 1.0, 0.18),
    };
    let taps = matches!(client.device, Device::Mobile | Device::Tablet) && chance(rng, 0.5);
    let mut start = session_start(rng, country);
    let s = Session {
        id: hex16(rng),
        user: format!("{:08x}", rng.random::<u32>()),
        release: release_at(start),
        client,
        country,
        net,
        netinfo,
        speed,
        taps,
        checkout_id: uuid4(rng),
        order_id: uuid4(rng),
    };
    let visits = if bot {
        bot_journey(rng)
    } else {
        plan_journey(rng, s.client.device)
    };
    let source = if bot { (None, None) } else { pick_w(rng, SOURCES) };

    // Events with times relative to the session start.
    let mut events: Vec<(i64, Row)> = Vec::new();
    let mut t = 0_i64;
    let mut prev_url: Option<String> = None;
    let mut prev_referrer: Option<String> = None;
    for (i, v) in visits.iter().enumerate() {
        let mut path = match &v.page {
            Page::Account(id) if id.is_empty() => Page::Account(s.order_id.clone()).path(""),
            page => page.path(&s.order_id),
        };
        if i == 0 {
            if let Some(q) = source.1 {
                path.push(if path.contains('?') { '&' } else { '?' });
                path.push_str(q);
            }
        }
        let referrer = match (i, v.nav) {
            (0, _) => source.0.map(str::to_string),
            (_, Nav::Reload) => prev_referrer.clone(),
            _ => prev_url.clone(),
        };
        let view = ViewCtx {
            id: uuid4(rng),
            url: format!("{ORIGIN}{path}"),
            referrer,
        };
        let next = visits.get(i + 1);
        let dwell = emit_view(rng, &s, templates, v, next, &view, t, &mut events);
        t += dwell;
        prev_url = Some(view.url);
        prev_referrer = view.referrer;
    }
    // Keep the whole session inside the window.
    let total = events.last().map_or(0, |(o, _)| *o);
    if start + total >= WINDOW_END_MS {
        start = WINDOW_END_MS - total - 1;
    }
    for (offset, mut row) in events {
        row.i64("ts", start + offset);
        b.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{ints, is_mobile, sample, strs};
    use super::*;
    use crate::schema::polars_schema;
    use std::collections::HashMap;

    #[test]
    fn deterministic_for_a_seed() -> PolarsResult<()> {
        let a = generate(&GenOptions { sessions: 200, seed: 7 })?;
        let b = generate(&GenOptions { sessions: 200, seed: 7 })?;
        let c = generate(&GenOptions { sessions: 200, seed: 8 })?;
        assert!(a.height() > 1000);
        assert!(a.equals_missing(&b));
        assert!(!a.equals_missing(&c));
        Ok(())
    }

    #[test]
    fn canonical_schema_even_when_empty() -> PolarsResult<()> {
        let df = generate(&GenOptions { sessions: 0, seed: 1 })?;
        assert_eq!(df.height(), 0);
        assert_eq!(df.schema().as_ref(), &polars_schema());
        assert_eq!(sample().schema().as_ref(), &polars_schema());
        Ok(())
    }

    #[test]
    fn window_releases_and_order() {
        let df = sample();
        let ts = ints(df, "ts");
        let sessions = strs(df, "session_id");
        let types = strs(df, "event_type");
        let releases = strs(df, "release");
        let mut last_view: HashMap<&str, i64> = HashMap::new();
        let mut last_event: HashMap<&str, i64> = HashMap::new();
        let mut session_release: HashMap<&str, &str> = HashMap::new();
        let mut prev = i64::MIN;
        for i in 0..df.height() {
            let t = ts[i].expect("ts");
            assert!(t >= prev, "frame sorted by ts");
            prev = t;
            assert!((WINDOW_START_MS..WINDOW_END_MS).contains(&t));
            let s = sessions[i].as_deref().expect("session");
            let r = releases[i].as_deref().expect("release");
            assert_eq!(*session_release.entry(s).or_insert(r), r, "one release per session");
            let e = last_event.entry(s).or_insert(i64::MIN);
            assert!(t > *e, "events of a session have distinct, increasing times");
            *e = t;
            if types[i].as_deref() == Some("view") {
                let v = last_view.entry(s).or_insert(i64::MIN);
                assert!(t > *v);
                *v = t;
            }
        }
        assert_eq!(last_view.len(), 3000);
        let by_release = |name: &str| session_release.values().filter(|r| **r == name).count();
        for (name, _) in RELEASES {
            assert!(by_release(name) > 600, "{name}: {}", by_release(name));
        }
    }

    #[test]
    fn planted_cart_error_checkout_drop_and_failing_endpoint() {
        let df = sample();
        let (types, urls, releases, messages, uas, resources, methods) = (
            strs(df, "event_type"),
            strs(df, "url"),
            strs(df, "release"),
            strs(df, "error_message"),
            strs(df, "user_agent"),
            strs(df, "resource_url"),
            strs(df, "method"),
        );
        let status = ints(df, "status_code");
        let sessions = strs(df, "session_id");
        let cart_items_url = format!("{ORIGIN}/api/cart/items");

        // 2. Most frequent error on /cart in 1.5.0 by a wide margin; absent elsewhere.
        let mut cart_errors: HashMap<&str, usize> = HashMap::new();
        let mut cart_views = 0;
        let mut planted_elsewhere = 0;
        // 3. Sessions that viewed /checkout, and those that then viewed /confirmation.
        let mut checkout: HashMap<&str, (bool, bool)> = HashMap::new();
        // 4. POST /api/cart/items: (calls, 503s) by release.
        let mut cart_items: HashMap<&str, (usize, usize)> = HashMap::new();
        for i in 0..df.height() {
            let url = urls[i].as_deref().unwrap_or_default();
            let rel = releases[i].as_deref().unwrap_or_default();
            let on_cart = url.starts_with(&format!("{ORIGIN}/cart"));
            match types[i].as_deref() {
                Some("view") => {
                    if on_cart && rel == "1.5.0" {
                        cart_views += 1;
                    }
                    let ua = uas[i].as_deref().unwrap_or_default();
                    let s = sessions[i].as_deref().unwrap_or_default();
                    if url.starts_with(&format!("{ORIGIN}/checkout")) {
                        checkout.entry(s).or_insert((is_mobile(ua), false));
                    } else if url.starts_with(&format!("{ORIGIN}/confirmation")) {
                        if let Some(e) = checkout.get_mut(s) {
                            e.1 = true;
                        }
                    }
                }
                Some("error") => {
                    let m = messages[i].as_deref().unwrap_or_default();
                    if on_cart && rel == "1.5.0" {
                        *cart_errors.entry(m).or_default() += 1;
                    } else if m == CART_ERROR_MESSAGE {
                        planted_elsewhere += 1;
                    }
                }
                Some("resource")
                    if resources[i].as_deref() == Some(cart_items_url.as_str())
                        && methods[i].as_deref() == Some("POST") =>
                {
                    let e = cart_items.entry(rel).or_default();
                    e.0 += 1;
                    e.1 += usize::from(status[i] == Some(503));
                }
                _ => {}
            }
        }
        let planted = cart_errors.get(CART_ERROR_MESSAGE).copied().unwrap_or(0);
        let runner_up = cart_errors
            .iter()
            .filter(|(m, _)| **m != CART_ERROR_MESSAGE)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0);
        let share = planted as f64 / cart_views as f64;
        assert!((0.17..0.33).contains(&share), "{planted} of {cart_views} /cart views");
        assert!(planted >= 5 * runner_up.max(1), "{planted} vs {runner_up}");
        assert_eq!(planted_elsewhere, 0);

        let rate = |mobile: bool| {
            let (n, ok) = checkout
                .values()
                .filter(|(m, _)| *m == mobile)
                .fold((0, 0), |(n, ok), (_, c)| (n + 1, ok + usize::from(*c)));
            assert!(n > 100, "n = {n}");
            ok as f64 / n as f64
        };
        let (mobile, other) = (rate(true), rate(false));
        assert!((0.22..0.38).contains(&mobile), "mobile {mobile}");
        assert!((0.67..0.83).contains(&other), "desktop/tablet {other}");

        for (rel, (calls, e503)) in &cart_items {
            let r = *e503 as f64 / *calls as f64;
            assert!(*calls > 150, "{rel}: {calls} calls");
            if *rel == "1.4.0" {
                assert!((0.05..0.12).contains(&r), "{rel}: {r}");
            } else {
                assert!(r < 0.02, "{rel}: {r}");
            }
        }
    }
}
