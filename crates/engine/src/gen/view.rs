//! The events of one page view: view, actions, resources, long tasks, errors, exit.

use super::actions::{action_row, action_with_call, exit_target, in_page_targets};
use super::clients::{Browser, Device, StackStyle};
use super::errors::{background_error, cart_price_error, error_row};
use super::journey::{Nav, Page, Visit};
use super::resources::{api, network_error_row, page_resources, res, resource_result, resource_row, ResKind};
use super::rng::{chance, lognormal, pick_w, round1, uniform, weighted_index, R};
use super::timings::view_timings;
use super::{Session, CART_ERROR_RATE};
use crate::schema::Row;
use rand::seq::SliceRandom;
use rand::Rng;

pub(super) struct ViewCtx {
    pub(super) id: String,
    pub(super) url: String,
    pub(super) referrer: Option<String>,
}

/// Pushes the events of one page view (times relative to the session start) and returns the
/// time until the next page view starts.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_view(
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
