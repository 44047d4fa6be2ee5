//! Resources (API calls, scripts, images) and their outcomes.

use super::clients::{Device, Net};
use super::errors::{CART_JS, CHECKOUT_JS, MAIN_JS, PAY_JS, PRODUCT_JS};
use super::journey::{product_id, Page};
use super::rng::{chance, lognormal, round1, uniform, R};
use super::view::ViewCtx;
use super::{Session, CART_ITEMS_503_RATE, ORIGIN};
use crate::schema::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ResKind {
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

pub(super) struct Res {
    pub(super) kind: ResKind,
    pub(super) url: String,
    method: &'static str,
    pub(super) rtype: &'static str,
}

pub(super) fn res(kind: ResKind, url: String, method: &'static str, rtype: &'static str) -> Res {
    Res {
        kind,
        url,
        method,
        rtype,
    }
}

const CDN: &str = "https://cdn.shop.example.com";

pub(super) fn api(path: &str) -> String {
    format!("{ORIGIN}/api/{path}")
}

/// Resources a page loads by itself, the first one most likely.
pub(super) fn page_resources(rng: &mut R, s: &Session, page: &Page) -> Vec<Res> {
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

pub(super) struct ResResult {
    pub(super) status: i64,
    pub(super) duration: f64,
    pub(super) bytes: i64,
}

pub(super) fn resource_result(rng: &mut R, s: &Session, kind: ResKind) -> ResResult {
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

pub(super) fn resource_row(s: &Session, view: &ViewCtx, r: &Res, result: &ResResult) -> Row {
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
pub(super) fn network_error_row(s: &Session, view: &ViewCtx, r: &Res) -> Row {
    let mut row = s.row("error", view);
    let kind = if r.rtype == "xhr" { "XHR" } else { "Fetch" };
    row.str("error_message", format!("{kind} error {} {}", r.method, r.url))
        .str("error_source", "network");
    row
}
