//! What every clone of a layer and its services share: the configuration,
//! the route caches per ambient recorder, the placement check; and the
//! start of a request.

use super::config::Config;
use super::guard::RequestGuard;
use super::handles::{Resolved, RouteCache, method_index, resolve_uncached};
use super::placement::Placement;
use crate::exporter_routes;
use crate::per_recorder::PerRecorder;

/// The state one layer's services share.
pub(super) struct Shared {
    config: &'static Config,
    placement: Placement,
    caches: PerRecorder<RouteCache>,
}

impl Shared {
    pub(super) fn new(config: &'static Config) -> Self {
        Self {
            config,
            placement: Placement::default(),
            caches: PerRecorder::new(),
        }
    }

    pub(super) fn config(&self) -> &'static Config {
        self.config
    }
}

impl Shared {
    /// Starts counting a request; `None` for excluded routes.
    pub(super) fn start(
        &self,
        route: Option<&str>,
        method: &http::Method,
        request_bytes: Option<u64>,
    ) -> Option<RequestGuard> {
        let config = self.config;
        self.placement.observe(route.is_some(), config.requests);
        let request_bytes = request_bytes.filter(|_| config.request_size.is_some());
        let method = method_index(method);
        // A request on an exporter's route is most likely the exporter's
        // (a scrape, a probe), which goes uncounted: resolving it now would
        // put a `route="/metrics"` series on the in-flight gauge, reading 1
        // during every scrape. Its answer decides.
        if config.exclude_exporter_routes {
            if let Some(route) = route.filter(|route| exporter_routes::contains(route)) {
                return match resolve_uncached(config, route, method) {
                    Resolved::Direct(labels) => {
                        Some(RequestGuard::deferred(config, labels, request_bytes))
                    }
                    _ => None,
                };
            }
        }
        let resolved = self.caches.with(
            |_| RouteCache::new(config),
            |recorder, cached| match cached {
                Some(cache) => cache.resolve(config, cache.registrar(), recorder, route, method),
                None => resolve_uncached(config, route.unwrap_or(config.unmatched_route), method),
            },
        );
        match resolved {
            Resolved::Excluded => None,
            Resolved::Cached(handles) => Some(RequestGuard::cached(config, handles, request_bytes)),
            Resolved::Direct(labels) => Some(RequestGuard::direct(config, labels, request_bytes)),
        }
    }
}
