//! Building a layer: check the builder, leak the names, declare both
//! families, make the layer.

use super::config::{Config, DEFAULT_MAX_SERVERS, HttpClientMetricsLayerBuilder};
use super::labels::{ERROR_TYPE, METHOD, SERVER_ADDRESS, SERVER_PORT, STATUS_CODE};
use super::layer::HttpClientMetricsLayer;
use crate::buckets;
use crate::catalogue::{LabelValues, MetricKind, Unit};
use crate::declare::{
    ConfigError, Declaration, check_buckets, check_metric_name, leak, leak_slice,
};
use crate::middleware::method_label::METHOD_LABELS;

impl HttpClientMetricsLayerBuilder {
    /// Checks the configuration, declares both families in the
    /// [catalogue](mod@crate::catalogue) and returns the layer.
    ///
    /// Declarations are kept for the life of the process: build the layer
    /// once and clone it.
    #[track_caller]
    pub fn build(self) -> Result<HttpClientMetricsLayer, ConfigError> {
        if let Some(error) = self.errors.first() {
            return Err(error.clone());
        }
        let prefix = match &self.namespace {
            Some(namespace) => {
                check_metric_name("namespace", namespace)?;
                format!("{namespace}_")
            }
            None => String::new(),
        };
        let buckets = self
            .buckets
            .unwrap_or_else(|| buckets::OTEL_DURATION.to_vec());
        check_buckets("buckets", &buckets)?;
        let config: &'static Config = Box::leak(Box::new(Config {
            requests: leak(format!("{prefix}http_client_requests_total")),
            duration: leak(format!("{prefix}http_client_request_duration_seconds")),
            server_address: self.server_address.map(leak),
            max_servers: self.max_servers.unwrap_or(DEFAULT_MAX_SERVERS),
            module: module_path!(),
        }));
        declare(config, leak_slice(buckets));
        Ok(HttpClientMetricsLayer::from_config(config))
    }
}

/// Declares both families; every label but the method is open, so no
/// series is pre-created.
#[track_caller]
fn declare(config: &'static Config, buckets: &'static [f64]) {
    let labels = || {
        vec![
            (METHOD, LabelValues::Known(&METHOD_LABELS)),
            (SERVER_ADDRESS, LabelValues::Open),
            (SERVER_PORT, LabelValues::Open),
            (STATUS_CODE, LabelValues::Open),
            (ERROR_TYPE, LabelValues::Open),
        ]
    };
    Declaration {
        name: config.requests,
        kind: MetricKind::Counter,
        help: "HTTP client requests finished, by method, server, status code and error type.",
        unit: None,
        labels: labels(),
        buckets: &[],
    }
    .declare(config.module);
    Declaration {
        name: config.duration,
        kind: MetricKind::Histogram,
        help: "Duration of HTTP client requests.",
        unit: Some(Unit::Seconds),
        labels: labels(),
        buckets,
    }
    .declare(config.module);
}
