//! # vitals-prometheus
//!
//! The endpoints operators scrape and probe, for a service instrumented
//! with [`vitals`]:
//!
//! - `/metrics` in Prometheus text format 0.0.4, or OpenMetrics when the
//!   scraper's `Accept` asks for it. Every metric of [`vitals::catalogue()`]
//!   is described, gets its buckets (histograms are always real histograms)
//!   and has a zero-valued series for every known label combination before
//!   the first call.
//! - `/livez`, `/readyz` (Kubernetes semantics) and the aliases `/healthz`,
//!   `/health`, `/health/live`, `/health/ready`, from a
//!   [`vitals::health::HealthRegistry`].
//! - `/status`: JSON with build info, probe results and application states.
//! - `{app}_build_info{version, revision, branch, rustc_version} 1` naming the
//!   application ([`build_info!`]) and `process_*` metrics, both switchable.
//! - `promhttp_metric_handler_requests_total{code}` and
//!   `promhttp_metric_handler_requests_in_flight`: client_golang's scrape
//!   self-metrics, every answer of `/metrics` counted (switchable).
//! - A standalone server (default `0.0.0.0:9090`) or an axum [`Router`](axum::Router)
//!   to merge into the application's; bearer token and TLS (with optional
//!   client certificates, feature `tls`); graceful shutdown; push mode for
//!   batch jobs (feature `push`).
//! - `/debug/pprof/profile?seconds=N` and `/debug/pprof/heap` (feature
//!   `pprof`, off by default): CPU and jemalloc heap profiles in pprof's
//!   protobuf format, behind the bearer token.
//!
//! ```no_run
//! use vitals_prometheus::{Exporter, build_info};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let exporter = Exporter::builder(build_info!())
//!     .listen_address_from_env("SHOP_METRICS_ADDR")? // unset: 0.0.0.0:9090
//!     .install()?;
//! exporter.serve(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! Without a global recorder, for tests or a second registry:
//!
//! ```
//! use vitals_prometheus::{BuildInfo, Exporter, Format};
//!
//! let exporter = Exporter::builder(BuildInfo::new("shop", "1.0.0")).build().unwrap();
//! metrics::with_local_recorder(exporter.recorder(), || metrics::counter!("shop_orders_total").increment(2));
//! let text = exporter.render(Format::Text);
//! assert!(text.contains("shop_orders_total 2"));
//! assert!(text.contains("shop_build_info{version=\"1.0.0\""));
//! ```
//!
//! Merged into an application's own axum router instead of a port of its own:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let exporter = vitals_prometheus::Exporter::builder(vitals_prometheus::build_info!()).install()?;
//! let app = axum::Router::new()
//!     .route("/orders", axum::routing::get(|| async { "[]" }))
//!     .merge(exporter.router());
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! ## Storage
//! Endpoints render through the [`MetricsStore`] trait. The default store,
//! [`VitalsStore`], holds every counter, gauge and histogram itself: each
//! thread records into cells of its own (a plain load and store, no lock, no
//! read-modify-write, so a hot series shared by every core costs what it
//! costs on one), a scrape sums them, histograms have fixed buckets and
//! never buffer observations, and the exposition is sorted (families by
//! name, series by labels) in text 0.0.4 or complete OpenMetrics (`# UNIT`,
//! `_created`, `info`, `# EOF`). `/metrics` is gzipped when the scraper's
//! `Accept-Encoding` asks for it, as Prometheus always does. Series past the
//! store's capacity (about a million cells of each kind) are refused and
//! counted in `vitals_store_refused_series_total{reason}`.
//! [`ExporterBuilder::store`] plugs in another
//! store, which receives the resolved buckets as a [`StoreConfig`]. The
//! store's upkeep ([`MetricsStore::run_upkeep`]) runs on a background thread
//! every 5 s ([`ExporterBuilder::upkeep_interval`]), scrapes or not.
//!
//! ## Cargo features
//! All on by default; `default-features = false` leaves the endpoints, the
//! router and the plain HTTP server.
//! - `process`: `process_*` metrics via `metrics-process`.
//! - `push`: push mode for batch jobs ([`ExporterBuilder::push_gateway`],
//!   [`Exporter::start_push`], [`Pusher`]).
//! - `tls`: TLS for the standalone server via rustls and `ring`
//!   ([`TlsConfig`], [`ExporterBuilder::tls`]).
//!
//! Off by default:
//! - `remote-write`: Prometheus remote write 1.0 to Prometheus, Mimir,
//!   Thanos, Cortex or VictoriaMetrics ([`RemoteWrite`],
//!   [`Exporter::start_remote_write`], [`RemoteWriter`]): the exposition
//!   as `/metrics` shows it, on an interval, with external labels, bearer or
//!   basic auth, a bounded queue, retries on 5xx and connection errors, and
//!   counters of what was sent, retried and dropped.
//! - `opentelemetry`: [`exemplars::trace_context`], exemplars carrying the
//!   trace and span ids of the current `tracing` span (tracing-opentelemetry).
//!
//! ## Exemplars
//! [`ExporterBuilder::exemplars`] gives the store a source it asks at every
//! counter increment and histogram observation; OpenMetrics scrapes show
//! the latest exemplar per counter and per bucket (see [`exemplars`]).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod address;
mod auth;
mod build_info;
mod builder;
mod compression;
mod endpoints;
mod error;
mod exporter;
mod negotiate;
pub mod openmetrics;
#[cfg(any(feature = "push", feature = "remote-write"))]
mod outbound;
#[cfg(feature = "process")]
mod process;
#[cfg(feature = "push")]
mod push;
#[cfg(feature = "remote-write")]
mod remote_write;
mod scrape_metrics;
mod server;
mod shared;
pub mod stock;
mod store;
#[cfg(feature = "tls")]
mod tls;

pub use crate::address::{DEFAULT_ADDRESS, parse_listen_address};
pub use crate::build_info::BuildInfo;
pub use crate::builder::ExporterBuilder;
pub use crate::error::BuildError;
#[cfg(feature = "push")]
pub use crate::error::PushError;
pub use crate::exporter::Exporter;
pub use crate::negotiate::Format;
#[cfg(feature = "push")]
pub use crate::push::Pusher;
#[cfg(feature = "remote-write")]
pub use crate::remote_write::{RemoteWrite, RemoteWriter};
pub use crate::server::Server;
pub use crate::store::exemplars;
pub use crate::store::{MetricsStore, StoreConfig, StoreFactory, VitalsStore};
#[cfg(feature = "tls")]
pub use crate::tls::TlsConfig;

/// Buckets for histograms declared without any: client_golang's `DefBuckets`,
/// in seconds, which fit request latencies.
pub use vitals::buckets::PROMETHEUS_DEFAULT as DEFAULT_BUCKETS;

#[doc(hidden)]
pub use crate::build_info::RUSTC_VERSION as __RUSTC_VERSION;

// The macro lives here, at the root it expands to (`$crate::BuildInfo`), so
// `build_info.rs` does not name the root that declares it.
/// The calling crate's [`BuildInfo`]: its package name and version, with
/// revision and branch from `VITALS_GIT_REVISION` / `VITALS_GIT_BRANCH` at
/// compile time (`vitals_build::emit_build_info()` in `build.rs` sets them
/// from git; CI may set them instead), else `unknown`.
///
/// ```
/// let info = vitals_prometheus::build_info!();
/// // Expanded in this crate, so it names this crate.
/// assert_eq!(info.name(), env!("CARGO_PKG_NAME"));
/// assert_eq!(info.version(), env!("CARGO_PKG_VERSION"));
/// ```
#[macro_export]
macro_rules! build_info {
    () => {
        $crate::BuildInfo::new(
            ::core::env!("CARGO_PKG_NAME"),
            ::core::env!("CARGO_PKG_VERSION"),
        )
        .with_revision(::core::option_env!("VITALS_GIT_REVISION").unwrap_or("unknown"))
        .with_branch(::core::option_env!("VITALS_GIT_BRANCH").unwrap_or("unknown"))
    };
}
