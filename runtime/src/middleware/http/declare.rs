//! The layer's metrics in the catalogue, so the exporter describes them
//! and sets their buckets.

use super::config::{Config, METHOD_LABELS};
use crate::catalogue::{LabelValues, MetricKind, Unit};
use crate::declare::Declaration;

/// Declares the layer's families. Routes and statuses are open label
/// values, so no series is pre-created.
#[track_caller]
pub(super) fn declare(
    config: &'static Config,
    duration_buckets: &'static [f64],
    size_buckets: &'static [f64],
) {
    let methods = LabelValues::Known(&METHOD_LABELS);
    let with_status = || {
        vec![
            (config.method_label, methods),
            (config.route_label, LabelValues::Open),
            (config.status_label, LabelValues::Open),
        ]
    };
    let histogram = |name, help, unit, buckets| Declaration {
        name,
        kind: MetricKind::Histogram,
        help,
        unit: Some(unit),
        labels: with_status(),
        buckets,
    };
    Declaration {
        name: config.requests,
        kind: MetricKind::Counter,
        help: "HTTP requests answered, by method, route template and status code.",
        unit: None,
        labels: with_status(),
        buckets: &[],
    }
    .declare(config.module);
    let without_status = || {
        vec![
            (config.method_label, methods),
            (config.route_label, LabelValues::Open),
        ]
    };
    let mut duration = histogram(
        config.duration,
        "Time from receiving an HTTP request to sending the end of its response body.",
        Unit::Seconds,
        duration_buckets,
    );
    if !config.duration_by_status {
        duration.labels = without_status();
    }
    duration.declare(config.module);
    if let Some(active) = config.active {
        Declaration {
            name: active,
            kind: MetricKind::Gauge,
            help: "HTTP requests being handled or having their response body sent.",
            unit: None,
            labels: without_status(),
            buckets: &[],
        }
        .declare(config.module);
    }
    if let (Some(request), Some(response)) = (config.request_size, config.response_size) {
        histogram(
            request,
            "Declared length (Content-Length) of HTTP request bodies.",
            Unit::Bytes,
            size_buckets,
        )
        .declare(config.module);
        histogram(
            response,
            "Bytes of HTTP response bodies sent.",
            Unit::Bytes,
            size_buckets,
        )
        .declare(config.module);
    }
}
