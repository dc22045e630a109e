//! # vitals
//!
//! Prometheus metrics for Rust services, generated at compile time.
//!
//! `vitals` is the only crate an application depends on. It re-exports the
//! attribute macros, owns the [catalogue](mod@catalogue) of every metric the program
//! declares, and records through the [`metrics`](https://docs.rs/metrics)
//! facade, so any `metrics` recorder (the `vitals-prometheus` exporter,
//! `metrics-exporter-prometheus`, a test recorder) receives the series.
//!
//! ```
//! use vitals::instrument_rpc;
//!
//! #[derive(Debug)]
//! struct NotFound;
//!
//! /// Looks a user up.
//! #[instrument_rpc(prefix = "users")]
//! fn get_user(id: u64) -> Result<String, NotFound> {
//!     if id == 1 { Ok("ada".to_owned()) } else { Err(NotFound) }
//! }
//!
//! let recorded = vitals::testing::capture(|| {
//!     let _ = get_user(1);
//!     let _ = get_user(2);
//! });
//! assert_eq!(recorded.counter("users_requests_total", &[("method", "get_user"), ("status", "ok")]), Some(1));
//! assert_eq!(recorded.counter("users_requests_total", &[("method", "get_user"), ("status", "error")]), Some(1));
//! assert_eq!(recorded.histogram_count("users_request_duration_seconds", &[("method", "get_user")]), Some(2));
//! assert_eq!(recorded.gauge("users_requests_in_flight", &[("method", "get_user")]), Some(0.0));
//! ```
//!
//! ## What is where
//! - [`instrument_rpc`]: per-call request counter, duration histogram and
//!   in-flight gauge for a fn, a method or a whole `impl` block.
//! - [`status`]: how a return value becomes the `status` label
//!   ([`RpcStatus`], [`ErrorStatus`]).
//! - [`catalogue`](mod@catalogue): every metric the program declares, registered at link
//!   time, for exporters, documentation and dashboards.
//! - [`testing`]: capture what code records without a global recorder.
//! - [`metric_enum`]: an enum as a fixed set of label values, an
//!   error status, or a state gauge ([`StateMetric`]).
//! - [`metric_group`]: typed counters, gauges and histograms declared as
//!   the fields of a struct, labelled by enums and [`bounded`] strings.
//! - [`health`]: liveness and readiness checks and application states,
//!   shared by the exporter's probes and gRPC health.
//! - [`middleware`]: `HttpMetricsLayer` (axum) and `GrpcMetricsLayer`
//!   (tonic, go-grpc-middleware's series), one tower layer each.
//! - [`jobs`]: active, finished and timed long-running jobs by kind and
//!   outcome; a job dropped without an outcome counts as cancelled.
//!
//! ## Cargo features
//! - `http`: status labels from `http::StatusCode` and `http::Response`.
//! - `axum`: `HttpMetricsLayer` (route label from axum's `MatchedPath`).
//! - `tonic`: status labels from `tonic::Status` (go-grpc-middleware names),
//!   `GrpcMetricsLayer`, and `grpc.health.v1` statuses driven by [`health`]
//!   readiness.

pub mod bounded;
pub mod catalogue;
mod declare;
pub mod descriptor_set;
pub mod exporter_routes;
mod group;
pub mod health;
pub mod jobs;
mod metric_enum;
pub mod middleware;
mod per_recorder;
mod recorder_identity;
mod rpc;
mod state_gauge;
pub mod status;
mod table;
pub mod testing;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use crate::catalogue::catalogue;
pub use crate::declare::ConfigError;
pub use crate::metric_enum::MetricEnum;
pub use crate::state_gauge::{StateEncoding, StateMetric};
pub use crate::status::{ErrorStatus, RpcStatus};
pub use vitals_macros::{instrument_rpc, metric_enum, metric_group};
pub use vitals_naming::buckets;

/// Tells vitals a global recorder was just installed, so call sites start
/// caching its handles at once instead of after the next rate-limited probe
/// (see [`metrics::set_global_recorder`]). Exporters call it right after
/// installing theirs; an application installing its own recorder may too.
/// Calling it is never required for correct counts.
pub fn global_recorder_installed() {
    crate::recorder_identity::refresh();
}
