//! `vitals::testing::capture_process` sees what spawned servers record: a
//! real axum server and a real tonic server on loopback, called by real
//! clients, where a local `capture_async` sees nothing. This binary
//! installs no other global recorder.

mod layer_support;

use axum::Router;
use axum::routing::get;
use layer_support::echo::{EchoService, client, serve};
use layer_support::proto::EchoRequest;
use layer_support::proto::echo_server::EchoServer;
use layer_support::serve_router;
use vitals::middleware::grpc::GrpcMetricsLayer;
use vitals::middleware::http::HttpMetricsLayer;
use vitals::testing::{capture_async, capture_process};

async fn get_path(address: std::net::SocketAddr, path: &str) -> u16 {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = client
        .get(format!("http://{address}{path}").parse().unwrap())
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("the whole body");
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_axum_server_is_captured() {
    let labels = [("method", "GET"), ("route", "/orders"), ("status", "200")];
    let app = || {
        Router::new()
            .route("/orders", get(|| async { "[]" }))
            .layer(
                HttpMetricsLayer::builder()
                    .prefix("process_http")
                    .build()
                    .unwrap(),
            )
    };

    // The local capture's limit: the server's tasks never see it.
    let address = serve_router(app()).await;
    let local = capture_async(async {
        assert_eq!(get_path(address, "/orders").await, 200);
    })
    .await;
    assert_eq!(local.counter("process_http_requests_total", &labels), None);

    let capture = capture_process();
    assert_eq!(get_path(address, "/orders").await, 200);
    assert_eq!(get_path(address, "/orders").await, 200);
    let recorded = capture.finish();
    assert_eq!(
        recorded.counter("process_http_requests_total", &labels),
        Some(2)
    );
    assert_eq!(
        recorded.histogram_count("process_http_request_duration_seconds", &labels),
        Some(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_tonic_server_is_captured() {
    let capture = capture_process();
    let layer = GrpcMetricsLayer::builder()
        .namespace("process")
        .service::<EchoServer<EchoService>>(layer_support::proto::DESCRIPTOR_SET)
        .build()
        .expect("a valid layer");
    let address = serve(layer).await;
    let mut echo = client(address).await;
    for _ in 0..3 {
        echo.unary(EchoRequest {
            message: "hi".to_owned(),
            ..Default::default()
        })
        .await
        .expect("the call succeeds");
    }
    let recorded = capture.finish();
    let method = [
        ("grpc_type", "unary"),
        ("grpc_service", "vitals.test.v1.Echo"),
        ("grpc_method", "Unary"),
    ];
    let with_code = |code| [&method[..], &[("grpc_code", code)]].concat();
    assert_eq!(
        recorded.counter("process_grpc_server_started_total", &method),
        Some(3)
    );
    assert_eq!(
        recorded.counter("process_grpc_server_handled_total", &with_code("OK")),
        Some(3)
    );
    // Pre-created during the capture, never happened.
    assert_eq!(
        recorded.counter("process_grpc_server_handled_total", &with_code("NotFound")),
        Some(0)
    );
}
