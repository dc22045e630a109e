//! Detects a layer placed where axum has not matched the route yet.
//!
//! `MatchedPath` is set by the router when it matches a route, so a layer
//! added with `Router::layer` sees it on every request that matched. A layer
//! wrapped around the whole router (`layer.layer(router)`, or
//! `ServiceBuilder` around it) never does, and labels every request as
//! unmatched. After [`UNMATCHED_BEFORE_WARNING`] requests without a single
//! matched one, this warns once through `tracing`.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// How many requests without a matched route, and none with one, make the
/// placement suspicious.
pub(super) const UNMATCHED_BEFORE_WARNING: u32 = 64;

/// What one layer has seen of matched routes.
#[derive(Default)]
pub(super) struct Placement {
    matched_seen: AtomicBool,
    unmatched: AtomicU32,
}

impl Placement {
    /// Notes one request; `matched` is whether it carried a `MatchedPath`.
    /// Costs one relaxed load once a matched route has been seen.
    pub(super) fn observe(&self, matched: bool, requests_label: &str) {
        if self.matched_seen.load(Ordering::Relaxed) {
            return;
        }
        if matched {
            self.matched_seen.store(true, Ordering::Relaxed);
            return;
        }
        let seen = self.unmatched.fetch_add(1, Ordering::Relaxed) + 1;
        if seen == UNMATCHED_BEFORE_WARNING && !self.matched_seen.load(Ordering::Relaxed) {
            tracing::warn!(
                metric = requests_label,
                requests = seen,
                "HttpMetricsLayer has seen {seen} requests and no matched route: it probably wraps \
                 the router instead of being added with `Router::layer` on the final router \
                 (after `merge`, `nest` and `fallback`), so every request is labelled unmatched"
            );
        }
    }
}
