//! Building a layer in one-way steps: check the builder, leak the labels
//! of every method and the names of the chosen naming into a [`Config`],
//! declare its families, make the layer.

use metrics::Label;

use super::codes::OTEL_CODE_NAMES;
use super::config::{Config, GrpcMetricsLayerBuilder, GrpcNaming, MethodLabels, Side};
use super::layer::GrpcMetricsLayer;
use super::methods::GrpcMethod;
use crate::buckets;
use crate::declare::{
    ConfigError, check_buckets, check_label_name, check_metric_name, leak, leak_slice,
};
use crate::status::GRPC_CODE_NAMES;

impl GrpcMetricsLayerBuilder {
    /// Checks the configuration, declares every series in the
    /// [catalogue](mod@crate::catalogue), pre-creates the zero series of every
    /// registered method under the current recorder, and returns the layer.
    ///
    /// A builder given no service, descriptor set or method table is refused
    /// (every call would be `unknown`) unless
    /// [`without_methods`](Self::without_methods) says so.
    ///
    /// Declarations are kept for the life of the process: build the layer
    /// once and clone it.
    #[track_caller]
    pub fn build(self) -> Result<GrpcMetricsLayer, ConfigError> {
        Ok(GrpcMetricsLayer::from_config(self.build_config()?))
    }

    /// What [`build`](Self::build) does before making the layer: checks,
    /// leaks and declares; shared with the client layer's builder.
    #[track_caller]
    pub(super) fn build_config(self) -> Result<&'static Config, ConfigError> {
        let prefix = self.checked_prefix()?;
        let buckets = self.checked_buckets()?;
        let config = self.into_config(&prefix);
        let codes = leak_slice(
            config
                .precreated_codes
                .iter()
                .map(|code| config.code_names[*code])
                .collect(),
        );
        super::declare::declare(config, leak_slice(buckets), codes);
        Ok(config)
    }

    /// The builder's own errors, then the checks of the whole; the prefix
    /// of every name (`{namespace}_` or nothing).
    fn checked_prefix(&self) -> Result<String, ConfigError> {
        if let Some(error) = self.errors.first() {
            return Err(error.clone());
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
        for (name, _) in &self.const_labels {
            check_label_name("const_label", name)?;
        }
        match &self.namespace {
            Some(namespace) => {
                check_metric_name("namespace", namespace)?;
                Ok(format!("{namespace}_"))
            }
            None => Ok(String::new()),
        }
    }

    fn checked_buckets(&self) -> Result<Vec<f64>, ConfigError> {
        let buckets = self.buckets.clone().unwrap_or_else(|| {
            match self.naming {
                GrpcNaming::GoGrpcMiddleware => buckets::PROMETHEUS_DEFAULT,
                GrpcNaming::OpenTelemetry => buckets::OTEL_DURATION,
            }
            .to_vec()
        });
        check_buckets("buckets", &buckets)?;
        Ok(buckets)
    }

    /// Leaks what the handles borrow, once per layer: only the names the
    /// chosen naming records.
    fn into_config(self, prefix: &str) -> &'static Config {
        let otel = self.naming == GrpcNaming::OpenTelemetry;
        let mut methods = self.methods;
        let mut seen = std::collections::HashSet::new();
        methods.retain(|method| seen.insert(method.path()));
        let const_labels: Vec<Label> = self
            .const_labels
            .into_iter()
            .map(|(name, value)| Label::from_static_parts(leak(name), leak(value)))
            .collect();
        let mut labels: Vec<MethodLabels> = methods
            .iter()
            .map(|method| method_labels(self.naming, Some(method), &const_labels))
            .collect();
        labels.push(method_labels(self.naming, None, &const_labels));
        let mut paths: Vec<(&'static str, usize)> = methods
            .iter()
            .enumerate()
            .map(|(index, method)| (leak(method.path()), index))
            .collect();
        paths.sort_unstable();
        let side = self.side.as_str();
        let name = |suffix: &str| leak(format!("{prefix}{suffix}"));
        // The OpenTelemetry naming records one histogram; go's four
        // counters are neither built nor leaked for it.
        let go = |suffix: &str| (!otel).then(|| name(suffix));
        let (request_messages, response_messages) = match self.side {
            Side::Server => ("msg_received_total", "msg_sent_total"),
            Side::Client => ("msg_sent_total", "msg_received_total"),
        };
        Box::leak(Box::new(Config {
            naming: self.naming,
            side: self.side,
            started: go(&format!("grpc_{side}_started_total")),
            handled: go(&format!("grpc_{side}_handled_total")),
            request_messages: go(&format!("grpc_{side}_{request_messages}")),
            response_messages: go(&format!("grpc_{side}_{response_messages}")),
            duration: if otel {
                Some(name(&format!("rpc_{side}_call_duration_seconds")))
            } else {
                self.histogram
                    .then(|| name(&format!("grpc_{side}_handling_seconds")))
            },
            code_label: if otel { "rpc_status_code" } else { "grpc_code" },
            code_names: if otel {
                &OTEL_CODE_NAMES
            } else {
                GRPC_CODE_NAMES
            },
            methods: leak_slice(labels),
            paths: leak_slice(paths),
            precreated_codes: leak_slice(self.precreated_codes),
            module: module_path!(),
        }))
    }
}

/// The labels of `method` (or, for `None`, of calls to no registered
/// method) in `naming`, then the constant labels.
fn method_labels(
    naming: GrpcNaming,
    method: Option<&GrpcMethod>,
    const_labels: &[Label],
) -> MethodLabels {
    let parts: Vec<(&'static str, &'static str)> = match (naming, method) {
        (GrpcNaming::OpenTelemetry, Some(method)) => vec![
            ("rpc_system_name", "grpc"),
            (
                "rpc_method",
                leak(format!("{}/{}", method.service(), method.method())),
            ),
        ],
        (GrpcNaming::OpenTelemetry, None) => {
            vec![("rpc_system_name", "grpc"), ("rpc_method", "_OTHER")]
        }
        (GrpcNaming::GoGrpcMiddleware, Some(method)) => vec![
            ("grpc_type", method.kind().as_str()),
            ("grpc_service", leak(method.service())),
            ("grpc_method", leak(method.method())),
        ],
        (GrpcNaming::GoGrpcMiddleware, None) => vec![
            ("grpc_type", "unknown"),
            ("grpc_service", "unknown"),
            ("grpc_method", "unknown"),
        ],
    };
    MethodLabels {
        kind: method.map(GrpcMethod::kind),
        labels: leak_slice(
            parts
                .into_iter()
                .map(|(name, value)| Label::from_static_parts(name, value))
                .chain(const_labels.iter().cloned())
                .collect(),
        ),
    }
}
