//! The catalogue descriptors of one `#[instrument_rpc]` site, built in
//! `const` context from what the macro checked: one call each, so the
//! expansion stays short.

use crate::catalogue::{LabelDescriptor, MetricDescriptor, MetricKind, Origin, Unit};

/// The duration buckets of a site given none: OpenTelemetry's.
const DEFAULT_DURATION_BUCKETS: &[f64] = vitals_naming::buckets::OTEL_DURATION;

/// The request counter; `labels` end with `status`.
pub const fn rpc_requests(
    name: &'static str,
    help: &'static str,
    labels: &'static [LabelDescriptor],
    origin: Origin,
) -> MetricDescriptor {
    MetricDescriptor::new(name, MetricKind::Counter, help, None, labels, &[], origin)
}

/// The duration histogram; `labels` are the request counter's, `status` is
/// left out. `None` buckets are OpenTelemetry's duration buckets.
pub const fn rpc_duration(
    name: &'static str,
    help: &'static str,
    labels: &'static [LabelDescriptor],
    buckets: Option<&'static [f64]>,
    origin: Origin,
) -> MetricDescriptor {
    let buckets = match buckets {
        Some(buckets) => buckets,
        None => DEFAULT_DURATION_BUCKETS,
    };
    let labels = without_status(labels);
    MetricDescriptor::new(
        name,
        MetricKind::Histogram,
        help,
        Some(Unit::Seconds),
        labels,
        buckets,
        origin,
    )
}

/// The in-flight gauge; `labels` are the request counter's, `status` is
/// left out.
pub const fn rpc_in_flight(
    name: &'static str,
    help: &'static str,
    labels: &'static [LabelDescriptor],
    origin: Origin,
) -> MetricDescriptor {
    MetricDescriptor::new(
        name,
        MetricKind::Gauge,
        help,
        None,
        without_status(labels),
        &[],
        origin,
    )
}

/// The labels without the last one, `status`.
const fn without_status(labels: &'static [LabelDescriptor]) -> &'static [LabelDescriptor] {
    match labels.split_last() {
        Some((_, rest)) => rest,
        None => labels,
    }
}

/// Where a site is, from `module_path!()`, `file!()` and `line!()`.
pub const fn origin(module: &'static str, file: &'static str, line: u32) -> Origin {
    Origin { module, file, line }
}
