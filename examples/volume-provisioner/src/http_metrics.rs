//! Records `requests_total{endpoint, method, status}` and
//! `requests_duration_seconds{endpoint, method}` for every API request.
//!
//! The guide's names differ from what vitals' `HttpMetricsLayer` produces
//! (`..._requests_duration_seconds`, no in-flight gauge), so this small
//! middleware records into the typed group instead.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::METRICS;

/// The `endpoint` of requests that match no route, so a scanner's paths
/// cannot grow the label set.
const UNMATCHED: &str = "unmatched";

/// Middleware for `axum::middleware::from_fn` (added with `Router::layer`,
/// after routing, so the route template is known).
pub(crate) async fn record(request: Request, next: Next) -> Response {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| path.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let method = method.as_str();
    METRICS
        .requests_duration_seconds(&endpoint, method)
        .record(started.elapsed().as_secs_f64());
    METRICS
        .requests_total(&endpoint, method, response.status().as_str())
        .increment(1);
    response
}
