//! The layer and its shared state.

use std::sync::{Arc, OnceLock};

use super::GrpcMetrics;
use super::config::{Config, GrpcMetricsLayerBuilder};
use super::handles::{MethodCache, MethodHandles};
use crate::recorder_identity::{self, AMBIENT_SLOTS};

/// A tower layer recording go-grpc-middleware's `grpc_server_*` series for
/// a tonic server. See the [module docs](super) for the series and an example.
///
/// Clones share their handles.
#[derive(Clone)]
pub struct GrpcMetricsLayer {
    state: Arc<State>,
}

pub(super) struct State {
    config: &'static Config,
    caches: [OnceLock<MethodCache>; AMBIENT_SLOTS],
}

impl GrpcMetricsLayer {
    /// Starts configuring a layer.
    pub fn builder() -> GrpcMetricsLayerBuilder {
        GrpcMetricsLayerBuilder::default()
    }

    pub(super) fn from_config(config: &'static Config) -> Self {
        Self {
            state: Arc::new(State {
                config,
                caches: [OnceLock::new(), OnceLock::new()],
            }),
        }
    }
}

impl std::fmt::Debug for GrpcMetricsLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let methods = self.state.config.methods.len() - 1;
        f.debug_struct("GrpcMetricsLayer")
            .field("methods", &methods)
            .finish_non_exhaustive()
    }
}

impl<S> tower::Layer<S> for GrpcMetricsLayer {
    type Service = GrpcMetrics<S>;

    fn layer(&self, inner: S) -> GrpcMetrics<S> {
        GrpcMetrics::new(inner, Arc::clone(&self.state))
    }
}

impl State {
    /// The handles of the method at `path` under the current recorder.
    pub(super) fn resolve(&self, path: &str) -> Arc<MethodHandles> {
        let config = self.config;
        let index = config.method_index(path);
        metrics::with_recorder(|recorder| match recorder_identity::ambient_slot(recorder) {
            Some(slot) => self.caches[slot]
                .get_or_init(|| MethodCache::new(config))
                .get(config, index, slot, recorder),
            None => Arc::new(MethodHandles::current(config, index, recorder)),
        })
    }
}
