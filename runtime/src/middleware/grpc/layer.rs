//! The layer: what `Server::layer` takes; clones share one [`Shared`].

use std::sync::Arc;

use super::config::{Config, GrpcMetricsLayerBuilder};
use super::service::GrpcMetrics;
use super::shared::Shared;

/// A tower layer recording go-grpc-middleware's `grpc_server_*` series for
/// a tonic server. See the [module docs](super) for the series and an example.
///
/// Clones share their handles.
#[derive(Clone)]
pub struct GrpcMetricsLayer {
    shared: Arc<Shared>,
}

impl GrpcMetricsLayer {
    /// Starts configuring a layer.
    pub fn builder() -> GrpcMetricsLayerBuilder {
        GrpcMetricsLayerBuilder::default()
    }

    pub(super) fn from_config(config: &'static Config) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }
}

impl std::fmt::Debug for GrpcMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let methods = self.shared.config().methods.len() - 1;
        f.debug_struct("GrpcMetricsLayer")
            .field("methods", &methods)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for GrpcMetricsLayer {
    type Service = GrpcMetrics<S>;

    fn layer(&self, inner: S) -> GrpcMetrics<S> {
        GrpcMetrics::new(inner, Arc::clone(&self.shared))
    }
}
