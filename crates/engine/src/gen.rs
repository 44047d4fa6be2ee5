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
//! Planted truths (documented in `sample-data/README.md`, checked by the tests below):
//! 1. LCP ×1.8 for mobile Safari on iPhone in release 1.5.0 only ([`LCP_REGRESSION`]).
//! 2. `TypeError: Cannot read properties of undefined (reading 'price')` on `/cart`, only in
//!    release 1.5.0, in ~25% of its `/cart` views ([`CART_ERROR_RATE`]).
//! 3. Checkout → confirmation continuation ~30% on mobile vs ~75% on desktop/tablet.
//! 4. `POST /api/cart/items` answers 503 to ~8% of calls in release 1.4.0 only.

use crate::schema::{Builder, Row};
use polars::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

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
// Random helpers (all infallible).

type R = ChaCha8Rng;

fn chance(rng: &mut R, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn uniform(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Log-normal with the given median and log-space standard deviation.
fn lognormal(rng: &mut R, median: f64, sigma: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    median * (sigma * z).exp()
}

/// Index drawn proportionally to `weights` (last index if the weights are degenerate).
fn weighted_index(rng: &mut R, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut x = rng.random::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if x < w {
            return i;
        }
        x -= w;
        last = i;
    }
    last
}

/// Item of a non-empty weighted table.
fn pick_w<T: Copy>(rng: &mut R, items: &[(T, f64)]) -> T {
    let i = weighted_index(rng, items.iter().map(|(_, w)| *w));
    items[i].0
}

/// Item of a non-empty table.
fn pick<T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn hex16(rng: &mut R) -> String {
    format!("{:016x}", rng.random::<u64>())
}

fn uuid4(rng: &mut R) -> String {
    let mut a: u128 = rng.random();
    a = (a & !(0xF_u128 << 76)) | (0x4_u128 << 76);
    a = (a & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (a >> 96) as u32,
        ((a >> 80) & 0xFFFF) as u16,
        ((a >> 64) & 0xFFFF) as u16,
        ((a >> 48) & 0xFFFF) as u16,
        (a & 0xFFFF_FFFF_FFFF) as u64
    )
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

// ---------------------------------------------------------------------------------------------
// Visitors: countries, devices, browsers, networks.

struct Country {
    code: &'static str,
    weight: f64,
    /// UTC offset (hours) used for the daily traffic cycle.
    utc_offset: f64,
    /// Multiplier of server response time (distance to the EU/US data centres).
    latency: f64,
    /// Typical 4G round-trip time, ms.
    rtt: f64,
    /// Multiplier of the share of slow (3G and worse) connections.
    slow: f64,
    /// Android-heavy market (fewer iPhones).
    android_heavy: bool,
}

const fn ct(
    code: &'static str,
    weight: f64,
    utc_offset: f64,
    latency: f64,
    rtt: f64,
    slow: f64,
    android_heavy: bool,
) -> Country {
    Country {
        code,
        weight,
        utc_offset,
        latency,
        rtt,
        slow,
        android_heavy,
    }
}

static COUNTRIES: &[Country] = &[
    ct("US", 24.0, -6.0, 1.0, 45.0, 1.0, false),
    ct("CA", 4.0, -5.0, 1.05, 50.0, 1.0, false),
    ct("MX", 3.0, -6.0, 1.35, 90.0, 2.0, true),
    ct("BR", 5.0, -3.0, 1.45, 95.0, 2.2, true),
    ct("AR", 1.5, -3.0, 1.5, 110.0, 2.2, true),
    ct("CO", 1.0, -5.0, 1.4, 100.0, 2.0, true),
    ct("GB", 8.0, 0.0, 1.0, 35.0, 0.8, false),
    ct("DE", 8.0, 1.0, 1.0, 35.0, 0.8, false),
    ct("FR", 6.0, 1.0, 1.0, 35.0, 0.8, false),
    ct("ES", 4.0, 1.0, 1.05, 40.0, 0.9, false),
    ct("IT", 3.0, 1.0, 1.05, 40.0, 1.0, false),
    ct("NL", 3.0, 1.0, 0.95, 30.0, 0.7, false),
    ct("PL", 3.0, 1.0, 1.05, 40.0, 1.0, false),
    ct("SE", 2.0, 1.0, 1.05, 35.0, 0.7, false),
    ct("IN", 6.0, 5.5, 1.7, 120.0, 3.0, true),
    ct("JP", 3.0, 9.0, 1.35, 70.0, 0.8, false),
    ct("KR", 1.0, 9.0, 1.35, 65.0, 0.5, false),
    ct("SG", 1.2, 8.0, 1.3, 60.0, 0.6, false),
    ct("ID", 2.0, 7.0, 1.7, 130.0, 2.8, true),
    ct("AE", 0.8, 4.0, 1.4, 80.0, 0.8, false),
    ct("AU", 3.0, 10.0, 1.55, 90.0, 1.0, false),
    ct("NZ", 0.8, 12.0, 1.6, 95.0, 1.0, false),
    ct("ZA", 1.2, 2.0, 1.6, 120.0, 2.0, true),
    ct("NG", 1.0, 1.0, 1.9, 160.0, 3.5, true),
    ct("KE", 0.7, 3.0, 1.85, 150.0, 3.0, true),
    ct("EG", 0.8, 2.0, 1.6, 130.0, 2.5, true),
];

/// Relative traffic by local hour of day.
const HOUR_WEIGHTS: [f64; 24] = [
    2.0, 1.2, 0.8, 0.6, 0.5, 0.7, 1.4, 2.8, 4.2, 5.2, 5.8, 6.2, 6.8, 6.6, 6.2, 6.2, 6.6, 7.2, 8.2, 9.2, 9.0, 7.2, 5.0,
    3.4,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Device {
    Desktop,
    Mobile,
    Tablet,
    Bot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Browser {
    Chrome,
    Edge,
    Firefox,
    Safari,
    /// Safari on iPhone (planted truth 1) or iPad.
    MobileSafari,
    /// Chrome on iOS (WebKit, `CriOS`).
    ChromeIos,
    ChromeAndroid,
    Samsung,
    Googlebot,
}

/// How the browser formats `error.stack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StackStyle {
    /// `    at fn (url:line:col)` after a `Type: message` header (Chromium).
    V8,
    /// `fn@url:line:col`, native frames as `fn@[native code]` (Safari, all iOS browsers).
    WebKit,
    /// `fn@url:line:col`, no native frames (Firefox).
    Gecko,
}

#[derive(Debug, Clone)]
struct Client {
    device: Device,
    browser: Browser,
    ua: String,
    screen: (i64, i64),
    /// Chromium exposes the Network Information API (connection_type, effective_type, …).
    netinfo: bool,
    /// Rendering-time multiplier (CPU/GPU of the typical device).
    render: f64,
    /// TTFB multiplier (radio, TLS on slower CPUs).
    ttfb: f64,
    /// Median INP, ms.
    inp: f64,
    stack: StackStyle,
}

fn client(device: Device, browser: Browser, ua: String, screen: (i64, i64)) -> Client {
    use Browser::*;
    let (render, ttfb, inp) = match (device, browser) {
        (Device::Bot, _) => (1.1, 1.0, 0.0),
        (Device::Desktop, _) => (1.0, 1.0, 96.0),
        (Device::Mobile, MobileSafari | ChromeIos) => (1.4, 1.2, 150.0),
        (Device::Mobile, Samsung) => (1.7, 1.25, 215.0),
        (Device::Mobile, _) => (1.65, 1.25, 205.0),
        (Device::Tablet, MobileSafari) => (1.25, 1.1, 125.0),
        (Device::Tablet, _) => (1.45, 1.15, 170.0),
    };
    let netinfo = matches!(browser, Chrome | Edge | ChromeAndroid | Samsung);
    let stack = match browser {
        Chrome | Edge | ChromeAndroid | Samsung | Googlebot => StackStyle::V8,
        Firefox => StackStyle::Gecko,
        Safari | MobileSafari | ChromeIos => StackStyle::WebKit,
    };
    Client {
        device,
        browser,
        ua,
        screen,
        netinfo,
        render,
        ttfb,
        inp,
        stack,
    }
}

const CHROME_VERSIONS: &[(u32, f64)] = &[(150, 0.04), (151, 0.06), (152, 0.2), (153, 0.55), (154, 0.15)];
const FIREFOX_VERSIONS: &[(u32, f64)] = &[(140, 0.1), (153, 0.05), (154, 0.1), (155, 0.45), (156, 0.3)];
const SAFARI_VERSIONS: &[(&str, f64)] = &[("26.4", 0.08), ("26.5", 0.12), ("26.6", 0.3), ("27.0", 0.5)];
const SAMSUNG_VERSIONS: &[((&str, u32), f64)] = &[(("28.0", 130), 0.15), (("29.0", 136), 0.35), (("30.0", 142), 0.5)];
const SAMSUNG_MODELS: &[&str] = &["SM-S931B", "SM-S928B", "SM-A566B", "SM-A356B", "SM-G991B"];
const ANDROID_TABLETS: &[(&str, &str)] = &[
    ("14", "SM-X710"),
    ("14", "SM-X216B"),
    ("13", "Lenovo TB-X606F"),
    ("15", "SM-X920"),
];

const WIN_SCREENS: &[((i64, i64), f64)] = &[
    ((1920, 1080), 0.35),
    ((1536, 864), 0.2),
    ((1366, 768), 0.1),
    ((2560, 1440), 0.12),
    ((1440, 900), 0.06),
    ((1280, 720), 0.05),
    ((1600, 900), 0.07),
    ((3840, 2160), 0.05),
];
const MAC_SCREENS: &[((i64, i64), f64)] = &[
    ((1440, 900), 0.2),
    ((1512, 982), 0.25),
    ((1728, 1117), 0.15),
    ((1680, 1050), 0.1),
    ((2560, 1440), 0.15),
    ((1920, 1080), 0.15),
];
const LINUX_SCREENS: &[((i64, i64), f64)] = &[((1920, 1080), 0.6), ((2560, 1440), 0.25), ((1366, 768), 0.15)];
const IPHONE_SCREENS: &[((i64, i64), f64)] = &[
    ((390, 844), 0.22),
    ((393, 852), 0.22),
    ((430, 932), 0.15),
    ((402, 874), 0.12),
    ((440, 956), 0.08),
    ((375, 667), 0.08),
    ((414, 896), 0.13),
];
const ANDROID_SCREENS: &[((i64, i64), f64)] = &[
    ((412, 915), 0.3),
    ((360, 800), 0.2),
    ((384, 854), 0.15),
    ((412, 892), 0.15),
    ((393, 873), 0.1),
    ((360, 780), 0.1),
];
const IPAD_SCREENS: &[((i64, i64), f64)] = &[
    ((820, 1180), 0.35),
    ((768, 1024), 0.15),
    ((810, 1080), 0.2),
    ((1024, 1366), 0.15),
    ((834, 1194), 0.15),
];
const ANDROID_TABLET_SCREENS: &[((i64, i64), f64)] = &[((800, 1280), 0.5), ((1280, 800), 0.2), ((753, 1205), 0.3)];

fn desktop_client(rng: &mut R) -> Client {
    #[derive(Clone, Copy)]
    enum Os {
        Win,
        Mac,
        Linux,
    }
    let browser = pick_w(
        rng,
        &[
            (Browser::Chrome, 0.62),
            (Browser::Edge, 0.13),
            (Browser::Safari, 0.15),
            (Browser::Firefox, 0.10),
        ],
    );
    let os = match browser {
        Browser::Chrome => pick_w(rng, &[(Os::Win, 0.70), (Os::Mac, 0.22), (Os::Linux, 0.08)]),
        Browser::Edge => pick_w(rng, &[(Os::Win, 0.95), (Os::Mac, 0.05)]),
        Browser::Firefox => pick_w(rng, &[(Os::Win, 0.6), (Os::Mac, 0.15), (Os::Linux, 0.25)]),
        _ => Os::Mac,
    };
    let screen = match os {
        Os::Win => pick_w(rng, WIN_SCREENS),
        Os::Mac => pick_w(rng, MAC_SCREENS),
        Os::Linux => pick_w(rng, LINUX_SCREENS),
    };
    let platform = match os {
        Os::Win => "Windows NT 10.0; Win64; x64",
        Os::Mac => "Macintosh; Intel Mac OS X 10_15_7",
        Os::Linux => "X11; Linux x86_64",
    };
    let ua = match browser {
        Browser::Chrome => {
            let v = pick_w(rng, CHROME_VERSIONS);
            format!("Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36")
        }
        Browser::Edge => {
            let v = pick_w(rng, CHROME_VERSIONS);
            let build = 3400 + (v - 150) * 65;
            let patch = 40 + (v * 37) % 80;
            format!("Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.{build}.{patch}")
        }
        Browser::Firefox => {
            let v = pick_w(rng, FIREFOX_VERSIONS);
            let platform = match os {
                Os::Win => "Windows NT 10.0; Win64; x64",
                Os::Mac => "Macintosh; Intel Mac OS X 10.15",
                Os::Linux => {
                    if chance(rng, 0.4) {
                        "X11; Ubuntu; Linux x86_64"
                    } else {
                        "X11; Linux x86_64"
                    }
                }
            };
            format!("Mozilla/5.0 ({platform}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0")
        }
        _ => {
            let v = pick_w(rng, SAFARI_VERSIONS);
            format!("Mozilla/5.0 ({platform}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Safari/605.1.15")
        }
    };
    client(Device::Desktop, browser, ua, screen)
}

fn mobile_client(rng: &mut R, country: &Country) -> Client {
    let iphone = if country.android_heavy { 0.18 } else { 0.48 };
    let browser = pick_w(
        rng,
        &[
            (Browser::MobileSafari, iphone * 0.9),
            (Browser::ChromeIos, iphone * 0.1),
            (Browser::ChromeAndroid, (1.0 - iphone) * 0.78),
            (Browser::Samsung, (1.0 - iphone) * 0.22),
        ],
    );
    match browser {
        Browser::MobileSafari | Browser::ChromeIos => {
            let screen = pick_w(rng, IPHONE_SCREENS);
            // iOS 26+ freezes the OS version in the UA at 18_6.
            let ua = if browser == Browser::MobileSafari {
                let v = pick_w(rng, SAFARI_VERSIONS);
                format!("Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1")
            } else {
                let v = pick_w(rng, CHROME_VERSIONS);
                let build = 7300 + (v - 150) * 70;
                let patch = 30 + (v * 53) % 100;
                format!("Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/{v}.0.{build}.{patch} Mobile/15E148 Safari/604.1")
            };
            client(Device::Mobile, browser, ua, screen)
        }
        Browser::Samsung => {
            let screen = pick_w(rng, ANDROID_SCREENS);
            let (v, chromium) = pick_w(rng, SAMSUNG_VERSIONS);
            let platform = if chance(rng, 0.7) {
                "Linux; Android 10; K".to_string()
            } else {
                format!("Linux; Android 15; {}", pick(rng, SAMSUNG_MODELS))
            };
            let ua = format!("Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/{v} Chrome/{chromium}.0.0.0 Mobile Safari/537.36");
            client(Device::Mobile, browser, ua, screen)
        }
        _ => {
            let screen = pick_w(rng, ANDROID_SCREENS);
            let v = pick_w(rng, CHROME_VERSIONS);
            // Chrome's reduced User-Agent: Android version and model are frozen.
            let ua = format!("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36");
            client(Device::Mobile, Browser::ChromeAndroid, ua, screen)
        }
    }
}

fn tablet_client(rng: &mut R) -> Client {
    if chance(rng, 0.65) {
        let screen = pick_w(rng, IPAD_SCREENS);
        let v = pick_w(rng, SAFARI_VERSIONS);
        let ua = format!("Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1");
        client(Device::Tablet, Browser::MobileSafari, ua, screen)
    } else {
        let screen = pick_w(rng, ANDROID_TABLET_SCREENS);
        let (android, model) = pick(rng, ANDROID_TABLETS);
        let v = pick_w(rng, CHROME_VERSIONS);
        // Tablets: no "Mobile" token.
        let ua = format!("Mozilla/5.0 (Linux; Android {android}; {model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36");
        client(Device::Tablet, Browser::ChromeAndroid, ua, screen)
    }
}

fn bot_client(rng: &mut R) -> Client {
    if chance(rng, 0.5) {
        let ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        client(Device::Bot, Browser::Googlebot, ua.to_string(), (1024, 1024))
    } else {
        let v = pick_w(rng, CHROME_VERSIONS);
        let ua = format!("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.7390.122 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        client(Device::Bot, Browser::Googlebot, ua, (412, 732))
    }
}

/// Network quality class (Network Information `effectiveType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Net {
    G4,
    G3,
    G2,
    Slow2g,
}

impl Net {
    fn name(self) -> &'static str {
        match self {
            Net::G4 => "4g",
            Net::G3 => "3g",
            Net::G2 => "2g",
            Net::Slow2g => "slow-2g",
        }
    }
    fn ttfb(self) -> f64 {
        match self {
            Net::G4 => 1.0,
            Net::G3 => 2.1,
            Net::G2 => 3.8,
            Net::Slow2g => 6.0,
        }
    }
    fn render(self) -> f64 {
        match self {
            Net::G4 => 1.0,
            Net::G3 => 2.1,
            Net::G2 => 3.8,
            Net::Slow2g => 5.5,
        }
    }
}

fn sample_net(rng: &mut R, device: Device, country: &Country) -> Net {
    let (p3, p2, ps) = match device {
        Device::Desktop => (0.02, 0.003, 0.001),
        Device::Mobile => (0.08, 0.012, 0.004),
        Device::Tablet => (0.04, 0.005, 0.002),
        Device::Bot => return Net::G4,
    };
    let s = country.slow;
    pick_w(
        rng,
        &[
            (Net::Slow2g, ps * s),
            (Net::G2, p2 * s),
            (Net::G3, p3 * s),
            (Net::G4, 1.0 - (ps + p2 + p3) * s),
        ],
    )
}

/// Values a Chromium browser would report through `navigator.connection`.
struct NetInfo {
    connection_type: &'static str,
    effective_type: &'static str,
    rtt: f64,
    downlink: f64,
}

fn net_info(rng: &mut R, device: Device, net: Net, country: &Country) -> NetInfo {
    // Chromium rounds rtt to 25 ms and downlink to 25 kbit/s, caps downlink at 10 Mbit/s, and
    // derives effectiveType from them; keep the values inside the class's bounds.
    let (rtt, downlink) = match net {
        Net::G4 => (
            lognormal(rng, country.rtt, 0.35).clamp(25.0, 250.0),
            lognormal(rng, 6.5, 0.6).clamp(0.75, 10.0),
        ),
        Net::G3 => (
            lognormal(rng, 450.0, 0.3).clamp(275.0, 1375.0),
            lognormal(rng, 0.8, 0.4).clamp(0.1, 2.0),
        ),
        Net::G2 => (uniform(rng, 1400.0, 1975.0), uniform(rng, 0.075, 0.3)),
        Net::Slow2g => (uniform(rng, 2000.0, 3000.0), uniform(rng, 0.025, 0.05)),
    };
    let connection_type = match (device, net) {
        (Device::Desktop, _) => pick_w(rng, &[("ethernet", 0.35), ("wifi", 0.65)]),
        (Device::Tablet, _) => pick_w(rng, &[("wifi", 0.9), ("cellular", 0.1)]),
        (_, Net::G4) => pick_w(rng, &[("wifi", 0.5), ("cellular", 0.5)]),
        _ => pick_w(rng, &[("wifi", 0.15), ("cellular", 0.85)]),
    };
    NetInfo {
        connection_type,
        effective_type: net.name(),
        rtt: (rtt / 25.0).round() * 25.0,
        downlink: (downlink * 40.0).round() / 40.0,
    }
}

// ---------------------------------------------------------------------------------------------
// The shop: pages and journeys.

const CATEGORIES: &[&str] = &[
    "womens-shoes",
    "mens-jackets",
    "kitchen",
    "home-decor",
    "electronics",
    "toys",
    "sale",
    "new-arrivals",
    "outdoor",
    "beauty",
];
const SEARCHES: &[&str] = &[
    "running shoes",
    "winter jacket",
    "coffee grinder",
    "usb-c cable",
    "yoga mat",
    "gift for dad",
    "wireless earbuds",
    "linen shirt",
    "air fryer",
    "kids raincoat",
];

#[derive(Debug, Clone, PartialEq)]
enum Page {
    Home,
    Product(u32),
    Category(&'static str),
    Search(&'static str),
    Cart,
    Checkout,
    Confirmation,
    Account(String),
}

impl Page {
    /// Page weight: multiplier of rendering time.
    fn weight(&self) -> f64 {
        match self {
            Page::Home => 1.0,
            Page::Product(_) => 1.3,
            Page::Category(_) => 1.15,
            Page::Search(_) => 1.05,
            Page::Cart => 0.85,
            Page::Checkout => 1.0,
            Page::Confirmation => 0.8,
            Page::Account(_) => 0.9,
        }
    }
    /// Multiplier of server time.
    fn server(&self) -> f64 {
        match self {
            Page::Home => 1.0,
            Page::Product(_) => 1.15,
            Page::Category(_) => 1.1,
            Page::Search(_) => 1.35,
            Page::Cart => 1.05,
            Page::Checkout => 1.2,
            Page::Confirmation => 1.1,
            Page::Account(_) => 1.15,
        }
    }
    fn path(&self, order_id: &str) -> String {
        match self {
            Page::Home => "/".to_string(),
            Page::Product(id) => format!("/product/{id}"),
            Page::Category(slug) => format!("/category/{slug}"),
            Page::Search(q) => format!("/search?q={}", q.replace(' ', "+")),
            Page::Cart => "/cart".to_string(),
            Page::Checkout => "/checkout".to_string(),
            Page::Confirmation => format!("/confirmation?order={order_id}"),
            Page::Account(id) => format!("/account/orders/{id}"),
        }
    }
}

/// Catalogue ids with a long-tailed popularity (≈ Zipf over 400 products); rank 0 is 10234.
fn product_id(rng: &mut R) -> u32 {
    let u = rng.random::<f64>();
    let rank = ((u * (401.0_f64).ln()).exp() as u32).saturating_sub(1).min(399);
    10_000 + (rank * 337 + 234) % 9_000
}

fn browse_page(rng: &mut R) -> Page {
    if chance(rng, 0.6) {
        Page::Category(pick(rng, CATEGORIES))
    } else {
        Page::Search(pick(rng, SEARCHES))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nav {
    Navigate,
    Reload,
    BackForward,
}

impl Nav {
    fn name(self) -> &'static str {
        match self {
            Nav::Navigate => "navigate",
            Nav::Reload => "reload",
            Nav::BackForward => "back_forward",
        }
    }
}

#[derive(Debug, Clone)]
struct Visit {
    page: Page,
    nav: Nav,
    /// The visitor adds the product to the cart (`POST /api/cart/items`).
    add_to_cart: bool,
    /// The visitor places the order (`POST /api/checkout/<id>/pay`), next page is confirmation.
    place_order: bool,
    /// Abandoned checkout after a failed payment attempt.
    failed_pay: bool,
    /// Abandoned checkout after a click on "place order" that did nothing (mobile).
    dead_place_order: bool,
}

fn visit(page: Page) -> Visit {
    visit_nav(page, Nav::Navigate)
}

fn visit_nav(page: Page, nav: Nav) -> Visit {
    Visit {
        page,
        nav,
        add_to_cart: false,
        place_order: false,
        failed_pay: false,
        dead_place_order: false,
    }
}

#[derive(Clone, Copy)]
enum Landing {
    Home,
    Product,
    Browse,
    Account,
    Cart,
}

fn plan_journey(rng: &mut R, device: Device) -> Vec<Visit> {
    let mut v = Vec::new();
    match pick_w(
        rng,
        &[
            (Landing::Home, 0.58),
            (Landing::Product, 0.16),
            (Landing::Browse, 0.20),
            (Landing::Account, 0.04),
            (Landing::Cart, 0.02),
        ],
    ) {
        Landing::Home => {
            v.push(visit(Page::Home));
            if chance(rng, 0.70) {
                if chance(rng, 0.25) {
                    v.push(visit(browse_page(rng)));
                }
                product_phase(rng, &mut v, device);
            } else {
                wander(rng, &mut v);
            }
        }
        Landing::Browse => {
            v.push(visit(browse_page(rng)));
            if chance(rng, 0.6) {
                product_phase(rng, &mut v, device);
            } else {
                wander(rng, &mut v);
            }
        }
        Landing::Product => product_phase(rng, &mut v, device),
        Landing::Account => {
            v.push(visit(Page::Account(uuid4(rng))));
            if chance(rng, 0.3) {
                v.push(visit(Page::Home));
            }
        }
        Landing::Cart => cart_phase(rng, &mut v, device),
    }
    // Occasional reloads: the reload carries what the visitor then did on the page.
    let mut out = Vec::with_capacity(v.len() + 1);
    for (i, visit) in v.into_iter().enumerate() {
        if i > 0 && chance(rng, 0.03) {
            out.push(visit_nav(visit.page.clone(), visit.nav));
            out.push(Visit {
                nav: Nav::Reload,
                ..visit
            });
        } else {
            out.push(visit);
        }
    }
    out
}

fn product_phase(rng: &mut R, v: &mut Vec<Visit>, device: Device) {
    let k = pick_w(rng, &[(1usize, 0.45), (2, 0.30), (3, 0.15), (4, 0.10)]);
    let first = v.len();
    let mut seen: Vec<u32> = Vec::new();
    for i in 0..k {
        if i > 0 && !seen.is_empty() && chance(rng, 0.15) {
            let id = pick(rng, &seen);
            v.push(visit_nav(Page::Product(id), Nav::BackForward));
        } else {
            let id = product_id(rng);
            seen.push(id);
            v.push(visit(Page::Product(id)));
        }
    }
    if chance(rng, 0.45) {
        if let Some(last) = v.last_mut() {
            last.add_to_cart = true;
        }
        cart_phase(rng, v, device);
    } else {
        if chance(rng, 0.12) {
            let i = rng.random_range(first..v.len());
            v[i].add_to_cart = true;
        }
        wander(rng, v);
    }
}

fn cart_phase(rng: &mut R, v: &mut Vec<Visit>, device: Device) {
    v.push(visit(Page::Cart));
    if chance(rng, 0.60) {
        checkout_phase(rng, v, device);
    } else {
        wander(rng, v);
    }
}

fn checkout_phase(rng: &mut R, v: &mut Vec<Visit>, device: Device) {
    let mut checkout = visit(Page::Checkout);
    // Planted truth 3: mobile visitors rarely get through checkout.
    let p = if device == Device::Mobile {
        MOBILE_CHECKOUT_CONTINUE
    } else {
        CHECKOUT_CONTINUE
    };
    if chance(rng, p) {
        checkout.place_order = true;
        v.push(checkout);
        v.push(visit(Page::Confirmation));
        if chance(rng, 0.15) {
            v.push(visit(Page::Account(String::new())));
        }
    } else {
        checkout.failed_pay = chance(rng, 0.15);
        checkout.dead_place_order = device == Device::Mobile && chance(rng, 0.3);
        v.push(checkout);
        wander(rng, v);
    }
}

fn wander(rng: &mut R, v: &mut Vec<Visit>) {
    if chance(rng, 0.3) {
        let page = if chance(rng, 0.4) { Page::Home } else { browse_page(rng) };
        v.push(visit(page));
    }
}

fn bot_journey(rng: &mut R) -> Vec<Visit> {
    let n = rng.random_range(2..9);
    (0..n)
        .map(|i| {
            let page = if i == 0 {
                Page::Home
            } else {
                match rng.random_range(0..4) {
                    0 => Page::Category(pick(rng, CATEGORIES)),
                    1 => Page::Home,
                    _ => Page::Product(product_id(rng)),
                }
            };
            visit(page)
        })
        .collect()
}

/// Where a visitor comes from: (referrer, query string added to the landing URL).
type Source = (Option<&'static str>, Option<&'static str>);

const SOURCES: &[(Source, f64)] = &[
    ((None, None), 0.28),
    ((Some("https://www.google.com/"), None), 0.30),
    (
        (
            Some("https://www.google.com/"),
            Some("utm_source=google&utm_medium=cpc&utm_campaign=autumn_sale_2026"),
        ),
        0.08,
    ),
    (
        (
            Some("https://www.facebook.com/"),
            Some("utm_source=facebook&utm_medium=paid_social&utm_campaign=autumn_sale_2026"),
        ),
        0.07,
    ),
    (
        (
            Some("https://l.instagram.com/"),
            Some("utm_source=instagram&utm_medium=social&utm_campaign=new_arrivals"),
        ),
        0.05,
    ),
    (
        (
            None,
            Some("utm_source=newsletter&utm_medium=email&utm_campaign=2026-w41"),
        ),
        0.07,
    ),
    ((Some("https://www.bing.com/"), None), 0.05),
    ((Some("https://duckduckgo.com/"), None), 0.03),
    (
        (Some("https://t.co/"), Some("utm_source=twitter&utm_medium=social")),
        0.02,
    ),
    (
        (
            Some("https://www.idealo.de/"),
            Some("utm_source=idealo&utm_medium=comparison"),
        ),
        0.05,
    ),
];

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

struct ViewCtx {
    id: String,
    url: String,
    referrer: Option<String>,
}

struct Timings {
    ttfb: f64,
    fcp: f64,
    lcp: f64,
    inp: Option<f64>,
    cls: f64,
    dom_interactive: f64,
    dom_complete: f64,
    load: f64,
}

fn view_timings(rng: &mut R, s: &Session, page: &Page, nav: Nav) -> Timings {
    let c = &s.client;
    let mut ttfb = 290.0 * page.server() * s.country.latency * s.net.ttfb() * c.ttfb * lognormal(rng, 1.0, 0.45);
    if nav == Nav::BackForward {
        ttfb *= 0.35; // mostly served from the HTTP cache
    }
    ttfb = round1(ttfb.max(8.0));
    let render = c.render * s.speed * s.net.render() * page.weight();
    let fcp = round1(ttfb + (680.0 * render * lognormal(rng, 1.0, 0.4)).max(20.0));
    let mut lcp = if chance(rng, 0.12) {
        fcp // the first contentful element is also the largest
    } else {
        fcp + 430.0 * render * lognormal(rng, 1.0, 0.6)
    };
    if s.lcp_regressed() {
        lcp *= LCP_REGRESSION; // planted truth 1
    }
    let lcp = round1(lcp.max(fcp));
    let dom_interactive = round1(ttfb + (450.0 * render * lognormal(rng, 1.0, 0.4)).max(10.0));
    let dom_complete = round1(dom_interactive + (520.0 * render * lognormal(rng, 1.0, 0.5)).max(10.0));
    let load = round1(dom_complete + uniform(rng, 0.5, 40.0));
    let inp = if c.device == Device::Bot || chance(rng, 0.15) {
        None // no interaction
    } else {
        let mut v = c.inp * s.speed.sqrt() * lognormal(rng, 1.0, 0.7);
        if chance(rng, 0.04) {
            v *= uniform(rng, 2.5, 6.0); // long tail: heavy handlers, GC, third parties
        }
        // Event Timing durations are rounded to 8 ms.
        Some(((v / 8.0).round() * 8.0).clamp(8.0, 6000.0))
    };
    let cls = if chance(rng, 0.38) {
        0.0
    } else {
        let device = match c.device {
            Device::Mobile => 1.3,
            _ => 1.0,
        };
        let page_factor = match page {
            Page::Product(_) | Page::Category(_) => 1.4,
            Page::Home => 1.2,
            _ => 0.8,
        };
        let v = lognormal(rng, 0.026 * device * page_factor, 1.15).min(1.8);
        (v * 10_000.0).round() / 10_000.0
    };
    Timings {
        ttfb,
        fcp,
        lcp,
        inp,
        cls,
        dom_interactive,
        dom_complete,
        load,
    }
}

// ---------------------------------------------------------------------------------------------
// Resources (API calls, scripts, images).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResKind {
    ProductApi,
    Reviews,
    Recommendations,
    CartItemsPost,
    CartGet,
    CheckoutGet,
    Pay,
    Coupon,
    SearchApi,
    CategoryApi,
    OrderGet,
    Script,
    Css,
    Image,
    Font,
}

struct Res {
    kind: ResKind,
    url: String,
    method: &'static str,
    rtype: &'static str,
}

fn res(kind: ResKind, url: String, method: &'static str, rtype: &'static str) -> Res {
    Res {
        kind,
        url,
        method,
        rtype,
    }
}

const CDN: &str = "https://cdn.shop.example.com";

fn api(path: &str) -> String {
    format!("{ORIGIN}/api/{path}")
}

/// Resources a page loads by itself, the first one most likely.
fn page_resources(rng: &mut R, s: &Session, page: &Page) -> Vec<Res> {
    use ResKind::*;
    let rec = |extra: String| {
        res(
            Recommendations,
            api(&format!("recommendations?user={}&{extra}", s.user)),
            "GET",
            "xhr",
        )
    };
    match page {
        Page::Home => vec![
            rec("slot=home".into()),
            res(Script, MAIN_JS.into(), "GET", "script"),
            res(Image, format!("{CDN}/img/hero/autumn-sale-2026.webp"), "GET", "image"),
            res(Css, format!("{ORIGIN}/static/css/main.7a2b9e.css"), "GET", "css"),
        ],
        Page::Product(id) => vec![
            res(ProductApi, api(&format!("products/{id}")), "GET", "fetch"),
            res(Image, format!("{CDN}/img/products/{id}/main.webp"), "GET", "image"),
            res(Reviews, api(&format!("products/{id}/reviews?page=1")), "GET", "fetch"),
            rec(format!("product={id}")),
            res(Script, PRODUCT_JS.into(), "GET", "script"),
        ],
        Page::Category(slug) => vec![
            res(
                CategoryApi,
                api(&format!("categories/{slug}/products?page=1&sort=popular")),
                "GET",
                "fetch",
            ),
            res(
                Image,
                format!("{CDN}/img/products/{}/thumb.webp", product_id(rng)),
                "GET",
                "image",
            ),
            res(
                Image,
                format!("{CDN}/img/products/{}/thumb.webp", product_id(rng)),
                "GET",
                "image",
            ),
            rec(format!("category={slug}")),
        ],
        Page::Search(q) => vec![
            res(
                SearchApi,
                api(&format!("search?q={}&page=1", q.replace(' ', "%20"))),
                "GET",
                "fetch",
            ),
            res(
                Image,
                format!("{CDN}/img/products/{}/thumb.webp", product_id(rng)),
                "GET",
                "image",
            ),
            res(Font, format!("{ORIGIN}/static/fonts/inter-var.woff2"), "GET", "font"),
        ],
        Page::Cart => vec![
            res(CartGet, api("cart"), "GET", "fetch"),
            res(Script, CART_JS.into(), "GET", "script"),
            rec("slot=cart".into()),
        ],
        Page::Checkout => vec![
            res(CheckoutGet, api(&format!("checkout/{}", s.checkout_id)), "GET", "fetch"),
            res(Script, CHECKOUT_JS.into(), "GET", "script"),
            res(Script, PAY_JS.into(), "GET", "script"),
            res(Font, format!("{ORIGIN}/static/fonts/inter-var.woff2"), "GET", "font"),
        ],
        Page::Confirmation => vec![
            res(OrderGet, api(&format!("orders/{}", s.order_id)), "GET", "fetch"),
            res(Image, format!("{CDN}/img/ui/order-confirmed.svg"), "GET", "image"),
        ],
        Page::Account(id) => {
            let id = if id.is_empty() { &s.order_id } else { id };
            vec![res(OrderGet, api(&format!("orders/{id}")), "GET", "fetch")]
        }
    }
}

struct ResResult {
    status: i64,
    duration: f64,
    bytes: i64,
}

fn resource_result(rng: &mut R, s: &Session, kind: ResKind) -> ResResult {
    use ResKind::*;
    let slow_mobile = s.client.device == Device::Mobile && s.net != Net::G4;
    let status = match kind {
        // Planted truth 4.
        CartItemsPost if s.release == "1.4.0" && chance(rng, CART_ITEMS_503_RATE) => 503,
        CartItemsPost if chance(rng, 0.002) => 500,
        CartItemsPost => 201,
        Recommendations if chance(rng, if slow_mobile { 0.03 } else { 0.002 }) => 0,
        ProductApi if chance(rng, 0.01) => 404,
        Image if chance(rng, 0.004) => 404,
        Script | Css | Font | Image => 200,
        Pay => 200,
        Coupon => 200,
        _ if chance(rng, 0.002) => 500,
        _ if chance(rng, 0.001) => 503,
        _ if chance(rng, 0.001) => 0,
        _ => 200,
    };
    let (median, bytes) = match kind {
        ProductApi => (110.0, 4_200.0),
        Reviews => (140.0, 9_000.0),
        Recommendations => (230.0, 14_000.0),
        CartItemsPost => (180.0, 1_100.0),
        CartGet => (90.0, 2_500.0),
        CheckoutGet => (150.0, 3_000.0),
        Pay => (1_100.0, 900.0),
        Coupon => (160.0, 400.0),
        SearchApi => (280.0, 22_000.0),
        CategoryApi => (190.0, 31_000.0),
        OrderGet => (120.0, 2_800.0),
        Script => (140.0, 180_000.0),
        Css => (90.0, 28_000.0),
        Image => (170.0, 95_000.0),
        Font => (80.0, 48_000.0),
    };
    let static_asset = matches!(kind, Script | Css | Font | Image);
    if status == 0 {
        // Client-side timeout (8 s) or network failure.
        let duration = if kind == Recommendations {
            8_000.0 + uniform(rng, 0.0, 40.0)
        } else {
            uniform(rng, 30.0, 3_000.0)
        };
        return ResResult {
            status,
            duration: round1(duration),
            bytes: 0,
        };
    }
    if static_asset && status == 200 && chance(rng, 0.45) {
        // Served from the browser cache.
        return ResResult {
            status,
            duration: round1(uniform(rng, 1.0, 15.0)),
            bytes: 0,
        };
    }
    let net = s.net.ttfb().powf(0.8) * if static_asset { s.net.render() } else { 1.0 };
    let duration = median * s.country.latency.powf(0.8) * net * lognormal(rng, 1.0, 0.55);
    let bytes = match status {
        200 | 201 => lognormal(rng, bytes, if static_asset { 0.2 } else { 0.5 }),
        404 => 180.0,
        _ => 160.0,
    };
    ResResult {
        status,
        duration: round1(duration.max(2.0)),
        bytes: bytes.round() as i64,
    }
}

// ---------------------------------------------------------------------------------------------
// Per-view events.

/// An action target: selector, action type (None = click or tap), share of dead clicks, weight.
type Target = (&'static str, Option<&'static str>, f64, f64);

fn in_page_targets(page: &Page) -> &'static [Target] {
    match page {
        Page::Home => &[
            ("button#menu-toggle", None, 0.0, 1.0),
            ("button.newsletter-signup", None, 0.0, 0.5),
            ("div.hero-carousel__slide", None, 0.35, 0.6),
            ("button#accept-cookies", None, 0.0, 0.8),
        ],
        Page::Product(_) => &[
            ("button.size-option", None, 0.0, 1.0),
            ("img.product-gallery__image", None, 0.2, 1.0),
            ("button#wishlist", None, 0.0, 0.4),
            ("button.tab-reviews", None, 0.0, 0.6),
            ("span.free-shipping-badge", None, 1.0, 0.06),
        ],
        Page::Category(_) => &[
            ("button.filter-toggle", None, 0.0, 1.0),
            ("select#sort", None, 0.0, 0.6),
            ("button.load-more", None, 0.05, 0.8),
        ],
        Page::Search(_) => &[
            ("button.filter-toggle", None, 0.0, 1.0),
            ("input#search", Some("input"), 0.0, 0.6),
        ],
        Page::Cart => &[
            ("button.remove-item", None, 0.0, 0.5),
            ("input#gift-note", Some("input"), 0.0, 0.3),
            ("button.qty-decrease", None, 0.0, 0.4),
        ],
        Page::Checkout => &[
            ("input#email", Some("input"), 0.0, 1.0),
            ("input#card-number", Some("input"), 0.0, 1.0),
            ("select#shipping-method", None, 0.0, 0.5),
        ],
        Page::Confirmation => &[
            ("button#print-receipt", None, 0.0, 0.5),
            ("button.share-order", None, 0.0, 0.3),
        ],
        Page::Account(_) => &[("button.track-shipment", None, 0.0, 1.0)],
    }
}

/// The action that leads from one page to the next one.
fn exit_target(next: &Page) -> (&'static str, Option<&'static str>) {
    match next {
        Page::Home => ("a.header-logo", None),
        Page::Product(_) => ("a.product-card", None),
        Page::Category(_) => ("a.category-link", None),
        Page::Search(_) => ("input#search", Some("input")),
        Page::Cart => ("a#header-cart", None),
        Page::Checkout => ("button#checkout", None),
        Page::Confirmation => ("button#place-order", None),
        Page::Account(_) => ("a#view-order", None),
    }
}

fn action_row(
    rng: &mut R,
    s: &Session,
    view: &ViewCtx,
    target: &str,
    kind: Option<&str>,
    frustration: Option<&str>,
) -> Row {
    let mut r = s.row("action", view);
    let kind = kind.unwrap_or(if s.taps { "tap" } else { "click" });
    r.str("action_type", kind).str("target", target);
    if kind != "input" {
        let (w, h) = s.client.screen;
        r.i64("x", rng.random_range(0..w.max(1)))
            .i64("y", rng.random_range(0..h.max(1)));
    }
    r.f64("duration_ms", round1(lognormal(rng, 90.0, 0.8)));
    if let Some(f) = frustration {
        r.str("frustration", f);
    }
    r
}

/// A click/tap that calls the API (add to cart, coupon…), the call, and its network error.
fn action_with_call(rng: &mut R, s: &Session, view: &ViewCtx, ev: &mut Vec<(f64, Row)>, at: f64, target: &str, r: Res) {
    let mut result = resource_result(rng, s, r.kind);
    let frustration = if r.kind == ResKind::Coupon {
        // Invalid coupons; some visitors hammer the button.
        let rage = chance(rng, 0.3);
        if rage || chance(rng, 0.1) {
            result.status = 422;
            result.bytes = 310;
        }
        rage.then_some("rage")
    } else {
        (!(200..300).contains(&result.status)).then_some("error")
    };
    ev.push((at, action_row(rng, s, view, target, None, frustration)));
    let call_at = at + uniform(rng, 3.0, 20.0);
    if result.status == 0 || result.status >= 500 {
        ev.push((call_at + result.duration, network_error_row(s, view, &r)));
    }
    ev.push((call_at, resource_row(s, view, &r, &result)));
}

fn resource_row(s: &Session, view: &ViewCtx, r: &Res, result: &ResResult) -> Row {
    let mut row = s.row("resource", view);
    row.str("resource_url", &r.url)
        .str("resource_type", r.rtype)
        .str("method", r.method)
        .i64("status_code", result.status)
        .f64("duration_ms", result.duration)
        .i64("transfer_bytes", result.bytes);
    row
}

/// A failed API call as a browser RUM SDK reports it (Datadog-style, no type, no stack).
fn network_error_row(s: &Session, view: &ViewCtx, r: &Res) -> Row {
    let mut row = s.row("error", view);
    let kind = if r.rtype == "xhr" { "XHR" } else { "Fetch" };
    row.str("error_message", format!("{kind} error {} {}", r.method, r.url))
        .str("error_source", "network");
    row
}

fn error_row(s: &Session, view: &ViewCtx, e: &ErrSpec, style: StackStyle) -> Row {
    let mut row = s.row("error", view);
    row.str("error_message", &e.message).str("error_source", e.source);
    if let Some(t) = e.etype {
        row.str("error_type", t);
    }
    if let Some(stack) = format_stack(e, style) {
        row.str("error_stack", stack);
    }
    row
}

/// Pushes the events of one page view (times relative to the session start) and returns the
/// time until the next page view starts.
#[allow(clippy::too_many_arguments)]
fn emit_view(
    rng: &mut R,
    s: &Session,
    templates: &[f64],
    v: &Visit,
    next: Option<&Visit>,
    view: &ViewCtx,
    t0: i64,
    out: &mut Vec<(i64, Row)>,
) -> i64 {
    let tm = view_timings(rng, s, &v.page, v.nav);
    let mut ev: Vec<(f64, Row)> = Vec::new();

    let mut row = s.row("view", view);
    row.str("navigation_type", v.nav.name())
        .f64("ttfb_ms", tm.ttfb)
        .f64("fcp_ms", tm.fcp)
        .f64("lcp_ms", tm.lcp)
        .f64("cls", tm.cls)
        .f64("load_ms", tm.load)
        .f64("dom_interactive_ms", tm.dom_interactive)
        .f64("dom_complete_ms", tm.dom_complete);
    if let Some(inp) = tm.inp {
        row.f64("inp_ms", inp);
    }
    ev.push((0.0, row));

    let bot = s.client.device == Device::Bot;
    let base_dwell = if bot {
        tm.load + uniform(rng, 1_500.0, 6_000.0)
    } else {
        let page = if v.page == Page::Checkout { 1.8 } else { 1.0 };
        tm.load + (lognormal(rng, 22_000.0, 0.9) * page).clamp(3_000.0, 900_000.0)
    };
    if bot {
        let tail = uniform(rng, 150.0, 900.0);
        return finish_view(rng, ev, Vec::new(), tail, base_dwell, t0, out);
    }
    let busy = |rng: &mut R| uniform(rng, tm.load + 300.0, base_dwell * 0.9);

    // Actions and the API calls they trigger.
    let mut action_calls = 0;
    let n_actions = pick_w(rng, &[(0usize, 0.35), (1, 0.35), (2, 0.2), (3, 0.1)]);
    let targets = in_page_targets(&v.page);
    for _ in 0..n_actions {
        let i = weighted_index(rng, targets.iter().map(|t| t.3));
        let (target, kind, dead, _) = targets[i];
        let frustration = chance(rng, dead).then_some("dead");
        let at = busy(rng);
        let row = action_row(rng, s, view, target, kind, frustration);
        ev.push((at, row));
    }
    if v.add_to_cart {
        let r = res(ResKind::CartItemsPost, api("cart/items"), "POST", "fetch");
        let at = busy(rng);
        action_with_call(rng, s, view, &mut ev, at, "button#add-to-cart", r);
        action_calls += 1;
    }
    if v.page == Page::Cart && chance(rng, 0.2) {
        let r = res(ResKind::CartItemsPost, api("cart/items"), "POST", "fetch");
        let at = busy(rng);
        action_with_call(rng, s, view, &mut ev, at, "button.qty-increase", r);
        action_calls += 1;
    }
    if v.page == Page::Checkout && chance(rng, 0.18) {
        let url = api(&format!("checkout/{}/coupon", s.checkout_id));
        let r = res(ResKind::Coupon, url, "POST", "fetch");
        let at = busy(rng);
        action_with_call(rng, s, view, &mut ev, at, "button#apply-coupon", r);
        action_calls += 1;
    }
    if v.place_order || v.failed_pay {
        action_calls += 1;
    }

    // Resources the page loads by itself.
    let mut candidates = page_resources(rng, s, &v.page);
    if candidates.len() > 1 && chance(rng, 0.3) {
        candidates[1..].shuffle(rng);
    }
    let n = pick_w(rng, &[(0usize, 0.06), (1, 0.2), (2, 0.32), (3, 0.27), (4, 0.15)])
        .min(4usize.saturating_sub(action_calls));
    for r in candidates.into_iter().take(n) {
        let at = match r.kind {
            ResKind::Script | ResKind::Css | ResKind::Font => tm.ttfb + uniform(rng, 5.0, 120.0),
            ResKind::Image => uniform(rng, tm.fcp * 0.6, tm.lcp.max(tm.fcp * 0.6 + 1.0)),
            _ => uniform(rng, tm.dom_interactive, tm.load + 1_500.0),
        };
        let result = resource_result(rng, s, r.kind);
        let api_call = matches!(r.rtype, "fetch" | "xhr");
        if api_call && (result.status == 0 || result.status >= 500) {
            ev.push((at + result.duration, network_error_row(s, view, &r)));
        }
        ev.push((at, resource_row(s, view, &r, &result)));
    }

    // Long tasks while the page loads.
    let p_long = match (s.client.device, s.client.browser) {
        (Device::Desktop, _) => 0.15,
        (Device::Mobile, Browser::ChromeAndroid | Browser::Samsung) => 0.45,
        (Device::Mobile, _) => 0.3,
        _ => 0.25,
    };
    if chance(rng, p_long) {
        for _ in 0..rng.random_range(1..4) {
            let at = uniform(rng, tm.fcp * 0.8, tm.load + 1_500.0);
            let mut row = s.row("long_task", view);
            row.f64("duration_ms", round1((50.0 + lognormal(rng, 60.0, 0.7)).min(400.0)));
            ev.push((at, row));
        }
    }

    // JavaScript errors: planted truth 2, then the long-tailed background.
    if v.page == Page::Cart && s.release == "1.5.0" && chance(rng, CART_ERROR_RATE) {
        let at = uniform(rng, tm.fcp, tm.lcp + 300.0);
        // Same text and V8-style stack in every browser, so it is one fingerprint.
        ev.push((at, error_row(s, view, &cart_price_error(), StackStyle::V8)));
    }
    let p_err = if s.client.device == Device::Desktop {
        0.035
    } else {
        0.045
    };
    if chance(rng, p_err) {
        let n = if chance(rng, 0.1) { 2 } else { 1 };
        for _ in 0..n {
            let e = background_error(rng, templates, &v.page, s);
            let at = uniform(rng, tm.ttfb + 50.0, base_dwell * 0.9);
            ev.push((at, error_row(s, view, &e, s.client.stack)));
        }
    }

    // Leaving the page: the click that opens the next page (and the payment it triggers).
    let mut exit: Vec<(f64, Row)> = Vec::new();
    let mut tail = uniform(rng, 150.0, 900.0);
    if let Some(next) = next.filter(|n| n.nav == Nav::Navigate) {
        let (target, kind) = exit_target(&next.page);
        exit.push((0.0, action_row(rng, s, view, target, kind, None)));
        if v.place_order {
            let url = api(&format!("checkout/{}/pay", s.checkout_id));
            let r = res(ResKind::Pay, url, "POST", "fetch");
            let result = resource_result(rng, s, ResKind::Pay);
            tail = 5.0 + result.duration + uniform(rng, 100.0, 600.0);
            exit.push((5.0, resource_row(s, view, &r, &result)));
        }
    }
    if v.failed_pay || v.dead_place_order {
        let at = busy(rng);
        let frustration = v.dead_place_order.then_some("dead");
        let row = action_row(rng, s, view, "button#place-order", None, frustration);
        ev.push((at, row));
        if v.failed_pay {
            let url = api(&format!("checkout/{}/pay", s.checkout_id));
            let r = res(ResKind::Pay, url, "POST", "fetch");
            let mut result = resource_result(rng, s, ResKind::Pay);
            result.status = pick_w(rng, &[(402, 0.6), (409, 0.15), (500, 0.1), (0, 0.15)]);
            result.bytes = if result.status == 0 { 0 } else { 240 };
            let call_at = at + uniform(rng, 3.0, 20.0);
            if result.status == 0 || result.status >= 500 {
                ev.push((call_at + result.duration, network_error_row(s, view, &r)));
            }
            ev.push((call_at, resource_row(s, view, &r, &result)));
        }
    }
    finish_view(rng, ev, exit, tail, base_dwell, t0, out)
}

/// Orders a view's events, makes their times strictly increasing, appends the exit events
/// (offsets relative to the exit click) after everything else and returns the time from the
/// view start to the next view, at least `tail` after the exit click.
fn finish_view(
    rng: &mut R,
    mut ev: Vec<(f64, Row)>,
    exit: Vec<(f64, Row)>,
    tail: f64,
    base_dwell: f64,
    t0: i64,
    out: &mut Vec<(i64, Row)>,
) -> i64 {
    ev.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = -1_i64;
    for (at, row) in ev {
        let at = (at.round() as i64).max(last + 1);
        last = at;
        out.push((t0 + at, row));
    }
    let exit_at = ((base_dwell - uniform(rng, 150.0, 900.0)).round() as i64).max(last + 200);
    for (dt, row) in exit {
        let at = (exit_at + dt.round() as i64).max(last + 1);
        last = at;
        out.push((t0 + at, row));
    }
    (exit_at + tail.round() as i64).max(last + 100)
}

// ---------------------------------------------------------------------------------------------
// JavaScript errors.

const MAIN_JS: &str = "https://shop.example.com/static/js/main.3f9a1c.js";
const VENDOR_JS: &str = "https://shop.example.com/static/js/vendor.91d2e0.js";
const CART_JS: &str = "https://shop.example.com/static/js/cart.8b1e2f.js";
const CHECKOUT_JS: &str = "https://shop.example.com/static/js/checkout.5c7d3a.js";
const PRODUCT_JS: &str = "https://shop.example.com/static/js/product.e41b07.js";
const PAY_JS: &str = "https://js.payments.example.net/v3/elements.js";
const GTM_JS: &str = "https://www.googletagmanager.com/gtm.js?id=GTM-K7X2P9Q";
const INLINE: &str = "https://shop.example.com/";
/// File of a native frame (`Array.map`, `JSON.parse`).
const NATIVE: &str = "";

#[derive(Debug, Clone, Copy)]
struct Frame {
    func: &'static str,
    file: &'static str,
    line: u32,
    col: u32,
}

const fn fr(func: &'static str, file: &'static str, line: u32, col: u32) -> Frame {
    Frame { func, file, line, col }
}

const REACT_TAIL: &[Frame] = &[
    fr("renderWithHooks", VENDOR_JS, 2, 48213),
    fr("updateFunctionComponent", VENDOR_JS, 2, 51907),
    fr("beginWork", VENDOR_JS, 2, 63120),
    fr("performUnitOfWork", VENDOR_JS, 2, 98311),
    fr("workLoopSync", VENDOR_JS, 2, 98204),
];
const EVENT_TAIL: &[Frame] = &[
    fr("HTMLUnknownElement.callCallback", VENDOR_JS, 2, 11204),
    fr("invokeGuardedCallbackImpl", VENDOR_JS, 2, 11532),
    fr("dispatchDiscreteEvent", VENDOR_JS, 2, 120993),
];
const ASYNC_TAIL: &[Frame] = &[
    fr("async fetchJson", MAIN_JS, 1, 20031),
    fr("async loadPageData", MAIN_JS, 1, 21877),
];

struct ErrSpec {
    etype: Option<&'static str>,
    message: String,
    source: &'static str,
    /// Empty: no stack.
    frames: Vec<Frame>,
}

fn err(etype: &'static str, message: String, frames: Vec<Frame>) -> ErrSpec {
    ErrSpec {
        etype: Some(etype),
        message,
        source: "source",
        frames,
    }
}

fn console(message: String) -> ErrSpec {
    ErrSpec {
        etype: None,
        message,
        source: "console",
        frames: Vec::new(),
    }
}

fn with_tail(top: &[Frame], tail: &[Frame], n: usize) -> Vec<Frame> {
    top.iter().chain(tail.iter().take(n)).copied().collect::<Vec<_>>()
}

/// Planted truth 2.
fn cart_price_error() -> ErrSpec {
    err(
        "TypeError",
        CART_ERROR_MESSAGE.to_string(),
        with_tail(
            &[
                fr("renderCartTotal", CART_JS, 1, 4821),
                fr("Array.reduce", NATIVE, 0, 0),
                fr("CartSummary", CART_JS, 1, 5377),
            ],
            REACT_TAIL,
            3,
        ),
    )
}

fn format_frame(f: &Frame, style: StackStyle) -> Option<String> {
    match style {
        StackStyle::V8 => Some(match (f.file, f.func) {
            (NATIVE, func) => format!("    at {func} (<anonymous>)"),
            (file, "") => format!("    at {file}:{}:{}", f.line, f.col),
            (file, func) => format!("    at {func} ({file}:{}:{})", f.line, f.col),
        }),
        StackStyle::WebKit | StackStyle::Gecko => {
            let func = f.func.trim_start_matches("async ");
            let func = match func.rsplit('.').next().unwrap_or(func) {
                "<anonymous>" => "",
                f => f,
            };
            match f.file {
                NATIVE if style == StackStyle::Gecko => None,
                NATIVE => Some(format!("{func}@[native code]")),
                file => Some(format!("{func}@{file}:{}:{}", f.line, f.col)),
            }
        }
    }
}

fn format_stack(e: &ErrSpec, style: StackStyle) -> Option<String> {
    if e.frames.is_empty() {
        return None;
    }
    let mut lines = Vec::with_capacity(e.frames.len() + 1);
    if style == StackStyle::V8 {
        lines.push(format!("{}: {}", e.etype.unwrap_or("Error"), e.message));
    }
    lines.extend(e.frames.iter().filter_map(|f| format_frame(f, style)));
    Some(lines.join("\n"))
}

/// Number of background error templates, in decreasing frequency (Zipf, s = 1).
const ERROR_TEMPLATES: usize = 40;

fn zipf_weights(n: usize) -> Vec<f64> {
    (1..=n).map(|k| 1.0 / k as f64).collect()
}

fn background_error(rng: &mut R, weights: &[f64], page: &Page, s: &Session) -> ErrSpec {
    for _ in 0..20 {
        let i = weighted_index(rng, weights.iter().copied());
        if let Some(e) = error_template(rng, i, page, s) {
            return e;
        }
    }
    err("Error", "Script error.".to_string(), Vec::new())
}

/// One error of template `i`, or None when the template does not occur on that page/browser.
fn error_template(rng: &mut R, i: usize, page: &Page, s: &Session) -> Option<ErrSpec> {
    let webkit = s.client.stack == StackStyle::WebKit;
    let gecko = s.client.stack == StackStyle::Gecko;
    let product = matches!(page, Page::Product(_));
    let checkout = *page == Page::Checkout;
    let listing = matches!(page, Page::Category(_) | Page::Search(_));
    let e = match i {
        0 => err("Error", "Script error.".into(), Vec::new()),
        1 => err("Error", "ResizeObserver loop limit exceeded".into(), Vec::new()),
        2 => {
            // Same bug, browser-specific wording.
            let (obj, prop, frame) = pick(
                rng,
                &[
                    ("e.images", "length", fr("ProductGallery", PRODUCT_JS, 1, 7731)),
                    ("t.items", "map", fr("RecommendationList", MAIN_JS, 1, 61877)),
                    ("n.product", "id", fr("trackViewItem", MAIN_JS, 1, 44190)),
                    ("r.category", "slug", fr("CategoryNav", MAIN_JS, 1, 18240)),
                ],
            );
            if frame.file == PRODUCT_JS && !product {
                return None;
            }
            let message = if webkit {
                format!("undefined is not an object (evaluating '{obj}.{prop}')")
            } else if gecko {
                format!("can't access property \"{prop}\", {obj} is undefined")
            } else {
                format!("Cannot read properties of undefined (reading '{prop}')")
            };
            err("TypeError", message, with_tail(&[frame], REACT_TAIL, 3))
        }
        3 => {
            let id = product_id(rng);
            err(
                "TypeError",
                format!("Failed to fetch {ORIGIN}/api/products/{id}"),
                with_tail(&[fr("fetchProduct", MAIN_JS, 1, 88213)], ASYNC_TAIL, 2),
            )
        }
        4 => err(
            "SyntaxError",
            format!("Unexpected token '<' at position {}", rng.random_range(0..4000)),
            vec![
                fr("JSON.parse", NATIVE, 0, 0),
                fr("parseResponse", MAIN_JS, 1, 19502),
                fr("async fetchJson", MAIN_JS, 1, 20031),
            ],
        ),
        5 => {
            let (chunk, hash) = pick(
                rng,
                &[
                    (873, "4c1d2e"),
                    (412, "9a0b7f"),
                    (96, "e2c4a1"),
                    (1207, "77d0c3"),
                    (55, "b81f6e"),
                ],
            );
            err(
                "ChunkLoadError",
                format!(
                    concat!(
                        "Loading chunk {chunk} failed. ",
                        "(error: {ORIGIN}/static/js/{chunk}.{hash}.chunk.js)"
                    ),
                    chunk = chunk,
                    hash = hash,
                    ORIGIN = ORIGIN
                ),
                vec![
                    fr("__webpack_require__.f.j", MAIN_JS, 1, 2043),
                    fr("Array.reduce", NATIVE, 0, 0),
                    fr("__webpack_require__.e", MAIN_JS, 1, 1388),
                ],
            )
        }
        6 => {
            let name = pick(rng, &["gtag", "dataLayer", "fbq", "ttq", "$"]);
            let message = if webkit {
                format!("Can't find variable: {name}")
            } else {
                format!("{name} is not defined")
            };
            err(
                "ReferenceError",
                message,
                vec![fr("", INLINE, 1, rng.random_range(200..900))],
            )
        }
        7 => err(
            "Error",
            "ResizeObserver loop completed with undelivered notifications.".into(),
            Vec::new(),
        ),
        8 => {
            let v = pick(rng, &["undefined", "null", "Timeout", "cancelled", "{\"code\":409}"]);
            err(
                "Error",
                format!("Non-Error promise rejection captured with value: {v}"),
                Vec::new(),
            )
        }
        9 => {
            let code = pick(rng, &[500, 502, 504, 429]);
            err(
                "AxiosError",
                format!("Request failed with status code {code}"),
                with_tail(
                    &[
                        fr("settle", VENDOR_JS, 1, 30514),
                        fr("XMLHttpRequest.onloadend", VENDOR_JS, 1, 33870),
                    ],
                    ASYNC_TAIL,
                    1,
                ),
            )
        }
        10 if webkit => err("TypeError", "Load failed".into(), Vec::new()),
        11 if gecko => err(
            "TypeError",
            "NetworkError when attempting to fetch resource.".into(),
            Vec::new(),
        ),
        12 => err(
            "AbortError",
            "The operation was aborted.".into(),
            vec![
                fr("abortPendingRequests", MAIN_JS, 1, 91002),
                fr("HTMLAnchorElement.onClick", MAIN_JS, 1, 90155),
            ],
        ),
        13 if product || *page == Page::Cart => {
            let v = pick(rng, &["12,99 €", "$1,299.00", "NaN", "", "1.299,00"]);
            err(
                "Error",
                format!("Invalid price format: \"{v}\""),
                with_tail(
                    &[fr("formatPrice", MAIN_JS, 1, 40512), fr("PriceTag", MAIN_JS, 1, 41033)],
                    REACT_TAIL,
                    2,
                ),
            )
        }
        14 if product => {
            let id = match page {
                Page::Product(id) => *id,
                _ => product_id(rng),
            };
            err(
                "Error",
                format!("Product {id} not found"),
                with_tail(&[fr("loadProduct", PRODUCT_JS, 1, 3310)], ASYNC_TAIL, 1),
            )
        }
        15 => {
            let v = pick(rng, &["e", "t", "n", "r"]);
            let message = if webkit {
                format!("{v}.map is not a function. (In '{v}.map(o)', '{v}.map' is undefined)")
            } else {
                format!("{v}.map is not a function")
            };
            err(
                "TypeError",
                message,
                with_tail(&[fr("RecommendationList", MAIN_JS, 1, 61877)], REACT_TAIL, 3),
            )
        }
        16 => {
            let p = pick(
                rng,
                &["addEventListener", "style", "getBoundingClientRect", "classList"],
            );
            let message = if webkit {
                format!(
                    concat!(
                        "null is not an object ",
                        "(evaluating 'document.querySelector(\".sticky-header\").{p}')"
                    ),
                    p = p
                )
            } else if gecko {
                format!("can't access property \"{p}\", document.querySelector(...) is null")
            } else {
                format!("Cannot read properties of null (reading '{p}')")
            };
            err(
                "TypeError",
                message,
                vec![
                    fr("initStickyHeader", MAIN_JS, 1, 15290),
                    fr("HTMLDocument.<anonymous>", MAIN_JS, 1, 15877),
                ],
            )
        }
        17 => {
            let mut frames = vec![fr("deepMerge", MAIN_JS, 1, 7441); 6];
            frames.push(fr("mergeConfig", MAIN_JS, 1, 7690));
            let message = if webkit {
                "Maximum call stack size exceeded."
            } else if gecko {
                "too much recursion"
            } else {
                "Maximum call stack size exceeded"
            };
            err(
                if gecko { "InternalError" } else { "RangeError" },
                message.into(),
                frames,
            )
        }
        18 => {
            let id = product_id(rng);
            err(
                "QuotaExceededError",
                format!(
                    concat!(
                        "Failed to execute 'setItem' on 'Storage': ",
                        "Setting the value of 'recently_viewed_{id}' exceeded the quota."
                    ),
                    id = id
                ),
                vec![
                    fr("Storage.setItem", NATIVE, 0, 0),
                    fr("persistRecentlyViewed", MAIN_JS, 1, 33920),
                ],
            )
        }
        19 => {
            let p = pick(rng, &["innerHTML", "textContent", "src"]);
            err(
                "TypeError",
                format!("Cannot set properties of null (setting '{p}')"),
                vec![
                    fr("updateMiniCart", MAIN_JS, 1, 52210),
                    fr("CustomEvent.<anonymous>", MAIN_JS, 1, 52988),
                ],
            )
        }
        20 => err(
            "NotFoundError",
            concat!(
                "Failed to execute 'removeChild' on 'Node': ",
                "The node to be removed is not a child of this node."
            )
            .into(),
            with_tail(
                &[
                    fr("removeChild", VENDOR_JS, 2, 77018),
                    fr("commitDeletionEffectsOnFiber", VENDOR_JS, 2, 80211),
                ],
                REACT_TAIL,
                1,
            ),
        ),
        21 => {
            let n = pick(rng, &[418, 423, 425]);
            err(
                "Error",
                format!(
                    concat!(
                        "Minified React error #{n}; visit https://react.dev/errors/{n} for the full ",
                        "message or use the non-minified dev environment for full errors and ",
                        "additional helpful warnings."
                    ),
                    n = n
                ),
                with_tail(&[fr("throwOnHydrationMismatch", VENDOR_JS, 2, 31250)], REACT_TAIL, 4),
            )
        }
        22 => err(
            "Error",
            concat!(
                "Hydration failed because the initial UI does not match ",
                "what was rendered on the server."
            )
            .into(),
            with_tail(&[fr("updateHostRoot", VENDOR_JS, 2, 55010)], REACT_TAIL, 3),
        ),
        23 => err(
            "SyntaxError",
            if gecko {
                concat!(
                    "JSON.parse: unexpected end of data ",
                    "at line 1 column 1 of the JSON data"
                )
                .into()
            } else {
                "Unexpected end of JSON input".into()
            },
            vec![
                fr("JSON.parse", NATIVE, 0, 0),
                fr("readCartCookie", MAIN_JS, 1, 27115),
                fr("initCart", MAIN_JS, 1, 27402),
            ],
        ),
        24 => {
            let ms = pick(rng, &[5000, 8000, 10000]);
            err(
                "AxiosError",
                format!("timeout of {ms}ms exceeded"),
                with_tail(
                    &[fr("XMLHttpRequest.handleTimeout", VENDOR_JS, 1, 32417)],
                    ASYNC_TAIL,
                    1,
                ),
            )
        }
        25 if checkout => {
            let ms = pick(rng, &[5000, 10000, 15000]);
            err(
                "Error",
                format!("Payment widget failed to initialise: timeout after {ms} ms"),
                vec![
                    fr("mountPaymentElement", CHECKOUT_JS, 1, 9120),
                    fr("", PAY_JS, 1, 48822),
                ],
            )
        }
        26 if checkout => {
            let code = pick(rng, &["AUTUMN10", "FREESHIP", "WELCOME15", "BF2026", "xmas"]);
            console(format!("Invalid coupon code \"{code}\""))
        }
        27 => {
            let v = pick(rng, &["cartStore", "i18n", "analytics"]);
            err(
                "ReferenceError",
                format!("Cannot access '{v}' before initialization"),
                vec![fr("Module.initApp", MAIN_JS, 1, 1201), fr("", MAIN_JS, 1, 960)],
            )
        }
        28 if listing => err(
            "TypeError",
            "Assignment to constant variable.".into(),
            with_tail(
                &[
                    fr("updateFilters", MAIN_JS, 1, 70330),
                    fr("HTMLSelectElement.onChange", MAIN_JS, 1, 70712),
                ],
                EVENT_TAIL,
                2,
            ),
        ),
        29 => err(
            "SecurityError",
            concat!(
                "Failed to read the 'localStorage' property from 'Window': ",
                "Access is denied for this document."
            )
            .into(),
            vec![
                fr("getStoredConsent", MAIN_JS, 1, 11004),
                fr("initConsent", MAIN_JS, 1, 11290),
            ],
        ),
        30 => console("Warning: Each child in a list should have a unique \"key\" prop.".into()),
        31 => console(format!(
            concat!("[analytics] beacon rejected: ", "413 Payload Too Large (size {} bytes)"),
            rng.random_range(65_000..140_000)
        )),
        32 => {
            let user = format!("{:08x}", rng.random::<u32>());
            err(
                "Error",
                format!("Session expired for user {user}, redirecting to /login"),
                with_tail(&[fr("refreshToken", MAIN_JS, 1, 45012)], ASYNC_TAIL, 2),
            )
        }
        33 => err(
            "Error",
            format!(
                concat!("Object Not Found Matching Id:{}, ", "MethodName:update, ParamCount:4"),
                rng.random_range(1..9)
            ),
            Vec::new(),
        ),
        34 if gecko => {
            let p = pick(rng, &["document", "href"]);
            err(
                "Error",
                format!("Permission denied to access property \"{p}\" on cross-origin object"),
                vec![fr("checkIframe", MAIN_JS, 1, 80007)],
            )
        }
        35 if webkit => err(
            "TypeError",
            concat!(
                "undefined is not an object ",
                "(evaluating 'window.webkit.messageHandlers.analytics.postMessage')"
            )
            .into(),
            vec![fr("", GTM_JS, 512, 330)],
        ),
        36 if *page == Page::Home => err(
            "AbortError",
            "The play() request was interrupted by a call to pause(). https://goo.gl/LdLk22".into(),
            vec![fr("HeroVideo.pause", MAIN_JS, 1, 99012)],
        ),
        37 => {
            let (chunk, hash) = pick(rng, &[(873, "2f8e1a"), (412, "c09d3b")]);
            err(
                "Error",
                format!(
                    concat!(
                        "Loading CSS chunk {chunk} failed. ",
                        "({ORIGIN}/static/css/{chunk}.{hash}.chunk.css)"
                    ),
                    chunk = chunk,
                    hash = hash,
                    ORIGIN = ORIGIN
                ),
                vec![fr("HTMLLinkElement.linkElement.onerror", MAIN_JS, 1, 2601)],
            )
        }
        38 if *page == Page::Cart => {
            let n = rng.random_range(100..400);
            err(
                "Error",
                format!(
                    "Cart sync conflict: revision {n} is older than {}",
                    n + rng.random_range(1..4)
                ),
                with_tail(&[fr("syncCart", CART_JS, 1, 2210)], ASYNC_TAIL, 1),
            )
        }
        39 => {
            let cc = pick(rng, &["DE", "FR", "GB", "US", "BR"]);
            console(format!("gtag: consent mode update rejected for region {cc}"))
        }
        _ => return None,
    };
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::polars_schema;
    use std::collections::HashMap;
    use std::sync::OnceLock;

    fn sample() -> &'static DataFrame {
        static DF: OnceLock<DataFrame> = OnceLock::new();
        DF.get_or_init(|| {
            generate(&GenOptions {
                sessions: 3000,
                seed: 42,
            })
            .expect("generate 3000 sessions")
        })
    }

    fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
        df.column(name)
            .expect("column")
            .str()
            .expect("string column")
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name)
            .expect("column")
            .f64()
            .expect("f64 column")
            .iter()
            .collect()
    }

    fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
        let c = df.column(name).expect("column").cast(&DataType::Int64).expect("cast");
        c.i64().expect("i64").iter().collect()
    }

    fn median(mut v: Vec<f64>) -> f64 {
        assert!(!v.is_empty());
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    fn is_iphone_safari(ua: &str) -> bool {
        ua.contains("iPhone") && !ua.contains("CriOS")
    }
    fn is_mac_safari(ua: &str) -> bool {
        ua.contains("Macintosh") && ua.contains("Version/") && !ua.contains("Chrome")
    }
    fn is_android_chrome(ua: &str) -> bool {
        ua.contains("Android")
            && ua.contains("Mobile Safari")
            && !ua.contains("SamsungBrowser")
            && !ua.contains("Googlebot")
    }
    fn is_mobile(ua: &str) -> bool {
        (ua.contains("iPhone") || (ua.contains("Android") && ua.contains("Mobile"))) && !ua.contains("Googlebot")
    }

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
    fn timings_are_sane() {
        let df = sample();
        for c in crate::schema::COLUMNS
            .iter()
            .filter(|c| c.kind == crate::schema::Kind::Float)
        {
            for v in floats(df, c.name).into_iter().flatten() {
                assert!(v.is_finite() && v >= 0.0, "{} = {v}", c.name);
            }
        }
        let types = strs(df, "event_type");
        let [ttfb, fcp, lcp, inp, cls, di, dc, load] = [
            "ttfb_ms",
            "fcp_ms",
            "lcp_ms",
            "inp_ms",
            "cls",
            "dom_interactive_ms",
            "dom_complete_ms",
            "load_ms",
        ]
        .map(|n| floats(df, n));
        let mut views = 0;
        let mut no_inp = 0;
        for i in 0..df.height() {
            if types[i].as_deref() != Some("view") {
                assert!(lcp[i].is_none());
                continue;
            }
            views += 1;
            let f = |v: &Vec<Option<f64>>| v[i].expect("view timing");
            assert!(f(&ttfb) < f(&fcp) && f(&fcp) <= f(&lcp));
            assert!(f(&di) < f(&dc) && f(&dc) <= f(&load));
            assert!(f(&ttfb) < f(&di));
            assert!(f(&cls) <= 2.0);
            no_inp += usize::from(inp[i].is_none());
        }
        assert!(no_inp > views / 20 && no_inp < views / 4, "{no_inp} of {views}");
    }

    #[test]
    fn realistic_medians() {
        let df = sample();
        let (types, uas, lcp, inp) = (
            strs(df, "event_type"),
            strs(df, "user_agent"),
            floats(df, "lcp_ms"),
            floats(df, "inp_ms"),
        );
        let mut d = (Vec::new(), Vec::new());
        let mut m = (Vec::new(), Vec::new());
        for i in 0..df.height() {
            let (Some("view"), Some(ua)) = (types[i].as_deref(), uas[i].as_deref()) else {
                continue;
            };
            let target = if ua.contains("Windows") || ua.contains("Macintosh") || ua.contains("X11") {
                &mut d
            } else if is_mobile(ua) {
                &mut m
            } else {
                continue;
            };
            target.0.extend(lcp[i]);
            target.1.extend(inp[i]);
        }
        let (dl, ml) = (median(d.0), median(m.0));
        let (di, mi) = (median(d.1), median(m.1));
        assert!((1300.0..2000.0).contains(&dl), "desktop LCP {dl}");
        assert!((2100.0..3200.0).contains(&ml), "mobile LCP {ml}");
        assert!((80.0..130.0).contains(&di), "desktop INP {di}");
        assert!((140.0..230.0).contains(&mi), "mobile INP {mi}");
    }

    #[test]
    fn planted_lcp_regression() {
        let df = sample();
        let (types, uas, releases, lcp) = (
            strs(df, "event_type"),
            strs(df, "user_agent"),
            strs(df, "release"),
            floats(df, "lcp_ms"),
        );
        // (segment, release 1.5.0?) -> LCP values
        let mut groups: HashMap<(&str, bool), Vec<f64>> = HashMap::new();
        for i in 0..df.height() {
            let (Some("view"), Some(ua), Some(rel), Some(v)) =
                (types[i].as_deref(), uas[i].as_deref(), releases[i].as_deref(), lcp[i])
            else {
                continue;
            };
            let segment = if is_iphone_safari(ua) {
                "iphone safari"
            } else if is_mac_safari(ua) {
                "desktop safari"
            } else if is_android_chrome(ua) {
                "android chrome"
            } else {
                continue;
            };
            groups.entry((segment, rel == "1.5.0")).or_default().push(v);
        }
        let ratio = |segment: &str| {
            let after = groups.get(&(segment, true)).cloned().unwrap_or_default();
            let before = groups.get(&(segment, false)).cloned().unwrap_or_default();
            assert!(
                after.len() > 100 && before.len() > 200,
                "{segment}: n = {} / {}",
                after.len(),
                before.len()
            );
            median(after) / median(before)
        };
        let iphone = ratio("iphone safari");
        assert!((1.55..2.1).contains(&iphone), "iPhone Safari LCP ratio {iphone}");
        for segment in ["desktop safari", "android chrome"] {
            let r = ratio(segment);
            assert!((0.87..1.15).contains(&r), "{segment} LCP ratio {r}");
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
