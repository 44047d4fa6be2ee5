//! User agent → device type, browser, OS, with uap-core's rules (`ua-parser` crate).

use std::sync::OnceLock;

static REGEXES: &str = include_str!("../../data/uap-core/regexes.yaml");

/// What a user agent says about the client.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UaInfo {
    pub device_type: Option<&'static str>,
    pub browser: Option<String>,
    pub browser_version: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
}

fn extractor() -> Option<&'static ua_parser::Extractor<'static>> {
    static EXTRACTOR: OnceLock<Option<ua_parser::Extractor<'static>>> = OnceLock::new();
    EXTRACTOR
        .get_or_init(|| {
            let regexes: ua_parser::Regexes<'static> = serde_yaml::from_str(REGEXES).ok()?;
            ua_parser::Extractor::try_from(regexes).ok()
        })
        .as_ref()
}

const DESKTOP_OS: &[&str] = &[
    "Windows",
    "Mac OS X",
    "Linux",
    "Ubuntu",
    "Chrome OS",
    "Fedora",
    "Debian",
    "FreeBSD",
    "OpenBSD",
    "NetBSD",
    "Solaris",
    "Mandriva",
    "SUSE",
    "Red Hat",
    "Gentoo",
    "Arch Linux",
];

/// Parse one user agent. Call once per distinct value.
pub fn parse(ua: &str) -> UaInfo {
    let Some(ex) = extractor() else {
        return UaInfo::default();
    };
    let (agent, os, dev) = ex.extract(ua);
    let browser = agent.as_ref().map(|a| a.family.to_string());
    let browser_version = agent.as_ref().and_then(|a| a.major.map(str::to_string));
    let os_name = os.as_ref().map(|o| o.os.to_string());
    let os_version = os.as_ref().and_then(|o| o.major.as_ref().map(|m| m.to_string()));
    let device = dev.as_ref().map(|d| d.device.to_string()).unwrap_or_default();
    let device_type = classify(
        ua,
        &device,
        browser.as_deref().unwrap_or(""),
        os_name.as_deref().unwrap_or(""),
    );
    UaInfo {
        device_type: Some(device_type),
        browser,
        browser_version,
        os: os_name,
        os_version,
    }
}

/// Device class from the raw string plus uap-core's device and OS families.
fn classify(ua: &str, device: &str, browser: &str, os: &str) -> &'static str {
    let lower = ua.to_ascii_lowercase();
    if device == "Spider"
        || browser.contains("Spider")
        || ["bot", "crawler", "spider", "headlesschrome", "lighthouse", "pingdom"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return "bot";
    }
    let tablet = lower.contains("ipad")
        || lower.contains("tablet")
        || device.contains("Tablet")
        || device.starts_with("Kindle")
        || lower.contains("silk/")
        || (lower.contains("android") && !lower.contains("mobi"));
    if tablet {
        return "tablet";
    }
    if lower.contains("mobi") || lower.contains("iphone") || lower.contains("ipod") || matches!(os, "iOS" | "Android") {
        return "mobile";
    }
    if DESKTOP_OS.iter().any(|d| os.starts_with(d)) {
        return "desktop";
    }
    "other"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_agents() {
        let cases = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36", "desktop", "Chrome", "129", "Windows"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "mobile", "Mobile Safari", "17", "iOS"),
            ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "tablet", "Mobile Safari", "17", "iOS"),
            ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "mobile", "Samsung Internet", "25", "Android"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:131.0) Gecko/20100101 Firefox/131.0", "desktop", "Firefox", "131", "Mac OS X"),
            ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot", "Googlebot", "2", ""),
        ];
        for (ua, dt, browser, major, os) in cases {
            let info = parse(ua);
            assert_eq!(info.device_type, Some(dt), "{ua}");
            assert_eq!(info.browser.as_deref(), Some(browser), "{ua}");
            assert_eq!(info.browser_version.as_deref(), Some(major), "{ua}");
            assert_eq!(info.os.as_deref().unwrap_or(""), os, "{ua}");
        }
    }
}
