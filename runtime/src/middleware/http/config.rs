//! What an [`HttpMetricsLayer`](super::HttpMetricsLayer) records: names,
//! label names, exclusions and buckets, fixed when the layer is built.

use crate::buckets;

pub(super) use crate::middleware::method_label::METHOD_LABELS;

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
    /// Whether answers marked [`ServedByExporter`](crate::exporter_routes::ServedByExporter)
    /// are left uncounted.
    pub(super) exclude_exporter_routes: bool,
    pub(super) max_routes: usize,
    pub(super) module: &'static str,
}

impl Config {
    /// Whether requests of `route` are left unrecorded. Asked once per
    /// route template (the answer is kept with the route's handles), and
    /// per request only where handles are not cached.
    pub(super) fn is_excluded(&self, route: &str) -> bool {
        self.excluded_routes.contains(&route)
    }

    pub(super) fn metadata(&self) -> metrics::Metadata<'static> {
        metrics::Metadata::new(self.module, metrics::Level::INFO, Some(self.module))
    }
}

/// Configures an [`HttpMetricsLayer`](super::HttpMetricsLayer); from
/// [`HttpMetricsLayer::builder`](super::HttpMetricsLayer::builder).
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
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct HttpMetricsLayerBuilder {
    pub(super) prefix: String,
    pub(super) requests_name: String,
    pub(super) duration_name: String,
    pub(super) active_name: Option<String>,
    pub(super) duration_by_status: bool,
    pub(super) method_label: String,
    pub(super) route_label: String,
    pub(super) status_label: String,
    pub(super) unmatched_route: String,
    pub(super) excluded_routes: Vec<String>,
    pub(super) exclude_exporter_routes: bool,
    pub(super) duration_buckets: Vec<f64>,
    pub(super) body_sizes: bool,
    pub(super) size_buckets: Vec<f64>,
    pub(super) max_routes: usize,
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
            excluded_routes: Vec::new(),
            exclude_exporter_routes: true,
            duration_buckets: buckets::OTEL_DURATION.to_vec(),
            body_sizes: false,
            size_buckets: buckets::BODY_SIZE.to_vec(),
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
    /// `request_duration_seconds`); it must end in `_seconds`, as in
    /// `requests_duration_seconds`, a name some existing dashboards query.
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

    /// Records what exporters answer too (by default it is not counted:
    /// every answer marked [`ServedByExporter`](crate::exporter_routes::ServedByExporter),
    /// such as `vitals-prometheus`' `/metrics`, probes, `/status` and `/`);
    /// routes excluded explicitly stay excluded.
    pub fn no_default_exclusions(mut self) -> Self {
        self.exclude_exporter_routes = false;
        self
    }

    /// Bucket upper bounds of the duration histogram, in seconds (default
    /// [`buckets::OTEL_DURATION`]).
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

    /// Bucket upper bounds of the body size histograms, in bytes (default
    /// [`buckets::BODY_SIZE`]).
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
}
