//! The layer and its shared state.

use std::sync::{Arc, OnceLock};

use super::HttpMetrics;
use super::config::{Config, HttpMetricsLayerBuilder};
use super::guard::RequestGuard;
use super::handles::{Resolved, RouteCache, method_index, resolve_uncached};
use super::placement::Placement;
use crate::recorder_identity::{self, AMBIENT_SLOTS};

/// A tower layer recording HTTP server metrics per method, route template
/// and status. See the [module docs](super) for the series and an example.
///
/// Clones share their handles; add it to the final axum `Router` (after
/// `merge`, `nest` and `fallback`) with `Router::layer`, so it sees every
/// request and the matched route is known when it runs (see
/// [where the layer goes](super#where-the-layer-goes)).
#[derive(Clone)]
pub struct HttpMetricsLayer {
    state: Arc<State>,
}

pub(super) struct State {
    config: &'static Config,
    placement: Placement,
    caches: [OnceLock<RouteCache>; AMBIENT_SLOTS],
}

impl HttpMetricsLayer {
    /// The default layer: `http_server_*` series labelled `method`, `route`
    /// and `status`, metrics and health endpoints excluded.
    #[track_caller]
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the default configuration is valid")
    }

    /// Starts configuring a layer.
    pub fn builder() -> HttpMetricsLayerBuilder {
        HttpMetricsLayerBuilder::default()
    }

    pub(super) fn from_config(config: &'static Config) -> Self {
        Self {
            state: Arc::new(State {
                config,
                placement: Placement::default(),
                caches: [OnceLock::new(), OnceLock::new()],
            }),
        }
    }
}

impl Default for HttpMetricsLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for HttpMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpMetricsLayer")
            .field("requests", &self.state.config.requests)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;

    fn layer(&self, inner: S) -> HttpMetrics<S> {
        HttpMetrics::new(inner, Arc::clone(&self.state))
    }
}

impl State {
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
        let resolved =
            metrics::with_recorder(|recorder| match recorder_identity::ambient_slot(recorder) {
                Some(slot) => {
                    let cache = self.caches[slot].get_or_init(|| RouteCache::new(config));
                    cache.resolve(config, slot, recorder, route, method)
                }
                None => resolve_uncached(config, route.unwrap_or(config.unmatched_route), method),
            });
        match resolved {
            Resolved::Excluded => None,
            Resolved::Cached(handles) => Some(RequestGuard::cached(handles, request_bytes)),
            Resolved::Direct(labels) => Some(RequestGuard::direct(config, labels, request_bytes)),
        }
    }
}
