//! For applications that keep their own `metrics-exporter-prometheus`
//! recorder and add vitals' layers and attributes to it.
//!
//! The stock recorder renders every histogram as a *summary* (quantile
//! lines) unless it is told bucket bounds per metric, so a
//! `GrpcMetricsLayer`'s `grpc_server_handling_seconds` would lose the
//! `_bucket` series Go dashboards query. [`with_catalogue_buckets`] tells it
//! the buckets of every histogram the catalogue knows.
//!
//! ```
//! use metrics_exporter_prometheus::PrometheusBuilder;
//!
//! // Build the layers (and anything else that declares families at run
//! // time) first: the catalogue is read once, here.
//! let builder = vitals_prometheus::stock::with_catalogue_buckets(PrometheusBuilder::new())
//!     .expect("the catalogue's buckets are valid");
//! let recorder = builder.build_recorder();
//! # drop(recorder);
//! ```

use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder};
use vitals::catalogue::MetricKind;

/// Sets, on `builder`, the bucket bounds of every histogram family in the
/// catalogue at the time of the call (declared by attributes, layers and
/// trackers built so far). Families declared later keep the stock default
/// (a summary): build layers before calling this.
pub fn with_catalogue_buckets(
    mut builder: PrometheusBuilder,
) -> Result<PrometheusBuilder, BuildError> {
    for family in vitals::catalogue().families() {
        if family.kind() == MetricKind::Histogram && !family.buckets().is_empty() {
            builder = builder.set_buckets_for_metric(
                Matcher::Full(family.name().to_owned()),
                family.buckets(),
            )?;
        }
    }
    Ok(builder)
}
