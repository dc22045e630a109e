//! HTTP client metrics for any tower HTTP client (feature `http-client`):
//! hyper-util's legacy `Client`, a tower stack around it, or reqwest through
//! `reqwest-middleware` (feature `reqwest-middleware`: the layer is a
//! `reqwest_middleware::Middleware`). OpenTelemetry's `http.client.request.duration`, as
//! Prometheus spells it, and a request counter with the same labels:
//!
//! | series | type | labels |
//! |---|---|---|
//! | `http_client_request_duration_seconds` | histogram | `http_request_method`, `server_address`, `server_port`, `http_response_status_code`, `error_type` |
//! | `http_client_requests_total` | counter | the same |
//!
//! - Labels are bounded whatever the servers answer: the method is one of
//!   the nine standard ones or `_OTHER`; `server_address` is the host of the
//!   request's URI (or its `Host` header), never the path or the query, or
//!   one [configured name](HttpClientMetricsLayerBuilder::server_address);
//!   `server_port` is the URI's port or the scheme's default; after
//!   [`max_servers`](HttpClientMetricsLayerBuilder::max_servers) distinct
//!   servers, both read `_OTHER`. The status code is the three digits of
//!   the response (`""`, which Prometheus reads as absent, when none came).
//! - `error_type` is empty for a success; the status code for a 4xx or 5xx
//!   answer (OpenTelemetry's rule); for no response, `timeout` (tower's
//!   `Timeout`, an `io::Error` that timed out such as hyper-util's connect
//!   timeout), `connection_refused`, `connection_reset` or `_OTHER`, read
//!   from the client's error and its sources; `body_error` when the
//!   response body fails; `cancelled` when the caller drops the request
//!   before its response.
//! - A request is timed to the end of its response body (or to the body's
//!   drop, which ends it for the caller). The service's error is the inner
//!   client's, boxed.
//!
//! ```
//! use tower::{Layer, ServiceExt};
//! use vitals::middleware::http_client::HttpClientMetricsLayer;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let recorded = vitals::testing::capture_async(async {
//!     let layer = HttpClientMetricsLayer::builder().build().unwrap();
//!     // A stand-in client whose server always answers 503.
//!     let client = layer.layer(tower::service_fn(|_request: http::Request<()>| async {
//!         let response = http::Response::builder().status(503);
//!         Ok::<_, std::convert::Infallible>(response.body(http_body_util::Empty::<bytes::Bytes>::new()).unwrap())
//!     }));
//!     let request = http::Request::get("http://api.example.com/users/42").body(()).unwrap();
//!     client.oneshot(request).await.unwrap(); // the empty body ends at once
//! })
//! .await;
//!
//! let labels = [
//!     ("http_request_method", "GET"),
//!     ("server_address", "api.example.com"),
//!     ("server_port", "80"),
//!     ("http_response_status_code", "503"),
//!     ("error_type", "503"),
//! ];
//! assert_eq!(recorded.counter("http_client_requests_total", &labels), Some(1));
//! # }
//! ```

mod build;
mod config;
mod errors;
mod guard;
mod handles;
mod labels;
mod layer;
#[cfg(feature = "reqwest-middleware")]
mod reqwest;
mod service;
mod shared;

pub use self::config::{DEFAULT_MAX_SERVERS, HttpClientMetricsLayerBuilder};
pub use self::errors::{BoxError, BoxErrors};
pub use self::layer::HttpClientMetricsLayer;
pub use self::service::HttpClientMetrics;

/// Response future of [`HttpClientMetrics`].
pub type ResponseFuture<F> =
    crate::middleware::plumbing::ResponseFuture<BoxErrors<F>, guard::ClientRequestGuard>;
/// Response body of [`HttpClientMetrics`]: ends the request at its end, at
/// its error, or when dropped.
pub type ResponseBody<B> = crate::middleware::plumbing::ResponseBody<B, guard::ClientRequestGuard>;
