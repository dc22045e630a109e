//! After warm-up, the layers add no allocation to a request: handles are
//! cached per label combination, so no label, string or key is built.
//!
//! The counting allocator counts this thread's allocations, so the
//! measurements run on a current-thread runtime; the global
//! recorder is a `CapturingRecorder`, whose handles are plain atomics.

mod support;

use std::convert::Infallible;

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use tower::{Layer, ServiceExt};
use vitals::middleware::grpc::{GrpcMethod, GrpcMetricsLayer, GrpcType};
use vitals::middleware::http::HttpMetricsLayer;
use vitals::testing::CapturingRecorder;

use support::alloc::{CALLS, CountingAllocator, WARM_UP, allocations_per_call};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

async fn get_via<S, B>(service: S)
where
    S: tower::Service<
            http::Request<axum::body::Body>,
            Response = http::Response<B>,
            Error = Infallible,
        >,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let request = http::Request::get("/users/7")
        .body(axum::body::Body::empty())
        .expect("a valid request");
    let response = service.oneshot(request).await.expect("infallible");
    response.into_body().collect().await.expect("a body");
}

type Answer = http::Response<Empty<Bytes>>;

async fn grpc_answer(_request: http::Request<impl Send>) -> Result<Answer, Infallible> {
    Ok(http::Response::builder()
        .header("grpc-status", "0")
        .body(Empty::new())
        .expect("a valid response"))
}

async fn call_grpc<S, B>(service: &S)
where
    S: tower::Service<
            http::Request<Empty<Bytes>>,
            Response = http::Response<B>,
            Error = Infallible,
        > + Clone,
{
    let request = http::Request::post("/shop.v1.Cart/Add")
        .body(Empty::new())
        .expect("a valid request");
    let response = service.clone().oneshot(request).await.expect("infallible");
    drop(response);
}

#[tokio::test(flavor = "current_thread")]
async fn warm_requests_allocate_nothing_more_than_without_the_layers() {
    let recorder = CapturingRecorder::new();
    metrics::set_global_recorder(recorder.clone())
        .expect("the only global recorder of this binary");
    vitals::global_recorder_installed();

    // Around the router rather than through `Router::layer`: axum boxes the
    // future and response body of any layer added with `Router::layer`,
    // which is axum's cost, not this layer's. Outside the router the route
    // is not known yet, so requests count as `unmatched`; the per-request
    // work is otherwise the same.
    let bare = Router::new().route("/users/{id}", get(|| async { "ada" }));
    let layered = HttpMetricsLayer::new().layer(bare.clone());
    let without = allocations_per_call(|| get_via(bare.clone())).await;
    let with = allocations_per_call(|| get_via(layered.clone())).await;
    assert_eq!(
        with, without,
        "HTTP: {with} allocations per request with the layer, {without} without"
    );

    let bare = tower::service_fn(grpc_answer);
    let layered = GrpcMetricsLayer::builder()
        .methods([GrpcMethod::new("shop.v1.Cart", "Add", GrpcType::Unary)])
        .build()
        .expect("a valid layer")
        .layer(tower::service_fn(grpc_answer));
    let without = allocations_per_call(|| call_grpc(&bare)).await;
    let with = allocations_per_call(|| call_grpc(&layered)).await;
    assert_eq!(
        with, without,
        "gRPC: {with} allocations per call with the layer, {without} without"
    );

    // The requests were recorded through the cached handles.
    let recorded = recorder.snapshot();
    let labels = [("method", "GET"), ("route", "unmatched"), ("status", "200")];
    assert_eq!(
        recorded.counter("http_server_requests_total", &labels),
        Some(WARM_UP + CALLS)
    );
    let method = [
        ("grpc_type", "unary"),
        ("grpc_service", "shop.v1.Cart"),
        ("grpc_method", "Add"),
        ("grpc_code", "OK"),
    ];
    assert_eq!(
        recorded.counter("grpc_server_handled_total", &method),
        Some(WARM_UP + CALLS)
    );
}
