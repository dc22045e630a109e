//! `HttpClientMetricsLayer` as a `reqwest_middleware::Middleware`, calling
//! a real axum server over loopback; assertions on the text the Prometheus
//! exporter renders.

mod layer_support;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use vitals::middleware::HttpClientMetricsLayer;

use layer_support::{recorder, series_of, serve_router, value};

async fn server() -> SocketAddr {
    let router = Router::new()
        .route("/items/{id}", get(|| async { "an item" }))
        .route(
            "/fail",
            get(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, "broken") }),
        )
        .route(
            "/hang",
            get(|| async {
                std::future::pending::<()>().await;
                "never"
            }),
        );
    serve_router(router).await
}

fn client(namespace: &str, timeout: Option<Duration>) -> ClientWithMiddleware {
    recorder();
    let layer = HttpClientMetricsLayer::builder()
        .namespace(namespace)
        .build()
        .expect("a valid layer");
    let mut inner = reqwest::Client::builder();
    if let Some(timeout) = timeout {
        inner = inner.timeout(timeout);
    }
    ClientBuilder::new(inner.build().expect("a client"))
        .with(layer)
        .build()
}

fn count(namespace: &str, address: SocketAddr, status: &str, error: &str) -> Option<f64> {
    let ip = address.ip().to_string();
    let port = address.port().to_string();
    value(
        &format!("{namespace}_http_client_requests_total"),
        &[
            ("http_request_method", "GET"),
            ("server_address", ip.as_str()),
            ("server_port", port.as_str()),
            ("http_response_status_code", status),
            ("error_type", error),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_counted_when_their_body_is_read() {
    let address = server().await;
    let client = client("r_ok", None);
    let response = client
        .get(format!("http://{address}/items/9"))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.url().path(), "/items/9", "the URL survives");
    // Headers in, body unread: in progress.
    assert!(series_of("r_ok_http_client_requests_total").is_empty());
    assert_eq!(response.text().await.expect("a body"), "an item");
    assert_eq!(count("r_ok", address, "200", ""), Some(1.0));

    let failed = client
        .get(format!("http://{address}/fail"))
        .send()
        .await
        .expect("a response");
    assert_eq!(failed.text().await.expect("a body"), "broken");
    assert_eq!(count("r_ok", address, "500", "500"), Some(1.0));
    assert_eq!(series_of("r_ok_http_client_requests_total").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_refused_connections_are_error_types() {
    let address = server().await;
    let client = client("r_errors", Some(Duration::from_millis(100)));
    let error = client
        .get(format!("http://{address}/hang"))
        .send()
        .await
        .expect_err("the server hangs");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(count("r_errors", address, "", "timeout"), Some(1.0));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let closed = listener.local_addr().expect("a bound address");
    drop(listener);
    let error = client
        .get(format!("http://{closed}/"))
        .send()
        .await
        .expect_err("nothing listens");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(
        count("r_errors", closed, "", "connection_refused"),
        Some(1.0)
    );
}
