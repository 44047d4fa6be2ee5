//! Page-view timings (TTFB, FCP, LCP, INP, CLS, DOM milestones, load).

use super::clients::Device;
use super::journey::{Nav, Page};
use super::rng::{chance, lognormal, round1, uniform, R};
use super::{Session, LCP_REGRESSION};

pub(super) struct Timings {
    pub(super) ttfb: f64,
    pub(super) fcp: f64,
    pub(super) lcp: f64,
    pub(super) inp: Option<f64>,
    pub(super) cls: f64,
    pub(super) dom_interactive: f64,
    pub(super) dom_complete: f64,
    pub(super) load: f64,
}

pub(super) fn view_timings(rng: &mut R, s: &Session, page: &Page, nav: Nav) -> Timings {
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

#[cfg(test)]
mod tests {
    use super::super::test_util::{
        floats, is_android_chrome, is_iphone_safari, is_mac_safari, is_mobile, median, sample, strs,
    };
    use std::collections::HashMap;

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
}
