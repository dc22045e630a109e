//! Tower layers that instrument whole servers: one layer per server gives
//! the series operators expect.
//!
//! - [`http::HttpMetricsLayer`] (feature `axum`): requests, duration and
//!   in-flight requests by method, route template and status, for an axum
//!   `Router`.
//! - [`grpc::GrpcMetricsLayer`] (feature `tonic`): go-grpc-middleware's
//!   `grpc_server_*` series for a tonic server, so Grafana dashboards and
//!   alerts written for Go services work unchanged.
//! - [`grpc::GrpcClientMetricsLayer`] (feature `tonic`): the same
//!   provider's `grpc_client_*` series for a tonic `Channel`.
//! - [`http_client::HttpClientMetricsLayer`] (feature `http-client`):
//!   OpenTelemetry's `http_client_request_duration_seconds` and a request
//!   counter for any tower HTTP client (hyper-util's, reqwest through
//!   `reqwest-middleware`).
//!
//! Both record at the end of the response body (the end of the stream for
//! gRPC), count a request the client abandons or a handler that panics
//! exactly once, and cache their metric handles per label combination, so
//! after warm-up a request allocates no labels, formats no strings and
//! hashes nothing.
//!
//! Names are chosen at run time, so each layer adds its metrics to the
//! [catalogue](mod@crate::catalogue) once, when it is built: the exporter then
//! describes them and sets their buckets. Either order works: a layer built
//! before the exporter is installed is described and pre-created by the
//! install; one built after registers its zero-valued series itself, and
//! the `vitals-prometheus` store looks its buckets up when the first series
//! is created.

#[cfg(feature = "tonic")]
pub mod grpc;
#[cfg(feature = "axum")]
pub mod http;
#[cfg(feature = "http-client")]
pub mod http_client;
#[cfg(any(feature = "axum", feature = "http-client"))]
mod method_label;
#[cfg(feature = "_middleware")]
mod plumbing;

#[cfg(feature = "tonic")]
pub use self::grpc::{GrpcClientMetricsLayer, GrpcMetricsLayer};
#[cfg(feature = "axum")]
pub use self::http::HttpMetricsLayer;
#[cfg(feature = "http-client")]
pub use self::http_client::HttpClientMetricsLayer;
/// Where [`ConfigError`](crate::ConfigError) was before it moved to the crate root.
pub use crate::declare::ConfigError;
