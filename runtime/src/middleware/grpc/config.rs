//! What a [`GrpcMetricsLayer`](super::GrpcMetricsLayer) records, fixed when it is built.

use metrics::Label;

use super::codes::CODES;
use super::descriptor::methods_from_descriptor_set;
use super::methods::GrpcMethod;
use crate::declare::ConfigError;

/// Which naming convention the series follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GrpcNaming {
    /// go-grpc-middleware's `grpc_server_*` counters and histogram, labelled
    /// `grpc_type`, `grpc_service`, `grpc_method` (and `grpc_code`).
    #[default]
    GoGrpcMiddleware,
    /// OpenTelemetry's `rpc.server.call.duration` as Prometheus spells it:
    /// `rpc_server_call_duration_seconds{rpc_system_name, rpc_method,
    /// rpc_status_code}` with `rpc_method="pkg.Service/Method"` and codes
    /// as `NOT_FOUND`; unknown methods are `_OTHER`.
    OpenTelemetry,
}

/// Which end of a call a layer measures: `grpc_server_*` or `grpc_client_*`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Side {
    #[default]
    Server,
    Client,
}

impl Side {
    /// The word in the series' names: `server` or `client`.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Side::Server => "server",
            Side::Client => "client",
        }
    }
}

/// The labels of one method (or of unknown calls), in series order.
pub(super) struct MethodLabels {
    pub(super) labels: &'static [Label],
    /// How the method streams; `None` for unknown calls.
    pub(super) kind: Option<super::methods::GrpcType>,
}

/// The layer's settings, leaked once per layer so handles can borrow them.
pub(super) struct Config {
    pub(super) naming: GrpcNaming,
    pub(super) started: Option<&'static str>,
    pub(super) handled: Option<&'static str>,
    pub(super) side: Side,
    /// The counter of request messages (`msg_received` on a server, `msg_sent` on a client).
    pub(super) request_messages: Option<&'static str>,
    /// The counter of response messages (`msg_sent` on a server, `msg_received` on a client).
    pub(super) response_messages: Option<&'static str>,
    /// The duration histogram: go's (no code label) when `naming` is
    /// go-grpc-middleware, OpenTelemetry's (by code) otherwise.
    pub(super) duration: Option<&'static str>,
    pub(super) code_label: &'static str,
    pub(super) code_names: &'static [&'static str],
    /// Registered methods in registration order, then unknown calls.
    pub(super) methods: &'static [MethodLabels],
    /// `(path, index in methods)`, sorted by path.
    pub(super) paths: &'static [(&'static str, usize)],
    /// The codes whose `handled` series are pre-created.
    pub(super) precreated_codes: &'static [usize],
    pub(super) module: &'static str,
}

impl Config {
    /// The family labelled by code: go's `handled` counter, or
    /// OpenTelemetry's duration histogram.
    pub(super) fn coded_family(&self) -> &'static str {
        self.handled.or(self.duration).unwrap_or_default()
    }

    /// The index of the method at `path`; unknown paths share the last one.
    pub(super) fn method_index(&self, path: &str) -> usize {
        match self.paths.binary_search_by(|(known, _)| (*known).cmp(path)) {
            Ok(found) => self.paths[found].1,
            Err(_) => self.methods.len() - 1,
        }
    }

    pub(super) fn metadata(&self) -> metrics::Metadata<'static> {
        metrics::Metadata::new(self.module, metrics::Level::INFO, Some(self.module))
    }
}

/// Configures a [`GrpcMetricsLayer`](super::GrpcMetricsLayer); from
/// [`GrpcMetricsLayer::builder`](super::GrpcMetricsLayer::builder).
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct GrpcMetricsLayerBuilder {
    pub(super) methods: Vec<GrpcMethod>,
    /// Set by [`GrpcMetricsLayerBuilder::without_methods`].
    pub(super) without_methods: bool,
    pub(super) errors: Vec<ConfigError>,
    pub(super) side: Side,
    pub(super) naming: GrpcNaming,
    pub(super) histogram: bool,
    pub(super) buckets: Option<Vec<f64>>,
    pub(super) namespace: Option<String>,
    pub(super) const_labels: Vec<(String, String)>,
    pub(super) precreated_codes: Vec<usize>,
}

impl Default for GrpcMetricsLayerBuilder {
    fn default() -> Self {
        Self {
            methods: Vec::new(),
            without_methods: false,
            errors: Vec::new(),
            side: Side::Server,
            naming: GrpcNaming::default(),
            histogram: true,
            buckets: None,
            namespace: None,
            const_labels: Vec::new(),
            precreated_codes: (0..CODES).collect(),
        }
    }
}

impl GrpcMetricsLayerBuilder {
    /// Registers the methods of tonic service `S` found in `descriptor_set`
    /// (the encoded `FileDescriptorSet` its code was generated from).
    ///
    /// Registered methods get their `grpc_type` and zero-valued series; a
    /// set without service `S::NAME` makes [`build`](Self::build) fail.
    pub fn service<S: tonic::server::NamedService>(self, descriptor_set: &[u8]) -> Self {
        self.service_named(S::NAME, descriptor_set)
    }

    /// Registers the methods of service `name` (`pkg.Service`) found in
    /// `descriptor_set`; what [`service`](Self::service) does with `S::NAME`.
    pub(super) fn service_named(mut self, name: &str, descriptor_set: &[u8]) -> Self {
        match methods_from_descriptor_set(descriptor_set) {
            Ok(methods) => {
                let before = self.methods.len();
                self.methods.extend(
                    methods
                        .into_iter()
                        .filter(|method| method.service() == name),
                );
                if self.methods.len() == before {
                    self.errors.push(ConfigError::new(format!(
                        "service `{name}` has no methods in the file descriptor set"
                    )));
                }
            }
            Err(error) => self.errors.push(error),
        }
        self
    }

    /// Registers every method of every service in `descriptor_set`.
    pub fn descriptor_set(mut self, descriptor_set: &[u8]) -> Self {
        match methods_from_descriptor_set(descriptor_set) {
            Ok(methods) => self.methods.extend(methods),
            Err(error) => self.errors.push(error),
        }
        self
    }

    /// Registers methods from a hand-written or generated table.
    pub fn methods(mut self, methods: impl IntoIterator<Item = GrpcMethod>) -> Self {
        self.methods.extend(methods);
        self
    }

    /// Builds a layer with no registered method: every call is labelled
    /// `unknown` (`_OTHER` for the OpenTelemetry naming) and no series is
    /// pre-created. Without this, [`build`](Self::build) refuses a builder
    /// given no service, descriptor set or method table, which is almost
    /// always a forgotten [`service`](Self::service).
    pub fn without_methods(mut self) -> Self {
        self.without_methods = true;
        self
    }

    /// The naming convention (default go-grpc-middleware's).
    pub fn naming(mut self, naming: GrpcNaming) -> Self {
        self.naming = naming;
        self
    }

    /// Records `grpc_server_handling_seconds` (default on; go-grpc-middleware
    /// leaves it off unless asked). The OpenTelemetry naming always records
    /// its duration histogram.
    pub fn handling_time_histogram(mut self, enabled: bool) -> Self {
        self.histogram = enabled;
        self
    }

    /// Bucket upper bounds of the duration histogram, in seconds (default
    /// [`crate::buckets::PROMETHEUS_DEFAULT`], go-grpc-middleware's, or
    /// [`crate::buckets::OTEL_DURATION`] for the OpenTelemetry naming).
    pub fn buckets(mut self, buckets: &[f64]) -> Self {
        self.buckets = Some(buckets.to_vec());
        self
    }

    /// Puts `{namespace}_` before every name, as go-grpc-middleware's `WithNamespace`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a label with one value to every series, as go-grpc-middleware's `WithConstLabels`.
    pub fn const_label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.const_labels.push((name.into(), value.into()));
        self
    }

    /// The codes whose `handled` series are pre-created at zero for every
    /// registered method (default all 17, as go-grpc-middleware's
    /// `InitializeMetrics`); other codes appear when they first happen.
    pub fn precreated_codes(mut self, codes: &[tonic::Code]) -> Self {
        self.precreated_codes = codes
            .iter()
            .map(|code| *code as usize)
            .filter(|code| *code < CODES)
            .collect();
        self
    }
}
