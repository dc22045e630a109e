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
//!   `unmatched` by default. Add the layer with `Router::layer`, last
//!   ([where the layer goes](#where-the-layer-goes)).
//! - `method` is one of the nine standard methods, or `_OTHER`.
//! - `status` is the numeric code. A request ends when its response body
//!   has been sent, not at the headers. If the response future or body is
//!   dropped first (the client went away) the request is counted once as
//!   [`CLIENT_CLOSED_STATUS`] (`499`). A handler that panics while this layer
//!   polls it (under tower-http's `CatchPanicLayer` placed outside this
//!   layer, or none) is counted as [`SERVER_ERROR_STATUS`] (`500`), which is also
//!   what a catch-panic layer inside this one answers; so is a service
//!   error returned instead of a response. Either way
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
//! ## Where the layer goes
//!
//! Last, on the final router: after every `merge`, `nest` and `fallback`,
//! with `Router::layer`. Then it sees every request, the exporter's routes
//! (which it leaves out) and unmatched ones (404s, as `unmatched`) included:
//!
//! ```
//! use axum::{Router, routing::get};
//! use tower::ServiceExt;
//! use vitals::middleware::http::HttpMetricsLayer;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let api = Router::new().route("/orders", get(|| async { "[]" }));
//! let admin = Router::new().route("/admin/flush", get(|| async { "flushed" }));
//! let app = api
//!     .merge(admin) // and the exporter's router, if it shares the port
//!     .fallback(|| async { (http::StatusCode::NOT_FOUND, "no such page") })
//!     .layer(HttpMetricsLayer::builder().prefix("placed").build().unwrap()); // last
//!
//! let recorded = vitals::testing::capture_async(async {
//!     for path in ["/orders", "/admin/flush", "/nowhere"] {
//!         let request = http::Request::get(path).body(axum::body::Body::empty()).unwrap();
//!         let response = app.clone().oneshot(request).await.unwrap();
//!         http_body_util::BodyExt::collect(response.into_body()).await.unwrap();
//!     }
//! })
//! .await;
//! let count = |route, status| recorded.counter("placed_requests_total", &[("method", "GET"), ("route", route), ("status", status)]);
//! assert_eq!(count("/orders", "200"), Some(1));
//! assert_eq!(count("/admin/flush", "200"), Some(1));
//! assert_eq!(count("unmatched", "404"), Some(1));
//! # }
//! ```
//!
//! Other placements lose requests:
//!
//! - `api.layer(layer).merge(admin)` or `.layer(layer).fallback(..)`: the
//!   merged routes and the fallback never pass through the layer, so they
//!   have no series at all. The layer cannot see what never reaches it, so
//!   this cannot be detected: put the layer last.
//! - `route_layer(layer)`: unmatched requests are not seen.
//! - Wrapping the router (`layer.layer(router)`, a `ServiceBuilder` around
//!   it): axum has not matched the route yet, so every request is
//!   `unmatched`. This is detected: after 64 requests and no matched route
//!   the layer warns once through `tracing`.
//!
//! After the first request of a (route, method, status) under the global
//! recorder, a request costs a route-template comparison, two clock reads
//! and the atomic updates: no label is built, no string formatted, nothing
//! hashed. The route cache is bounded ([`HttpMetricsLayerBuilder::max_routes`]).

mod build;
mod config;
mod declare;
mod guard;
mod handles;
mod layer;
mod placement;
mod service;
mod shared;

pub use self::config::HttpMetricsLayerBuilder;
pub use self::guard::{CLIENT_CLOSED_STATUS, SERVER_ERROR_STATUS};
pub use self::layer::HttpMetricsLayer;
pub use self::service::HttpMetrics;

/// Response future of [`HttpMetrics`].
pub type ResponseFuture<F> = crate::middleware::plumbing::ResponseFuture<F, guard::RequestGuard>;
/// Response body of [`HttpMetrics`]: the request is counted when it ends,
/// or when it is dropped before its end (as [`CLIENT_CLOSED_STATUS`]).
pub type ResponseBody<B> = crate::middleware::plumbing::ResponseBody<B, guard::RequestGuard>;
