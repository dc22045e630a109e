//! HTTP server metrics for axum routers (feature `axum`).
//!
//! [`HttpMetricsLayer`] records, per request:
//!
//! | series | type | labels |
//! |---|---|---|
//! | `http_server_requests_total` | counter | `method`, `route`, `status` |
//! | `http_server_request_duration_seconds` | histogram | `method`, `route`, `status` |
//! | `http_server_active_requests` | gauge | `method`, `route` |
//! | `http_server_request_body_size_bytes`, `http_server_response_body_size_bytes` (opt-in) | histogram | `method`, `route`, `status` |
//!
//! The prefix, each metric's name after it, the label names, whether the
//! duration carries `status` and whether there is an active-requests gauge
//! are configurable ([`HttpMetricsLayerBuilder`]), so a documented surface
//! such as `libvirt_volume_provisioner_requests_total{endpoint, method, status}`
//! with `..._requests_duration_seconds{endpoint, method}` and no gauge is one
//! builder away.
//!
//! - `route` is the route template axum matched (`/users/{id}`, from
//!   `MatchedPath`), never the raw path, so one series per route whatever
//!   ids clients send. Requests matching no route share one value,
//!   `unmatched` by default. Add the layer with `Router::layer` (not
//!   `route_layer`, which never sees unmatched requests, nor around the
//!   router, where the route is not known yet).
//! - `method` is one of the nine standard methods, or `_OTHER`.
//! - `status` is the numeric code. A request ends when its response body
//!   has been sent, not at the headers. If the response future or body is
//!   dropped first (the client went away) the request is counted once as
//!   [`CLIENT_CLOSED_STATUS`] (`499`). A handler that panics while this layer
//!   polls it (under tower-http's `CatchPanicLayer` placed outside this
//!   layer, or none) is counted as [`PANICKED_STATUS`] (`500`), which is also
//!   what a catch-panic layer inside this one answers. Either way
//!   `active_requests` returns to where it was.
//! - The routes exporters serve are not recorded: every route an exporter
//!   registered in [`crate::exporter_routes`] (for `vitals-prometheus`,
//!   `/metrics`, the probes and `/status`), decided once per route
//!   template. More routes can be excluded by template.
//!
//! ```
//! use axum::{Router, routing::get};
//! use tower::ServiceExt;
//! use vitals::middleware::http::HttpMetricsLayer;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = Router::new()
//!     .route("/users/{id}", get(|| async { "ada" }))
//!     .layer(HttpMetricsLayer::new());
//!
//! let recorded = vitals::testing::capture_async(async {
//!     let request = http::Request::get("/users/7").body(axum::body::Body::empty()).unwrap();
//!     let response = app.oneshot(request).await.unwrap();
//!     // Counted once the body has been sent.
//!     http_body_util::BodyExt::collect(response.into_body()).await.unwrap();
//! })
//! .await;
//!
//! let labels = [("method", "GET"), ("route", "/users/{id}"), ("status", "200")];
//! assert_eq!(recorded.counter("http_server_requests_total", &labels), Some(1));
//! assert_eq!(recorded.histogram_count("http_server_request_duration_seconds", &labels), Some(1));
//! assert_eq!(recorded.gauge("http_server_active_requests", &[("method", "GET"), ("route", "/users/{id}")]), Some(0.0));
//! # }
//! ```
//!
//! After the first request of a (route, method, status) under the global
//! recorder, a request costs a route-template comparison, two clock reads
//! and the atomic updates: no label is built, no string formatted, nothing
//! hashed. The route cache is bounded ([`HttpMetricsLayerBuilder::max_routes`]).

mod body;
mod build;
mod config;
mod declare;
mod future;
mod guard;
mod handles;
mod layer;
mod service;

pub use self::body::ResponseBody;
pub use self::config::HttpMetricsLayerBuilder;
pub use self::future::ResponseFuture;
pub use self::guard::{CLIENT_CLOSED_STATUS, PANICKED_STATUS};
pub use self::layer::HttpMetricsLayer;
pub use self::service::HttpMetrics;
