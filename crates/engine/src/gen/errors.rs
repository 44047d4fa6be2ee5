//! JavaScript errors: script URLs, stack frames, per-browser stack formatting and the
//! planted `/cart` error. The long-tailed background templates are in `error_templates`.

use super::clients::StackStyle;
use super::error_templates::error_template;
use super::journey::Page;
use super::rng::{weighted_index, R};
use super::view::ViewCtx;
use super::{Session, CART_ERROR_MESSAGE};
use crate::schema::Row;

pub(super) const MAIN_JS: &str = "https://shop.example.com/static/js/main.3f9a1c.js";
pub(super) const VENDOR_JS: &str = "https://shop.example.com/static/js/vendor.91d2e0.js";
pub(super) const CART_JS: &str = "https://shop.example.com/static/js/cart.8b1e2f.js";
pub(super) const CHECKOUT_JS: &str = "https://shop.example.com/static/js/checkout.5c7d3a.js";
pub(super) const PRODUCT_JS: &str = "https://shop.example.com/static/js/product.e41b07.js";
pub(super) const PAY_JS: &str = "https://js.payments.example.net/v3/elements.js";
pub(super) const GTM_JS: &str = "https://www.googletagmanager.com/gtm.js?id=GTM-K7X2P9Q";
pub(super) const INLINE: &str = "https://shop.example.com/";
/// File of a native frame (`Array.map`, `JSON.parse`).
pub(super) const NATIVE: &str = "";

#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    func: &'static str,
    pub(super) file: &'static str,
    line: u32,
    col: u32,
}

pub(super) const fn fr(func: &'static str, file: &'static str, line: u32, col: u32) -> Frame {
    Frame { func, file, line, col }
}

pub(super) const REACT_TAIL: &[Frame] = &[
    fr("renderWithHooks", VENDOR_JS, 2, 48213),
    fr("updateFunctionComponent", VENDOR_JS, 2, 51907),
    fr("beginWork", VENDOR_JS, 2, 63120),
    fr("performUnitOfWork", VENDOR_JS, 2, 98311),
    fr("workLoopSync", VENDOR_JS, 2, 98204),
];
pub(super) const EVENT_TAIL: &[Frame] = &[
    fr("HTMLUnknownElement.callCallback", VENDOR_JS, 2, 11204),
    fr("invokeGuardedCallbackImpl", VENDOR_JS, 2, 11532),
    fr("dispatchDiscreteEvent", VENDOR_JS, 2, 120993),
];
pub(super) const ASYNC_TAIL: &[Frame] = &[
    fr("async fetchJson", MAIN_JS, 1, 20031),
    fr("async loadPageData", MAIN_JS, 1, 21877),
];

pub(super) struct ErrSpec {
    etype: Option<&'static str>,
    message: String,
    source: &'static str,
    /// Empty: no stack.
    frames: Vec<Frame>,
}

pub(super) fn err(etype: &'static str, message: String, frames: Vec<Frame>) -> ErrSpec {
    ErrSpec {
        etype: Some(etype),
        message,
        source: "source",
        frames,
    }
}

pub(super) fn console(message: String) -> ErrSpec {
    ErrSpec {
        etype: None,
        message,
        source: "console",
        frames: Vec::new(),
    }
}

pub(super) fn with_tail(top: &[Frame], tail: &[Frame], n: usize) -> Vec<Frame> {
    top.iter().chain(tail.iter().take(n)).copied().collect::<Vec<_>>()
}

/// Planted truth 2.
pub(super) fn cart_price_error() -> ErrSpec {
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
pub(super) const ERROR_TEMPLATES: usize = 40;

pub(super) fn zipf_weights(n: usize) -> Vec<f64> {
    (1..=n).map(|k| 1.0 / k as f64).collect()
}

pub(super) fn background_error(rng: &mut R, weights: &[f64], page: &Page, s: &Session) -> ErrSpec {
    for _ in 0..20 {
        let i = weighted_index(rng, weights.iter().copied());
        if let Some(e) = error_template(rng, i, page, s) {
            return e;
        }
    }
    err("Error", "Script error.".to_string(), Vec::new())
}

pub(super) fn error_row(s: &Session, view: &ViewCtx, e: &ErrSpec, style: StackStyle) -> Row {
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
