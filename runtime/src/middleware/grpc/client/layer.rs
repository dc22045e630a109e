//! The client layer: what goes around a `Channel`; clones share one [`Shared`].

use std::sync::Arc;

use super::builder::GrpcClientMetricsLayerBuilder;
use super::service::GrpcClientMetrics;
use crate::middleware::grpc::config::Config;
use crate::middleware::grpc::shared::Shared;

/// A tower layer recording go-grpc-middleware's `grpc_client_*` series for
/// a tonic client. See the [module docs](crate::middleware::grpc#client-side)
/// for the series and an example.
///
/// Clones share their handles.
#[derive(Clone)]
pub struct GrpcClientMetricsLayer {
    shared: Arc<Shared>,
}

impl GrpcClientMetricsLayer {
    /// Starts configuring a layer.
    pub fn builder() -> GrpcClientMetricsLayerBuilder {
        GrpcClientMetricsLayerBuilder::default()
    }

    pub(super) fn from_config(config: &'static Config) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }
}

impl std::fmt::Debug for GrpcClientMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let methods = self.shared.config().methods.len() - 1;
        f.debug_struct("GrpcClientMetricsLayer")
            .field("methods", &methods)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for GrpcClientMetricsLayer {
    type Service = GrpcClientMetrics<S>;

    fn layer(&self, inner: S) -> GrpcClientMetrics<S> {
        GrpcClientMetrics::new(inner, Arc::clone(&self.shared))
    }
}
