//! The shop: pages, journeys through them and traffic sources.

use super::clients::Device;
use super::rng::{chance, pick, pick_w, uuid4, R};
use super::{CHECKOUT_CONTINUE, MOBILE_CHECKOUT_CONTINUE};
use rand::Rng;

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
pub(super) enum Page {
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
    pub(super) fn weight(&self) -> f64 {
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
    pub(super) fn server(&self) -> f64 {
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
    pub(super) fn path(&self, order_id: &str) -> String {
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
pub(super) fn product_id(rng: &mut R) -> u32 {
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
pub(super) enum Nav {
    Navigate,
    Reload,
    BackForward,
}

impl Nav {
    pub(super) fn name(self) -> &'static str {
        match self {
            Nav::Navigate => "navigate",
            Nav::Reload => "reload",
            Nav::BackForward => "back_forward",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Visit {
    pub(super) page: Page,
    pub(super) nav: Nav,
    /// The visitor adds the product to the cart (`POST /api/cart/items`).
    pub(super) add_to_cart: bool,
    /// The visitor places the order (`POST /api/checkout/<id>/pay`), next page is confirmation.
    pub(super) place_order: bool,
    /// Abandoned checkout after a failed payment attempt.
    pub(super) failed_pay: bool,
    /// Abandoned checkout after a click on "place order" that did nothing (mobile).
    pub(super) dead_place_order: bool,
}

pub(super) fn visit(page: Page) -> Visit {
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

pub(super) fn plan_journey(rng: &mut R, device: Device) -> Vec<Visit> {
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

pub(super) fn bot_journey(rng: &mut R) -> Vec<Visit> {
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

pub(super) const SOURCES: &[(Source, f64)] = &[
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
