//! An application keeping its own metrics-exporter-prometheus recorder gets
//! the catalogue's histograms as histograms (with `_bucket` series), not as
//! the summaries that recorder renders by default.

use metrics_exporter_prometheus::PrometheusBuilder;
use vitals::catalogue::{MetricDescriptor, MetricKind, Origin};

fn render(builder: PrometheusBuilder) -> String {
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || {
        metrics::histogram!("orders_wait_seconds").record(0.7);
    });
    handle.render()
}

#[test]
fn catalogue_buckets_reach_a_stock_recorder() {
    vitals::catalogue::declare(MetricDescriptor::new(
        "orders_wait_seconds",
        MetricKind::Histogram,
        "Time an order waits.",
        None,
        &[],
        &[0.5, 1.0],
        Origin {
            module: module_path!(),
            file: file!(),
            line: line!(),
        },
    ));

    let plain = render(PrometheusBuilder::new());
    assert!(plain.contains("orders_wait_seconds{quantile="), "{plain}");
    assert!(!plain.contains("_bucket"), "{plain}");

    let told = render(
        vitals_prometheus::stock::with_catalogue_buckets(PrometheusBuilder::new())
            .expect("valid buckets"),
    );
    assert!(
        told.contains("orders_wait_seconds_bucket{le=\"0.5\"} 0\n"),
        "{told}"
    );
    assert!(
        told.contains("orders_wait_seconds_bucket{le=\"1\"} 1\n"),
        "{told}"
    );
    assert!(
        told.contains("orders_wait_seconds_bucket{le=\"+Inf\"} 1\n"),
        "{told}"
    );
    assert!(!told.contains("quantile="), "{told}");
}
