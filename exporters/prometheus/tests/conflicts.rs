//! Two declarations of one metric that disagree stop the build with an
//! error naming the metric and both call sites (`catalogue::declare` records
//! its caller's location; its own binary: declarations are process-wide).

use vitals::catalogue::{MetricDescriptor, MetricKind, Origin};
use vitals_prometheus::{BuildError, BuildInfo, Exporter};

#[test]
fn conflicting_declarations_are_a_build_error() {
    let origin = |line| Origin {
        module: module_path!(),
        file: "src/orders.rs",
        line,
    };
    vitals::catalogue::declare(MetricDescriptor::new(
        "orders_total",
        MetricKind::Counter,
        "Orders.",
        None,
        &[],
        &[],
        origin(10),
    ));
    vitals::catalogue::declare(MetricDescriptor::new(
        "orders_total",
        MetricKind::Gauge,
        "Orders.",
        None,
        &[],
        &[],
        origin(20),
    ));
    let error = Exporter::builder(BuildInfo::new("shop", "1"))
        .build()
        .unwrap_err();
    assert!(matches!(error, BuildError::CatalogueConflict(_)));
    assert_eq!(
        error.to_string(),
        "conflicting metric declarations: metric `orders_total` is declared as a counter and as a gauge \
         (exporters/prometheus/tests/conflicts.rs:15 and exporters/prometheus/tests/conflicts.rs:24)"
    );
}
