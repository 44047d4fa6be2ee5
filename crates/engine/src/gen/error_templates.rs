//! The background JavaScript error templates, in decreasing frequency.

use super::clients::StackStyle;
use super::errors::{
    console, err, fr, with_tail, ErrSpec, ASYNC_TAIL, CART_JS, CHECKOUT_JS, EVENT_TAIL, GTM_JS, INLINE, MAIN_JS,
    NATIVE, PAY_JS, PRODUCT_JS, REACT_TAIL, VENDOR_JS,
};
use super::journey::{product_id, Page};
use super::rng::{pick, R};
use super::{Session, ORIGIN};
use rand::Rng;

/// One error of template `i`, or None when the template does not occur on that page/browser.
pub(super) fn error_template(rng: &mut R, i: usize, page: &Page, s: &Session) -> Option<ErrSpec> {
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
