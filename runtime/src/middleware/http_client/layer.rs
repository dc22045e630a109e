//! The layer: what goes around an HTTP client; clones share one [`Shared`].

use std::sync::Arc;

use super::config::{Config, HttpClientMetricsLayerBuilder};
use super::service::HttpClientMetrics;
use super::shared::Shared;

/// A tower layer recording OpenTelemetry's HTTP client series for any
/// tower HTTP client service. See the [module docs](super) for the series
/// and an example.
///
/// Clones share their handles.
#[derive(Clone)]
pub struct HttpClientMetricsLayer {
    shared: Arc<Shared>,
}

impl HttpClientMetricsLayer {
    /// Starts configuring a layer.
    pub fn builder() -> HttpClientMetricsLayerBuilder {
        HttpClientMetricsLayerBuilder::default()
    }

    #[cfg_attr(not(feature = "reqwest-middleware"), allow(dead_code))]
    pub(super) fn shared(&self) -> &Shared {
        &self.shared
    }

    pub(super) fn from_config(config: &'static Config) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }
}

impl std::fmt::Debug for HttpClientMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClientMetricsLayer")
            .field("requests", &self.shared.config().requests)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for HttpClientMetricsLayer {
    type Service = HttpClientMetrics<S>;

    fn layer(&self, inner: S) -> HttpClientMetrics<S> {
        HttpClientMetrics::new(inner, Arc::clone(&self.shared))
    }
}
