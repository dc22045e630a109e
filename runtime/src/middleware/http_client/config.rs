//! What an [`HttpClientMetricsLayer`](super::HttpClientMetricsLayer)
//! records, fixed when it is built.

use crate::declare::ConfigError;

/// Distinct servers (address and port) a layer labels by name by default;
/// later ones share `server_address="_OTHER"`.
pub const DEFAULT_MAX_SERVERS: usize = 64;

/// The layer's settings, leaked once per layer so handles can borrow them.
pub(super) struct Config {
    pub(super) requests: &'static str,
    pub(super) duration: &'static str,
    /// The `server_address` of every request, when configured.
    pub(super) server_address: Option<&'static str>,
    pub(super) max_servers: usize,
    pub(super) module: &'static str,
}

impl Config {
    pub(super) fn metadata(&self) -> metrics::Metadata<'static> {
        metrics::Metadata::new(self.module, metrics::Level::INFO, Some(self.module))
    }
}

/// Configures an [`HttpClientMetricsLayer`](super::HttpClientMetricsLayer);
/// from [`HttpClientMetricsLayer::builder`](super::HttpClientMetricsLayer::builder).
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct HttpClientMetricsLayerBuilder {
    pub(super) namespace: Option<String>,
    pub(super) server_address: Option<String>,
    pub(super) max_servers: Option<usize>,
    pub(super) buckets: Option<Vec<f64>>,
    pub(super) errors: Vec<ConfigError>,
}

impl HttpClientMetricsLayerBuilder {
    /// Puts `{namespace}_` before both names.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Labels every request `server_address="{address}"` (the name the
    /// client was configured with, as OpenTelemetry prefers) instead of
    /// the host of its URI.
    pub fn server_address(mut self, address: impl Into<String>) -> Self {
        self.server_address = Some(address.into());
        self
    }

    /// How many distinct servers (address and port) get their own labels
    /// (default [`DEFAULT_MAX_SERVERS`]); requests to later ones are
    /// labelled `server_address="_OTHER"`, `server_port="_OTHER"`.
    pub fn max_servers(mut self, max: usize) -> Self {
        if max == 0 {
            self.errors.push(ConfigError::new(
                "invalid `max_servers`: expected at least 1".to_owned(),
            ));
        }
        self.max_servers = Some(max);
        self
    }

    /// Bucket upper bounds of the duration histogram, in seconds (default
    /// [`crate::buckets::OTEL_DURATION`], OpenTelemetry's advice).
    pub fn buckets(mut self, buckets: &[f64]) -> Self {
        self.buckets = Some(buckets.to_vec());
        self
    }
}
