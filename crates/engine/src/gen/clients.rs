//! Visitors: countries, devices, browsers (user agents, screens) and networks.

use super::rng::{chance, lognormal, pick, pick_w, uniform, R};

pub(super) struct Country {
    pub(super) code: &'static str,
    pub(super) weight: f64,
    /// UTC offset (hours) used for the daily traffic cycle.
    pub(super) utc_offset: f64,
    /// Multiplier of server response time (distance to the EU/US data centres).
    pub(super) latency: f64,
    /// Typical 4G round-trip time, ms.
    pub(super) rtt: f64,
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

pub(super) static COUNTRIES: &[Country] = &[
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
pub(super) const HOUR_WEIGHTS: [f64; 24] = [
    2.0, 1.2, 0.8, 0.6, 0.5, 0.7, 1.4, 2.8, 4.2, 5.2, 5.8, 6.2, 6.8, 6.6, 6.2, 6.2, 6.6, 7.2, 8.2, 9.2, 9.0, 7.2, 5.0,
    3.4,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Device {
    Desktop,
    Mobile,
    Tablet,
    Bot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Browser {
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
pub(super) enum StackStyle {
    /// `    at fn (url:line:col)` after a `Type: message` header (Chromium).
    V8,
    /// `fn@url:line:col`, native frames as `fn@[native code]` (Safari, all iOS browsers).
    WebKit,
    /// `fn@url:line:col`, no native frames (Firefox).
    Gecko,
}

#[derive(Debug, Clone)]
pub(super) struct Client {
    pub(super) device: Device,
    pub(super) browser: Browser,
    pub(super) ua: String,
    pub(super) screen: (i64, i64),
    /// Chromium exposes the Network Information API (connection_type, effective_type, …).
    pub(super) netinfo: bool,
    /// Rendering-time multiplier (CPU/GPU of the typical device).
    pub(super) render: f64,
    /// TTFB multiplier (radio, TLS on slower CPUs).
    pub(super) ttfb: f64,
    /// Median INP, ms.
    pub(super) inp: f64,
    pub(super) stack: StackStyle,
}

pub(super) fn client(device: Device, browser: Browser, ua: String, screen: (i64, i64)) -> Client {
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

pub(super) fn desktop_client(rng: &mut R) -> Client {
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

pub(super) fn mobile_client(rng: &mut R, country: &Country) -> Client {
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

pub(super) fn tablet_client(rng: &mut R) -> Client {
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

pub(super) fn bot_client(rng: &mut R) -> Client {
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
pub(super) enum Net {
    G4,
    G3,
    G2,
    Slow2g,
}

impl Net {
    pub(super) fn name(self) -> &'static str {
        match self {
            Net::G4 => "4g",
            Net::G3 => "3g",
            Net::G2 => "2g",
            Net::Slow2g => "slow-2g",
        }
    }
    pub(super) fn ttfb(self) -> f64 {
        match self {
            Net::G4 => 1.0,
            Net::G3 => 2.1,
            Net::G2 => 3.8,
            Net::Slow2g => 6.0,
        }
    }
    pub(super) fn render(self) -> f64 {
        match self {
            Net::G4 => 1.0,
            Net::G3 => 2.1,
            Net::G2 => 3.8,
            Net::Slow2g => 5.5,
        }
    }
}

pub(super) fn sample_net(rng: &mut R, device: Device, country: &Country) -> Net {
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
pub(super) struct NetInfo {
    pub(super) connection_type: &'static str,
    pub(super) effective_type: &'static str,
    pub(super) rtt: f64,
    pub(super) downlink: f64,
}

pub(super) fn net_info(rng: &mut R, device: Device, net: Net, country: &Country) -> NetInfo {
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
