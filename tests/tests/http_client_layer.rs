//! `HttpClientMetricsLayer` around hyper-util's client, calling a real axum
//! server over loopback; assertions on the text the Prometheus exporter
//! renders.
//!
//! One global recorder serves the whole binary, so every test builds its
//! layer under its own namespace.

mod layer_support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::{any, get};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Notify;
use tower::{Layer, ServiceExt};
use vitals::middleware::http_client::{HttpClientMetrics, HttpClientMetricsLayer};

use layer_support::{recorder, serve_router, value};

type Bare = Client<HttpConnector, Empty<Bytes>>;

fn bare_client() -> Bare {
    Client::builder(TokioExecutor::new()).build_http()
}

fn layer(namespace: &str) -> HttpClientMetricsLayer {
    recorder();
    HttpClientMetricsLayer::builder()
        .namespace(namespace)
        .build()
        .expect("a valid layer")
}

fn client(layer: &HttpClientMetricsLayer) -> HttpClientMetrics<Bare> {
    layer.layer(bare_client())
}

/// A server whose `/slow` body waits for `release` between its two chunks.
async fn server(release: Arc<Notify>) -> SocketAddr {
    let router = Router::new()
        .route("/users/{id}", get(|| async { "a user" }))
        .route(
            "/fail",
            get(|| async { (http::StatusCode::SERVICE_UNAVAILABLE, "down") }),
        )
        .route("/teapot", get(|| async { http::StatusCode::IM_A_TEAPOT }))
        .route(
            "/hang",
            get(|| async {
                std::future::pending::<()>().await;
                "never"
            }),
        )
        .route(
            "/slow",
            get(move || {
                let release = Arc::clone(&release);
                async move {
                    let chunks = async_stream(release);
                    Body::from_stream(chunks)
                }
            }),
        )
        .route("/any", any(|| async { "any" }));
    serve_router(router).await
}

/// Two chunks, the second once `release` is notified.
fn async_stream(
    release: Arc<Notify>,
) -> impl tokio_stream::Stream<Item = Result<Bytes, Infallible>> + Send {
    let first = tokio_stream::once(Ok(Bytes::from_static(b"first ")));
    let second = tokio_stream::StreamExt::then(tokio_stream::once(()), move |()| {
        let release = Arc::clone(&release);
        async move {
            release.notified().await;
            Ok(Bytes::from_static(b"second"))
        }
    });
    tokio_stream::StreamExt::chain(first, second)
}

fn get_request(address: SocketAddr, path: &str) -> http::Request<Empty<Bytes>> {
    http::Request::get(format!("http://{address}{path}"))
        .body(Empty::new())
        .expect("a valid request")
}

/// The labels of a request to `address`.
fn labels(
    address: SocketAddr,
    method: &'static str,
    status: &'static str,
    error: &'static str,
) -> Vec<(&'static str, String)> {
    vec![
        ("http_request_method", method.to_owned()),
        ("server_address", address.ip().to_string()),
        ("server_port", address.port().to_string()),
        ("http_response_status_code", status.to_owned()),
        ("error_type", error.to_owned()),
    ]
}

fn requests(namespace: &str, labels: &[(&'static str, String)]) -> Option<f64> {
    let labels: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
    value(&format!("{namespace}_http_client_requests_total"), &labels)
}

fn timed(namespace: &str, labels: &[(&'static str, String)]) -> Option<f64> {
    let labels: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
    value(
        &format!("{namespace}_http_client_request_duration_seconds_count"),
        &labels,
    )
}

/// Every rendered series of `namespace`'s request counter.
fn request_series(namespace: &str) -> Vec<String> {
    layer_support::series_of(&format!("{namespace}_http_client_requests_total"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_is_labelled_by_host_and_port_never_the_path() {
    let address = server(Arc::new(Notify::new())).await;
    let client = client(&layer("h_ok"));
    let response = client
        .oneshot(get_request(address, "/users/42?secret=1"))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.expect("a body");
    assert_eq!(body.to_bytes(), "a user");

    let ok = labels(address, "GET", "200", "");
    assert_eq!(requests("h_ok", &ok), Some(1.0));
    assert_eq!(timed("h_ok", &ok), Some(1.0));
    let series = request_series("h_ok");
    assert_eq!(series.len(), 1, "{series:?}");
    assert!(!series[0].contains("users") && !series[0].contains("secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_statuses_are_their_own_error_type() {
    let address = server(Arc::new(Notify::new())).await;
    let layer = layer("h_5xx");
    for path in ["/fail", "/fail", "/teapot"] {
        let response = client(&layer)
            .oneshot(get_request(address, path))
            .await
            .expect("a response");
        response.into_body().collect().await.expect("a body");
    }
    assert_eq!(
        requests("h_5xx", &labels(address, "GET", "503", "503")),
        Some(2.0)
    );
    assert_eq!(
        requests("h_5xx", &labels(address, "GET", "418", "418")),
        Some(1.0)
    );
    assert_eq!(request_series("h_5xx").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_counted_at_its_end() {
    let release = Arc::new(Notify::new());
    let address = server(Arc::clone(&release)).await;
    let client = client(&layer("h_slow"));
    let response = client
        .oneshot(get_request(address, "/slow"))
        .await
        .expect("a response");
    let mut body = response.into_body();
    let first = body
        .frame()
        .await
        .expect("a frame")
        .expect("no error")
        .into_data()
        .expect("data");
    assert_eq!(first, "first ");
    // The head and a chunk are in, the body is not over: not counted yet.
    assert!(request_series("h_slow").is_empty());
    release.notify_one();
    let rest = body.collect().await.expect("the rest").to_bytes();
    assert_eq!(rest, "second");
    assert_eq!(
        requests("h_slow", &labels(address, "GET", "200", "")),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_labelled_by_its_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("a bound address");
    drop(listener);
    let client = client(&layer("h_refused"));
    let error = client
        .oneshot(get_request(address, "/"))
        .await
        .expect_err("nothing listens");
    assert!(!error.to_string().is_empty());
    assert_eq!(
        requests(
            "h_refused",
            &labels(address, "GET", "", "connection_refused")
        ),
        Some(1.0)
    );
    assert_eq!(request_series("h_refused").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_labelled_timeout() {
    let address = server(Arc::new(Notify::new())).await;
    let layer = layer("h_timeout");
    let client = tower::ServiceBuilder::new()
        .layer(layer)
        .timeout(Duration::from_millis(100))
        .service(bare_client());
    client
        .oneshot(get_request(address, "/hang"))
        .await
        .expect_err("the server hangs");
    assert_eq!(
        requests("h_timeout", &labels(address, "GET", "", "timeout")),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_request_is_cancelled() {
    let address = server(Arc::new(Notify::new())).await;
    let client = client(&layer("h_cancel"));
    let call = client.oneshot(get_request(address, "/hang"));
    assert!(
        tokio::time::timeout(Duration::from_millis(100), call)
            .await
            .is_err(),
        "the server hangs"
    );
    assert_eq!(
        requests("h_cancel", &labels(address, "GET", "", "cancelled")),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_are_other() {
    let address = server(Arc::new(Notify::new())).await;
    let client = client(&layer("h_method"));
    let request = http::Request::builder()
        .method(http::Method::from_bytes(b"PURGE").expect("a valid method"))
        .uri(format!("http://{address}/any"))
        .body(Empty::new())
        .expect("a valid request");
    let response = client.oneshot(request).await.expect("a response");
    response.into_body().collect().await.expect("a body");
    assert_eq!(
        requests("h_method", &labels(address, "_OTHER", "200", "")),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_past_the_cap_are_other_and_a_configured_name_wins() {
    let first = server(Arc::new(Notify::new())).await;
    let second = server(Arc::new(Notify::new())).await;
    recorder();
    let capped = HttpClientMetricsLayer::builder()
        .namespace("h_capped")
        .max_servers(1)
        .build()
        .expect("a valid layer");
    for address in [first, second, second] {
        let response = capped
            .layer(bare_client())
            .oneshot(get_request(address, "/users/1"))
            .await
            .expect("a response");
        response.into_body().collect().await.expect("a body");
    }
    assert_eq!(
        requests("h_capped", &labels(first, "GET", "200", "")),
        Some(1.0)
    );
    let other = [
        ("http_request_method", "GET"),
        ("server_address", "_OTHER"),
        ("server_port", "_OTHER"),
        ("http_response_status_code", "200"),
        ("error_type", ""),
    ];
    assert_eq!(
        value("h_capped_http_client_requests_total", &other),
        Some(2.0)
    );

    let named = HttpClientMetricsLayer::builder()
        .namespace("h_named")
        .server_address("users-api")
        .build()
        .expect("a valid layer");
    let response = named
        .layer(bare_client())
        .oneshot(get_request(first, "/users/1"))
        .await
        .expect("a response");
    response.into_body().collect().await.expect("a body");
    let port = first.port().to_string();
    let named_labels = [
        ("http_request_method", "GET"),
        ("server_address", "users-api"),
        ("server_port", port.as_str()),
        ("http_response_status_code", "200"),
        ("error_type", ""),
    ];
    assert_eq!(
        value("h_named_http_client_requests_total", &named_labels),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_counted_exactly() {
    let address = server(Arc::new(Notify::new())).await;
    let layer = layer("h_concurrent");
    let calls: Vec<_> = (0..80)
        .map(|i| {
            let client = client(&layer);
            tokio::spawn(async move {
                let path = if i % 4 == 0 { "/fail" } else { "/users/7" };
                let response = client
                    .oneshot(get_request(address, path))
                    .await
                    .expect("a response");
                response.into_body().collect().await.expect("a body");
            })
        })
        .collect();
    for call in calls {
        call.await.expect("no panic");
    }
    assert_eq!(
        requests("h_concurrent", &labels(address, "GET", "200", "")),
        Some(60.0)
    );
    assert_eq!(
        requests("h_concurrent", &labels(address, "GET", "503", "503")),
        Some(20.0)
    );
    assert_eq!(
        timed("h_concurrent", &labels(address, "GET", "200", "")),
        Some(60.0)
    );
    assert_eq!(request_series("h_concurrent").len(), 2);
}
