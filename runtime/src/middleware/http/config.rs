//! What an [`HttpMetricsLayer`](super::HttpMetricsLayer) records: names,
//! label names, exclusions and buckets, fixed when the layer is built.

use super::HttpMetricsLayer;
use crate::declare::{
    ConfigError, check_buckets, check_label_name, check_metric_name, leak, leak_slice,
};

/// Bucket advice of the OpenTelemetry HTTP semantic conventions, in seconds;
/// a superset of Prometheus' default buckets.
pub const DEFAULT_DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Body size buckets: powers of four from 64 B to 64 MiB.
pub const DEFAULT_SIZE_BUCKETS: &[f64] = &[
    64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
    67108864.0,
];

/// Routes excluded unless [`HttpMetricsLayerBuilder::no_default_exclusions`]
/// is called: the metrics endpoint and the usual health endpoints, whose
/// scrapes and probes would otherwise dominate the request rate. They are
/// the routes `vitals-prometheus` serves.
pub const DEFAULT_EXCLUDED_ROUTES: &[&str] = &[
    "/metrics",
    "/health",
    "/healthz",
    "/livez",
    "/readyz",
    "/livez/{check}",
    "/readyz/{check}",
    "/health/live",
    "/health/ready",
];

/// The nine standard methods, then the label of every other method
/// (OpenTelemetry's `_OTHER`), in label-index order.
pub(super) const METHOD_LABELS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER",
];

/// The layer's settings, leaked once per layer so handles can borrow them.
pub(super) struct Config {
    pub(super) requests: &'static str,
    pub(super) duration: &'static str,
    /// `None` after [`HttpMetricsLayerBuilder::no_active_requests`].
    pub(super) active: Option<&'static str>,
    /// Whether the duration histogram carries the status label.
    pub(super) duration_by_status: bool,
    pub(super) request_size: Option<&'static str>,
    pub(super) response_size: Option<&'static str>,
    pub(super) method_label: &'static str,
    pub(super) route_label: &'static str,
    pub(super) status_label: &'static str,
    pub(super) unmatched_route: &'static str,
    pub(super) excluded_routes: &'static [&'static str],
    pub(super) max_routes: usize,
    pub(super) module: &'static str,
}

impl Config {
    pub(super) fn is_excluded(&self, route: &str) -> bool {
        self.excluded_routes.contains(&route)
    }

    pub(super) fn metadata(&self) -> metrics::Metadata<'static> {
        metrics::Metadata::new(self.module, metrics::Level::INFO, Some(self.module))
    }
}

/// Configures an [`HttpMetricsLayer`]; from [`HttpMetricsLayer::builder`].
///
/// ```
/// use vitals::middleware::http::HttpMetricsLayer;
///
/// // `server_client_api_http_requests_total{method, endpoint, status}` and friends.
/// let layer = HttpMetricsLayer::builder()
///     .prefix("server_client_api_http")
///     .route_label("endpoint")
///     .exclude_route("/internal/debug")
///     .body_sizes(true)
///     .build()
///     .expect("valid names");
/// # drop(layer);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct HttpMetricsLayerBuilder {
    prefix: String,
    requests_name: String,
    duration_name: String,
    active_name: Option<String>,
    duration_by_status: bool,
    method_label: String,
    route_label: String,
    status_label: String,
    unmatched_route: String,
    excluded_routes: Vec<String>,
    duration_buckets: Vec<f64>,
    body_sizes: bool,
    size_buckets: Vec<f64>,
    max_routes: usize,
}

impl Default for HttpMetricsLayerBuilder {
    fn default() -> Self {
        Self {
            prefix: "http_server".to_owned(),
            requests_name: "requests_total".to_owned(),
            duration_name: "request_duration_seconds".to_owned(),
            active_name: Some("active_requests".to_owned()),
            duration_by_status: true,
            method_label: "method".to_owned(),
            route_label: "route".to_owned(),
            status_label: "status".to_owned(),
            unmatched_route: "unmatched".to_owned(),
            excluded_routes: DEFAULT_EXCLUDED_ROUTES
                .iter()
                .map(|route| (*route).to_owned())
                .collect(),
            duration_buckets: DEFAULT_DURATION_BUCKETS.to_vec(),
            body_sizes: false,
            size_buckets: DEFAULT_SIZE_BUCKETS.to_vec(),
            max_routes: 256,
        }
    }
}

impl HttpMetricsLayerBuilder {
    /// The start of every metric name (default `http_server`): `{prefix}_requests_total`,
    /// `{prefix}_request_duration_seconds`, `{prefix}_active_requests`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The request counter's name after the prefix (default `requests_total`);
    /// it must end in `_total`.
    pub fn requests_name(mut self, name: impl Into<String>) -> Self {
        self.requests_name = name.into();
        self
    }

    /// The duration histogram's name after the prefix (default
    /// `request_duration_seconds`); it must end in `_seconds`. The volume
    /// provisioner of the reference systems uses `requests_duration_seconds`.
    pub fn duration_name(mut self, name: impl Into<String>) -> Self {
        self.duration_name = name.into();
        self
    }

    /// The active-requests gauge's name after the prefix (default `active_requests`).
    pub fn active_name(mut self, name: impl Into<String>) -> Self {
        self.active_name = Some(name.into());
        self
    }

    /// No active-requests gauge, for services whose documented surface has none.
    pub fn no_active_requests(mut self) -> Self {
        self.active_name = None;
        self
    }

    /// Whether the duration histogram is labelled by status too (default
    /// `true`, as OpenTelemetry's `http.server.request.duration`); `false`
    /// gives one histogram per method and route, as go-grpc-middleware and
    /// many dashboards expect, with a bucket set per series fewer.
    pub fn duration_by_status(mut self, enabled: bool) -> Self {
        self.duration_by_status = enabled;
        self
    }

    /// The name of the method label (default `method`).
    pub fn method_label(mut self, name: impl Into<String>) -> Self {
        self.method_label = name.into();
        self
    }

    /// The name of the route label (default `route`; axum-prometheus uses `endpoint`).
    pub fn route_label(mut self, name: impl Into<String>) -> Self {
        self.route_label = name.into();
        self
    }

    /// The name of the status label (default `status`).
    pub fn status_label(mut self, name: impl Into<String>) -> Self {
        self.status_label = name.into();
        self
    }

    /// The route label of requests that match no route (default `unmatched`).
    pub fn unmatched_route(mut self, value: impl Into<String>) -> Self {
        self.unmatched_route = value.into();
        self
    }

    /// Records nothing for requests matching route template `route` (as
    /// written in the router, e.g. `/users/{id}`).
    pub fn exclude_route(mut self, route: impl Into<String>) -> Self {
        self.excluded_routes.push(route.into());
        self
    }

    /// Records the metrics and health endpoints too
    /// (see [`DEFAULT_EXCLUDED_ROUTES`]); routes excluded explicitly stay excluded.
    pub fn no_default_exclusions(mut self) -> Self {
        self.excluded_routes
            .retain(|route| !DEFAULT_EXCLUDED_ROUTES.contains(&route.as_str()));
        self
    }

    /// Bucket upper bounds of the duration histogram, in seconds.
    pub fn duration_buckets(mut self, buckets: &[f64]) -> Self {
        self.duration_buckets = buckets.to_vec();
        self
    }

    /// Also records `{prefix}_request_body_size_bytes` and
    /// `{prefix}_response_body_size_bytes` (off by default). The request
    /// size is the body's declared length (`Content-Length`, as most
    /// servers report it); requests of unknown length (chunked) record no
    /// request size. The response size counts the bytes sent.
    pub fn body_sizes(mut self, enabled: bool) -> Self {
        self.body_sizes = enabled;
        self
    }

    /// Bucket upper bounds of the body size histograms, in bytes.
    pub fn size_buckets(mut self, buckets: &[f64]) -> Self {
        self.size_buckets = buckets.to_vec();
        self
    }

    /// How many distinct routes get cached handles (default 256). Routes
    /// past it are still recorded, resolving their series per request.
    pub fn max_routes(mut self, max_routes: usize) -> Self {
        self.max_routes = max_routes;
        self
    }

    /// Checks the names, declares the metrics in the
    /// [catalogue](mod@crate::catalogue) and returns the layer.
    ///
    /// Declarations are kept for the life of the process: build the layer
    /// once and clone it, rather than building one per router.
    #[track_caller]
    pub fn build(self) -> Result<HttpMetricsLayer, ConfigError> {
        check_metric_name("prefix", &self.prefix)?;
        check_label_name("method_label", &self.method_label)?;
        check_label_name("route_label", &self.route_label)?;
        check_label_name("status_label", &self.status_label)?;
        check_buckets("duration_buckets", &self.duration_buckets)?;
        check_buckets("size_buckets", &self.size_buckets)?;
        let labels = [&self.method_label, &self.route_label, &self.status_label];
        if labels
            .iter()
            .enumerate()
            .any(|(i, label)| labels[..i].contains(label))
        {
            return Err(ConfigError::new(format!(
                "label names must differ: `{labels:?}`"
            )));
        }
        let prefix = &self.prefix;
        let requests = format!("{prefix}_{}", self.requests_name);
        let duration = format!("{prefix}_{}", self.duration_name);
        let active = self
            .active_name
            .as_ref()
            .map(|name| format!("{prefix}_{name}"));
        check_metric_name("requests_name", &requests)?;
        check_metric_name("duration_name", &duration)?;
        if let Some(active) = &active {
            check_metric_name("active_name", active)?;
        }
        if !requests.ends_with("_total") {
            return Err(ConfigError::new(format!(
                "counter `{requests}` must end in `_total`"
            )));
        }
        if !duration.ends_with("_seconds") {
            return Err(ConfigError::new(format!(
                "duration histogram `{duration}` must end in `_seconds`"
            )));
        }
        let config: &'static Config = Box::leak(Box::new(Config {
            requests: leak(requests),
            duration: leak(duration),
            active: active.map(leak),
            duration_by_status: self.duration_by_status,
            request_size: self
                .body_sizes
                .then(|| leak(format!("{prefix}_request_body_size_bytes"))),
            response_size: self
                .body_sizes
                .then(|| leak(format!("{prefix}_response_body_size_bytes"))),
            method_label: leak(self.method_label),
            route_label: leak(self.route_label),
            status_label: leak(self.status_label),
            unmatched_route: leak(self.unmatched_route),
            excluded_routes: leak_slice(self.excluded_routes.into_iter().map(leak).collect()),
            max_routes: self.max_routes,
            module: module_path!(),
        }));
        super::declare::declare(
            config,
            leak_slice(self.duration_buckets),
            leak_slice(self.size_buckets),
        );
        Ok(HttpMetricsLayer::from_config(config))
    }
}
