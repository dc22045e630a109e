//! What exporters serve (`/metrics`, the probes, `/status`, ...).
//!
//! An exporter marks every answer of its own with [`ServedByExporter`] (a
//! response extension), and the HTTP layer does not count marked requests
//! by default: a scrape or a probe is not application traffic. The mark is
//! per answer, not per path, so an application's own `/status` or `/` on
//! another router is still counted.
//!
//! An exporter also registers the route templates it serves here, from the
//! same table it routes with, for whoever lists them (a page's links, docs).

use std::sync::{PoisonError, RwLock};

static ROUTES: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());

/// The response extension an exporter puts on each of its answers. The HTTP
/// layer leaves requests answered with it uncounted, unless
/// `no_default_exclusions()` asks to count them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServedByExporter;

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
