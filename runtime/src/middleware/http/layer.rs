//! The layer: what `Router::layer` takes; clones share one [`Shared`].

use std::sync::Arc;

use super::config::{Config, HttpMetricsLayerBuilder};
use super::service::HttpMetrics;
use super::shared::Shared;

/// A tower layer recording HTTP server metrics per method, route template
/// and status. See the [module docs](super) for the series and an example.
///
/// Clones share their handles; add it to the final axum `Router` (after
/// `merge`, `nest` and `fallback`) with `Router::layer`, so it sees every
/// request and the matched route is known when it runs (see
/// [where the layer goes](super#where-the-layer-goes)).
#[derive(Clone)]
pub struct HttpMetricsLayer {
    shared: Arc<Shared>,
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
            shared: Arc::new(Shared::new(config)),
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
            .field("requests", &self.shared.config().requests)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;

    fn layer(&self, inner: S) -> HttpMetrics<S> {
        HttpMetrics::new(inner, Arc::clone(&self.shared))
    }
}
