//! `/`: the live page a person opens. Links to every endpoint; health, states
//! and build info; a chart per family, drawn in the browser from successive
//! scrapes of `/metrics` (rates, error ratios, p50/p95/p99 from histogram
//! buckets, gauges over the last minutes).
//!
//! Everything is in the binary: one HTML document with its CSS and
//! hand-written JavaScript inline, charts in SVG, no external request (the
//! `Content-Security-Policy` forbids any). The page itself carries no data:
//! it fetches `/metrics`, `/status` and the probes like any client, with
//! the bearer token the user enters, so without the token it shows nothing
//! the token protects.

use axum::response::{Html, IntoResponse, Response};
use http::header;

/// The page, assembled at compile time from its parts under `page/`.
const PAGE: &str = concat!(
    include_str!("page/head.html"),
    include_str!("page/page.css"),
    include_str!("page/body.html"),
    include_str!("page/page.js"),
    include_str!("page/tail.html"),
);

/// Only the page's own inline script and style, and requests to its origin.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; connect-src 'self'; \
     script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(super) async fn page() -> Response {
    (
        [
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Html(PAGE),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::PAGE;

    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        // The SVG namespace is a name, not a request.
        let page = PAGE.replace("\"http://www.w3.org/2000/svg\"", "");
        for external in ["http://", "https://", "//cdn", "@import", "url("] {
            assert!(!page.contains(external), "the page mentions `{external}`");
        }
        assert!(PAGE.starts_with("<!doctype html>"));
        assert!(PAGE.trim_end().ends_with("</html>"));
    }
}
