//! The endpoints work with any store behind the `MetricsStore` trait: the HTTP,
//! health and catalogue parts do not depend on the stock recorder.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Running, get};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, MetricsStore, StoreConfig, VitalsStore};

/// A store that delegates to the stock recorder and counts what the exporter asks of it.
struct CountingStore {
    inner: VitalsStore,
    renders: AtomicUsize,
    config: StoreConfig,
}

impl MetricsStore for CountingStore {
    fn render_text(&self) -> String {
        self.renders.fetch_add(1, Ordering::SeqCst);
        self.inner.render_text()
    }
    fn run_upkeep(&self) {
        self.inner.run_upkeep();
    }
    fn recorder(&self) -> &dyn metrics::Recorder {
        self.inner.recorder()
    }
}

#[tokio::test]
async fn a_custom_store_serves_every_endpoint_with_resolved_buckets() {
    let slot: Arc<std::sync::Mutex<Option<Arc<CountingStore>>>> = Arc::default();
    let captured = Arc::clone(&slot);
    let exporter = Exporter::builder(BuildInfo::new("custom", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(HealthRegistry::new())
        .buckets_for_metric("custom_wait_seconds", &[0.5, 1.0])
        .unwrap()
        .store(move |config| {
            let store = Arc::new(CountingStore {
                inner: VitalsStore::from_config(config)?,
                renders: AtomicUsize::new(0),
                config: config.clone(),
            });
            *captured.lock().unwrap() = Some(Arc::clone(&store));
            Ok(store as Arc<dyn MetricsStore>)
        })
        .build()
        .unwrap();
    let store = slot.lock().unwrap().clone().expect("the factory ran");
    assert_eq!(store.config.buckets_for("custom_wait_seconds"), [0.5, 1.0]);
    assert_eq!(
        store.config.buckets_for("anything_else_seconds"),
        vitals_prometheus::DEFAULT_BUCKETS
    );

    metrics::with_local_recorder(exporter.recorder(), || {
        metrics::histogram!("custom_wait_seconds").record(0.7);
    });
    let server = Running::exporter(&exporter).await;
    let text = get(server.address, "/metrics", &[]).await;
    assert_eq!(store.renders.load(Ordering::SeqCst), 1);
    assert!(
        text.body
            .contains("custom_wait_seconds_bucket{le=\"0.5\"} 0\n"),
        "{}",
        text.body
    );
    assert!(
        text.body
            .contains("custom_wait_seconds_bucket{le=\"1\"} 1\n"),
        "{}",
        text.body
    );
    assert!(text.body.contains("custom_build_info{"));
    // OpenMetrics comes from the trait's default conversion of the text.
    let openmetrics = get(
        server.address,
        "/metrics",
        &[("accept", "application/openmetrics-text")],
    )
    .await;
    assert!(openmetrics.body.ends_with("# EOF\n"));
    assert_eq!(store.renders.load(Ordering::SeqCst), 2);
    assert_eq!(get(server.address, "/readyz", &[]).await.body, "ok");
}

#[test]
fn a_failing_store_factory_fails_the_build() {
    let error = Exporter::builder(BuildInfo::new("custom", "1.0.0"))
        .health(HealthRegistry::new())
        .store(|_| Err(vitals_prometheus::BuildError::RecorderAlreadyInstalled))
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        vitals_prometheus::BuildError::RecorderAlreadyInstalled
    ));
}

#[test]
fn a_histogram_declared_after_the_build_keeps_its_buckets() {
    let exporter = Exporter::builder(BuildInfo::new("late", "1.0.0"))
        .build()
        .unwrap();
    // Declared after the exporter exists, as a job tracker made after `install()` is.
    static LABELS: [vitals::catalogue::LabelDescriptor; 0] = [];
    let declared = vitals::catalogue::declare(vitals::catalogue::MetricDescriptor::new(
        "late_job_duration_seconds",
        vitals::catalogue::MetricKind::Histogram,
        "Job duration.",
        Some(vitals::catalogue::Unit::Seconds),
        &LABELS,
        &[1.0, 2.0, 5.0],
        vitals::catalogue::Origin {
            module: module_path!(),
            file: file!(),
            line: line!(),
        },
    ));
    metrics::with_local_recorder(exporter.recorder(), || {
        metrics::histogram!(declared.name()).record(1.5);
    });
    let text = exporter.render(vitals_prometheus::Format::Text);
    let buckets: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("late_job_duration_seconds_bucket"))
        .collect();
    assert_eq!(
        buckets,
        [
            "late_job_duration_seconds_bucket{le=\"1\"} 0",
            "late_job_duration_seconds_bucket{le=\"2\"} 1",
            "late_job_duration_seconds_bucket{le=\"5\"} 1",
            "late_job_duration_seconds_bucket{le=\"+Inf\"} 1",
        ],
        "{text}"
    );
}
