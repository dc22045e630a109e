//! What a [`GrpcClientMetricsLayer`](super::GrpcClientMetricsLayer) records:
//! the server builder's settings, with the client's names and defaults.

use crate::middleware::grpc::config::{GrpcMetricsLayerBuilder, GrpcNaming, Side};
use crate::middleware::grpc::methods::GrpcMethod;

/// Configures a [`GrpcClientMetricsLayer`](super::GrpcClientMetricsLayer);
/// from [`GrpcClientMetricsLayer::builder`](super::GrpcClientMetricsLayer::builder).
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct GrpcClientMetricsLayerBuilder {
    pub(super) inner: GrpcMetricsLayerBuilder,
}

impl Default for GrpcClientMetricsLayerBuilder {
    fn default() -> Self {
        Self {
            inner: GrpcMetricsLayerBuilder {
                side: Side::Client,
                // go-grpc-middleware's client records no histogram unless asked.
                histogram: false,
                ..GrpcMetricsLayerBuilder::default()
            },
        }
    }
}

impl GrpcClientMetricsLayerBuilder {
    fn map(self, f: impl FnOnce(GrpcMetricsLayerBuilder) -> GrpcMetricsLayerBuilder) -> Self {
        Self {
            inner: f(self.inner),
        }
    }

    /// Registers the methods of service `name` (fully qualified,
    /// `pkg.Service`) found in `descriptor_set`, the encoded
    /// `FileDescriptorSet` the client was generated from. A set without
    /// that service makes [`build`](Self::build) fail.
    pub fn service(self, name: &str, descriptor_set: &[u8]) -> Self {
        self.map(|inner| inner.service_named(name, descriptor_set))
    }

    /// Registers every method of every service in `descriptor_set`.
    pub fn descriptor_set(self, descriptor_set: &[u8]) -> Self {
        self.map(|inner| inner.descriptor_set(descriptor_set))
    }

    /// Registers methods from a hand-written or generated table.
    pub fn methods(self, methods: impl IntoIterator<Item = GrpcMethod>) -> Self {
        self.map(|inner| inner.methods(methods))
    }

    /// Builds a layer with no registered method: every call is labelled
    /// `unknown` (`_OTHER` for the OpenTelemetry naming). Without this,
    /// [`build`](Self::build) refuses a builder given no method.
    pub fn without_methods(self) -> Self {
        self.map(GrpcMetricsLayerBuilder::without_methods)
    }

    /// The naming convention (default go-grpc-middleware's);
    /// [`GrpcNaming::OpenTelemetry`] records
    /// `rpc_client_call_duration_seconds{rpc_system_name, rpc_method, rpc_status_code}`.
    pub fn naming(self, naming: GrpcNaming) -> Self {
        self.map(|inner| inner.naming(naming))
    }

    /// Records `grpc_client_handling_seconds` (default off, as
    /// go-grpc-middleware's `WithClientHandlingTimeHistogram`). The
    /// OpenTelemetry naming always records its duration histogram.
    pub fn handling_time_histogram(self, enabled: bool) -> Self {
        self.map(|inner| inner.handling_time_histogram(enabled))
    }

    /// Bucket upper bounds of the duration histogram, in seconds (default
    /// [`crate::buckets::PROMETHEUS_DEFAULT`], or
    /// [`crate::buckets::OTEL_DURATION`] for the OpenTelemetry naming).
    pub fn buckets(self, buckets: &[f64]) -> Self {
        self.map(|inner| inner.buckets(buckets))
    }

    /// Puts `{namespace}_` before every name, as go-grpc-middleware's `WithNamespace`.
    pub fn namespace(self, namespace: impl Into<String>) -> Self {
        self.map(|inner| inner.namespace(namespace))
    }

    /// Adds a label with one value to every series, as go-grpc-middleware's `WithConstLabels`.
    pub fn const_label(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|inner| inner.const_label(name, value))
    }

    /// The codes whose `handled` series are pre-created at zero for every
    /// registered method (default all 17).
    pub fn precreated_codes(self, codes: &[tonic::Code]) -> Self {
        self.map(|inner| inner.precreated_codes(codes))
    }
}
