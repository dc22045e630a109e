//! The exporter's own endpoints are not application traffic: with the HTTP
//! layer on a router that merges `exporter.router()`, scrapes, probes and
//! `/status` are not counted, because the exporter registers every route it
//! serves in `vitals::exporter_routes` from the table it routes with.

mod common;

use axum::Router;
use axum::routing::get;
use vitals::health::HealthRegistry;
use vitals::middleware::HttpMetricsLayer;
use vitals_prometheus::{BuildInfo, Exporter};

use common::{Running, get as fetch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporter_endpoints_are_not_counted_as_application_traffic() {
    let exporter = Exporter::builder(BuildInfo::new("svc", "0.1.0"))
        .health(HealthRegistry::new())
        .listen_address(([127, 0, 0, 1], 0))
        .install()
        .expect("the exporter installs");
    let layer = HttpMetricsLayer::builder()
        .prefix("app")
        .build()
        .expect("a valid layer");
    let app = Router::new()
        .route("/orders", get(|| async { "[]" }))
        .merge(exporter.router())
        .layer(layer);
    let running = Running::start(exporter.bind_with(app).await.expect("bind"));

    for path in [
        "/orders", "/status", "/livez", "/readyz", "/healthz", "/metrics",
    ] {
        assert_eq!(
            fetch(running.address, path, &[]).await.status,
            200,
            "{path}"
        );
    }
    let scrape = fetch(running.address, "/metrics", &[]).await.body;
    let counted: Vec<&str> = scrape
        .lines()
        .filter(|line| line.starts_with("app_requests_total{"))
        .collect();
    assert_eq!(counted.len(), 1, "{scrape}");
    assert!(counted[0].contains(r#"route="/orders""#), "{scrape}");
    for route in vitals::exporter_routes::all() {
        assert!(
            !scrape.contains(&format!("route=\"{route}\"")),
            "{route} was counted:\n{scrape}"
        );
    }
    assert!(vitals::exporter_routes::contains("/status"));
    running.shut_down().await;
}
