//! Building a client layer: the server builder's checks and declarations,
//! then the client's layer.

use super::builder::GrpcClientMetricsLayerBuilder;
use super::layer::GrpcClientMetricsLayer;
use crate::declare::ConfigError;

impl GrpcClientMetricsLayerBuilder {
    /// Checks the configuration, declares every series in the
    /// [catalogue](mod@crate::catalogue), pre-creates the zero series of every
    /// registered method under the current recorder, and returns the layer.
    ///
    /// Declarations are kept for the life of the process: build the layer
    /// once and clone it.
    #[track_caller]
    pub fn build(self) -> Result<GrpcClientMetricsLayer, ConfigError> {
        Ok(GrpcClientMetricsLayer::from_config(
            self.inner.build_config()?,
        ))
    }
}
