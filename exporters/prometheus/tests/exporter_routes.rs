//! The exporter's own endpoints are not application traffic: with the HTTP
//! layer on a router that merges `exporter.router()`, scrapes, probes and
//! `/status` are not counted, because the exporter marks each of its answers
//! (`vitals::exporter_routes::ServedByExporter`); an application's own
//! `/status` on another router is still counted.

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
    // The scrape above was in flight while it rendered: had its request been
    // put on the active-requests gauge, a `route="/metrics"` series would
    // read 1 here. No family of the layer has a series of an exporter route.
    assert!(
        scrape.contains(r#"app_active_requests{method="GET",route="/orders"} "#),
        "{scrape}"
    );
    for route in vitals::exporter_routes::all() {
        let counted = scrape
            .lines()
            .any(|line| line.starts_with("app_") && line.contains(&format!("route=\"{route}\"")));
        assert!(!counted, "{route} was counted:\n{scrape}");
    }
    assert!(vitals::exporter_routes::contains("/status"));
    running.shut_down().await;

    // The same path served by the application, not the exporter, counts.
    let own = HttpMetricsLayer::builder()
        .prefix("own")
        .build()
        .expect("a valid layer");
    let app = Router::new()
        .route("/status", get(|| async { "fine" }))
        .layer(own);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    assert_eq!(fetch(address, "/status", &[]).await.status, 200);
    let scrape = exporter.render(vitals_prometheus::Format::Text);
    assert!(
        scrape.contains(r#"own_requests_total{method="GET",route="/status",status="200"} 1"#),
        "{scrape}"
    );
    // It entered the in-flight gauge at its head.
    assert!(
        scrape.contains(r#"own_active_requests{method="GET",route="/status"} "#),
        "{scrape}"
    );
    server.abort();
}
