//! The routes exporters serve (`/metrics`, the probes, `/status`, ...).
//!
//! An exporter registers every route of its router here when it builds the
//! router, from the same table it routes with, so the list cannot drift from
//! what is served. The HTTP layer's default exclusions are these routes: a
//! scrape or a probe is not application traffic.

use std::sync::{PoisonError, RwLock};

static ROUTES: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());

/// Adds `routes` (axum route templates, such as `/readyz/{check}`) to the
/// routes exporters serve. Registering a route twice is harmless.
pub fn register(routes: &[&'static str]) {
    let mut known = ROUTES.write().unwrap_or_else(PoisonError::into_inner);
    for route in routes {
        if !known.contains(route) {
            known.push(route);
        }
    }
}

/// Whether an exporter has registered `route`.
pub fn contains(route: &str) -> bool {
    ROUTES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(&route)
}

/// Every registered route, in registration order.
pub fn all() -> Vec<&'static str> {
    ROUTES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn registered_routes_are_known_once() {
        super::register(&["/exporter-routes-test", "/exporter-routes-test"]);
        assert!(super::contains("/exporter-routes-test"));
        assert!(!super::contains("/exporter-routes-test/other"));
        let all = super::all();
        assert_eq!(
            all.iter()
                .filter(|route| **route == "/exporter-routes-test")
                .count(),
            1
        );
    }
}
