//! Clicks, taps and inputs, with their frustration signals (dead, rage, error clicks).

use super::journey::Page;
use super::resources::{network_error_row, resource_result, resource_row, Res, ResKind};
use super::rng::{chance, lognormal, round1, uniform, R};
use super::view::ViewCtx;
use super::Session;
use crate::schema::Row;
use rand::Rng;

/// An action target: selector, action type (None = click or tap), share of dead clicks, weight.
type Target = (&'static str, Option<&'static str>, f64, f64);

pub(super) fn in_page_targets(page: &Page) -> &'static [Target] {
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
pub(super) fn exit_target(next: &Page) -> (&'static str, Option<&'static str>) {
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

pub(super) fn action_row(
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
pub(super) fn action_with_call(
    rng: &mut R,
    s: &Session,
    view: &ViewCtx,
    ev: &mut Vec<(f64, Row)>,
    at: f64,
    target: &str,
    r: Res,
) {
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
