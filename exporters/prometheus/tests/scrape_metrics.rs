//! client_golang's scrape self-metrics over real HTTP: every answer of
//! `/metrics` counted by status code, refusals and failures included.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Running, get};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, Format, MetricsStore, VitalsStore};

const TOKEN: &str = "scrape-t0ken";

fn builder() -> vitals_prometheus::ExporterBuilder {
    Exporter::builder(BuildInfo::new("svc", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(HealthRegistry::new())
}

/// The value of the sample `name{labels}` (labels as rendered), parsed by
/// `prometheus-parse`.
fn value(exposition: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let scrape =
        prometheus_parse::Scrape::parse(exposition.lines().map(|line| Ok(line.to_owned())))
            .expect("a parsable exposition");
    scrape
        .samples
        .iter()
        .find(|sample| {
            sample.metric == name
                && labels
                    .iter()
                    .all(|(label, value)| sample.labels.get(label) == Some(*value))
        })
        .map(|sample| match sample.value {
            prometheus_parse::Value::Counter(value)
            | prometheus_parse::Value::Gauge(value)
            | prometheus_parse::Value::Untyped(value) => value,
            ref other => panic!("{name} is not a plain sample: {other:?}"),
        })
}

fn requests(exposition: &str, code: &str) -> Option<f64> {
    value(
        exposition,
        "promhttp_metric_handler_requests_total",
        &[("code", code)],
    )
}

#[test]
fn names_help_and_initial_codes_are_client_golangs() {
    let text = builder().build().unwrap().render(Format::Text);
    assert!(
        text.contains("# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n"),
        "{text}"
    );
    assert!(text.contains("# TYPE promhttp_metric_handler_requests_total counter\n"));
    assert!(
        text.contains("# HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.\n"),
        "{text}"
    );
    assert!(text.contains("# TYPE promhttp_metric_handler_requests_in_flight gauge\n"));
    for code in ["200", "500", "503"] {
        assert_eq!(requests(&text, code), Some(0.0), "code {code}: {text}");
    }
    assert_eq!(
        value(&text, "promhttp_metric_handler_requests_in_flight", &[]),
        Some(0.0)
    );
}

#[tokio::test]
async fn every_scrape_is_counted_by_its_status_code_refusals_included() {
    let exporter = builder().bearer_token(TOKEN).unwrap().build().unwrap();
    let server = Running::exporter(&exporter).await;
    let authorized = [("authorization", "Bearer scrape-t0ken")];
    for _ in 0..2 {
        assert_eq!(get(server.address, "/metrics", &[]).await.status, 401);
    }
    let wrong = [("authorization", "Bearer wrong")];
    assert_eq!(get(server.address, "/metrics", &wrong).await.status, 401);

    let first = get(server.address, "/metrics", &authorized).await;
    assert_eq!(first.status, 200);
    // A scrape is counted once answered, so it sees the ones before it.
    assert_eq!(requests(&first.body, "401"), Some(3.0), "{}", first.body);
    assert_eq!(requests(&first.body, "200"), Some(0.0));
    // ... and itself in flight.
    assert_eq!(
        value(
            &first.body,
            "promhttp_metric_handler_requests_in_flight",
            &[]
        ),
        Some(1.0)
    );

    let second = get(server.address, "/metrics", &authorized).await;
    assert_eq!(requests(&second.body, "200"), Some(1.0), "{}", second.body);
    assert_eq!(requests(&second.body, "401"), Some(3.0));

    // Other endpoints are not scrapes.
    assert_eq!(
        get(server.address, "/status", &authorized).await.status,
        200
    );
    assert_eq!(get(server.address, "/livez", &[]).await.status, 200);
    let third = exporter.render(Format::Text);
    assert_eq!(requests(&third, "200"), Some(2.0), "{third}");
    assert_eq!(requests(&third, "401"), Some(3.0));
    assert_eq!(
        value(&third, "promhttp_metric_handler_requests_in_flight", &[]),
        Some(0.0),
        "finished scrapes leave the gauge"
    );
    server.shut_down().await;
}

/// A store whose text rendering fails while `failing` is set, as a bug in
/// a custom store would.
struct FlakyStore {
    stock: VitalsStore,
    failing: Arc<AtomicBool>,
}

impl MetricsStore for FlakyStore {
    fn render_text(&self) -> String {
        assert!(
            !self.failing.load(Ordering::SeqCst),
            "this store cannot render now"
        );
        self.stock.render_text()
    }
    fn run_upkeep(&self) {
        self.stock.run_upkeep();
    }
    fn recorder(&self) -> &dyn metrics::Recorder {
        self.stock.recorder()
    }
}

#[tokio::test]
async fn failed_scrapes_are_counted_as_500() {
    let failing = Arc::new(AtomicBool::new(true));
    let flag = Arc::clone(&failing);
    let exporter = builder()
        .store(move |config| {
            let stock = VitalsStore::from_config(config)?;
            Ok(Arc::new(FlakyStore {
                stock,
                failing: flag,
            }) as Arc<dyn MetricsStore>)
        })
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;
    assert_eq!(get(server.address, "/metrics", &[]).await.status, 500);
    failing.store(false, Ordering::SeqCst);
    let answer = get(server.address, "/metrics", &[]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(requests(&answer.body, "500"), Some(1.0), "{}", answer.body);
    assert_eq!(requests(&answer.body, "200"), Some(0.0));
    server.shut_down().await;
}

#[tokio::test]
async fn the_self_metrics_can_be_switched_off() {
    let exporter = builder().scrape_metrics(false).build().unwrap();
    let server = Running::exporter(&exporter).await;
    for _ in 0..2 {
        let answer = get(server.address, "/metrics", &[]).await;
        assert_eq!(answer.status, 200);
        assert!(!answer.body.contains("promhttp_"), "{}", answer.body);
    }
    server.shut_down().await;
}
