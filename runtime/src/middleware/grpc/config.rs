//! What a [`GrpcMetricsLayer`](super::GrpcMetricsLayer) records, fixed when it is built.

use metrics::Label;

use super::GrpcMetricsLayer;
use super::methods::{GrpcMethod, methods_from_descriptor_set};
use super::status::{CODES, OTEL_CODE_NAMES};
use crate::buckets;
use crate::declare::{
    ConfigError, check_buckets, check_label_name, check_metric_name, leak, leak_slice,
};
use crate::status::GRPC_CODE_NAMES;

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

/// The labels of one method (or of unknown calls), in series order.
pub(super) struct MethodLabels {
    pub(super) labels: &'static [Label],
}

/// The layer's settings, leaked once per layer so handles can borrow them.
pub(super) struct Config {
    pub(super) naming: GrpcNaming,
    pub(super) started: &'static str,
    pub(super) handled: &'static str,
    pub(super) received: &'static str,
    pub(super) sent: &'static str,
    /// The duration histogram: go's (no code label) when `naming` is
    /// go-grpc-middleware, OpenTelemetry's (by code) otherwise.
    pub(super) duration: Option<&'static str>,
    pub(super) code_label: &'static str,
    pub(super) code_names: &'static [&'static str],
    /// Registered methods in registration order, then unknown calls.
    pub(super) methods: &'static [MethodLabels],
    /// `(path, index in methods)`, sorted by path.
    pub(super) paths: &'static [(&'static str, usize)],
    pub(super) module: &'static str,
}

impl Config {
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

/// Configures a [`GrpcMetricsLayer`]; from [`GrpcMetricsLayer::builder`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct GrpcMetricsLayerBuilder {
    methods: Vec<GrpcMethod>,
    /// Set by [`GrpcMetricsLayerBuilder::without_methods`].
    without_methods: bool,
    errors: Vec<ConfigError>,
    naming: GrpcNaming,
    histogram: bool,
    buckets: Option<Vec<f64>>,
    namespace: Option<String>,
    const_labels: Vec<(String, String)>,
    precreated_codes: Vec<usize>,
}

impl Default for GrpcMetricsLayerBuilder {
    fn default() -> Self {
        Self {
            methods: Vec::new(),
            without_methods: false,
            errors: Vec::new(),
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
    pub fn service<S: tonic::server::NamedService>(mut self, descriptor_set: &[u8]) -> Self {
        match methods_from_descriptor_set(descriptor_set) {
            Ok(methods) => {
                let before = self.methods.len();
                self.methods.extend(
                    methods
                        .into_iter()
                        .filter(|method| method.service() == S::NAME),
                );
                if self.methods.len() == before {
                    self.errors.push(ConfigError::new(format!(
                        "service `{}` has no methods in the file descriptor set",
                        S::NAME
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
    /// [`buckets::PROMETHEUS_DEFAULT`], go-grpc-middleware's, or
    /// [`buckets::OTEL_DURATION`] for the OpenTelemetry naming).
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

    /// Checks the configuration, declares every series in the
    /// [catalogue](mod@crate::catalogue), pre-creates the zero series of every
    /// registered method under the current recorder, and returns the layer.
    ///
    /// Declarations are kept for the life of the process: build the layer
    /// once and clone it.
    #[track_caller]
    pub fn build(self) -> Result<GrpcMetricsLayer, ConfigError> {
        if let Some(error) = self.errors.into_iter().next() {
            return Err(error);
        }
        if self.methods.is_empty() && !self.without_methods {
            return Err(ConfigError::new(
                "no gRPC method is registered, so every call would be labelled `unknown`: \
                 register each tonic service with `service::<S>(descriptor_set)` (or give \
                 `descriptor_set(..)` or `methods(..)`), or call `without_methods()` to \
                 label every call `unknown` on purpose"
                    .to_owned(),
            ));
        }
        let prefix = match &self.namespace {
            Some(namespace) => {
                check_metric_name("namespace", namespace)?;
                format!("{namespace}_")
            }
            None => String::new(),
        };
        for (name, _) in &self.const_labels {
            check_label_name("const_label", name)?;
        }
        let otel = self.naming == GrpcNaming::OpenTelemetry;
        let buckets = self.buckets.unwrap_or_else(|| {
            if otel {
                buckets::OTEL_DURATION
            } else {
                buckets::PROMETHEUS_DEFAULT
            }
            .to_vec()
        });
        check_buckets("buckets", &buckets)?;
        let mut methods = self.methods;
        let mut seen = std::collections::HashSet::new();
        methods.retain(|method| seen.insert(method.path()));
        let const_labels: Vec<Label> = self
            .const_labels
            .into_iter()
            .map(|(name, value)| Label::from_static_parts(leak(name), leak(value)))
            .collect();
        let labels_of = |parts: Vec<(&'static str, &'static str)>| MethodLabels {
            labels: leak_slice(
                parts
                    .into_iter()
                    .map(|(name, value)| Label::from_static_parts(name, value))
                    .chain(const_labels.iter().cloned())
                    .collect(),
            ),
        };
        let mut labels: Vec<MethodLabels> = methods
            .iter()
            .map(|method| {
                labels_of(if otel {
                    vec![
                        ("rpc_system_name", "grpc"),
                        (
                            "rpc_method",
                            leak(format!("{}/{}", method.service(), method.method())),
                        ),
                    ]
                } else {
                    vec![
                        ("grpc_type", method.kind().as_str()),
                        ("grpc_service", leak(method.service())),
                        ("grpc_method", leak(method.method())),
                    ]
                })
            })
            .collect();
        labels.push(labels_of(if otel {
            vec![("rpc_system_name", "grpc"), ("rpc_method", "_OTHER")]
        } else {
            vec![
                ("grpc_type", "unknown"),
                ("grpc_service", "unknown"),
                ("grpc_method", "unknown"),
            ]
        }));
        let mut paths: Vec<(&'static str, usize)> = methods
            .iter()
            .enumerate()
            .map(|(index, method)| (leak(method.path()), index))
            .collect();
        paths.sort_unstable();
        let name = |suffix: &str| leak(format!("{prefix}{suffix}"));
        let config: &'static Config = Box::leak(Box::new(Config {
            naming: self.naming,
            started: name("grpc_server_started_total"),
            handled: name("grpc_server_handled_total"),
            received: name("grpc_server_msg_received_total"),
            sent: name("grpc_server_msg_sent_total"),
            duration: if otel {
                Some(name("rpc_server_call_duration_seconds"))
            } else {
                self.histogram.then(|| name("grpc_server_handling_seconds"))
            },
            code_label: if otel { "rpc_status_code" } else { "grpc_code" },
            code_names: if otel {
                &OTEL_CODE_NAMES
            } else {
                GRPC_CODE_NAMES
            },
            methods: leak_slice(labels),
            paths: leak_slice(paths),
            module: module_path!(),
        }));
        let codes = leak_slice(
            self.precreated_codes
                .iter()
                .map(|code| config.code_names[*code])
                .collect(),
        );
        super::declare::declare(config, leak_slice(buckets), codes);
        Ok(GrpcMetricsLayer::from_config(config))
    }
}
