//! After warm-up, the client layers add no allocation to a unary gRPC call
//! or an HTTP request: handles are cached per label combination, so no
//! label, string or key is built.
//!
//! The counting allocator counts this thread's allocations, so the
//! measurements run on a current-thread runtime; the global
//! recorder is a `CapturingRecorder`, whose handles are plain atomics.

mod support;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use tower::{Layer, ServiceExt};
use vitals::middleware::grpc::{GrpcClientMetricsLayer, GrpcMethod, GrpcType};
use vitals::middleware::http_client::HttpClientMetricsLayer;
use vitals::testing::CapturingRecorder;

use support::alloc::{CALLS, CountingAllocator, WARM_UP, allocations_per_call};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// A unary gRPC answer as it comes off the wire: one empty message, then
/// `grpc-status: 0` in the trailers.
struct UnaryAnswer {
    step: u8,
}

impl http_body::Body for UnaryAnswer {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.step += 1;
        Poll::Ready(match self.step {
            1 => Some(Ok(Frame::data(Bytes::from_static(&[0, 0, 0, 0, 0])))),
            2 => {
                let mut trailers = http::HeaderMap::new();
                trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
                Some(Ok(Frame::trailers(trailers)))
            }
            _ => None,
        })
    }
}

async fn grpc_server(
    _request: http::Request<tonic::body::Body>,
) -> Result<http::Response<UnaryAnswer>, Infallible> {
    Ok(http::Response::new(UnaryAnswer { step: 0 }))
}

async fn call_grpc<S, B>(service: &S)
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<B>,
            Error = Infallible,
        > + Clone,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let request = http::Request::post("/shop.v1.Cart/Add")
        .body(tonic::body::Body::empty())
        .expect("a valid request");
    let response = service.clone().oneshot(request).await.expect("infallible");
    response.into_body().collect().await.expect("a body");
}

async fn http_server(
    _request: http::Request<Full<Bytes>>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    Ok(http::Response::new(Full::new(Bytes::from_static(b"ada"))))
}

async fn call_http<S, B>(service: &S)
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let request = http::Request::get("http://api.example.com/users/7")
        .body(Full::new(Bytes::new()))
        .expect("a valid request");
    let response = service.clone().oneshot(request).await.expect("an answer");
    response.into_body().collect().await.expect("a body");
}

#[tokio::test(flavor = "current_thread")]
async fn warm_calls_allocate_nothing_more_than_without_the_layers() {
    let recorder = CapturingRecorder::new();
    metrics::set_global_recorder(recorder.clone())
        .expect("the only global recorder of this binary");
    vitals::global_recorder_installed();

    let bare = tower::service_fn(grpc_server);
    let layered = GrpcClientMetricsLayer::builder()
        .methods([GrpcMethod::new("shop.v1.Cart", "Add", GrpcType::Unary)])
        .build()
        .expect("a valid layer")
        .layer(tower::service_fn(grpc_server));
    let without = allocations_per_call(|| call_grpc(&bare)).await;
    let with = allocations_per_call(|| call_grpc(&layered)).await;
    assert_eq!(
        with, without,
        "gRPC client: {with} allocations per call with the layer, {without} without"
    );

    let bare = tower::service_fn(http_server);
    let layered = HttpClientMetricsLayer::builder()
        .build()
        .expect("a valid layer")
        .layer(tower::service_fn(http_server));
    let without = allocations_per_call(|| call_http(&bare)).await;
    let with = allocations_per_call(|| call_http(&layered)).await;
    assert_eq!(
        with, without,
        "HTTP client: {with} allocations per request with the layer, {without} without"
    );

    // The calls were recorded through the cached handles.
    let recorded = recorder.snapshot();
    let method = [
        ("grpc_type", "unary"),
        ("grpc_service", "shop.v1.Cart"),
        ("grpc_method", "Add"),
    ];
    let with_code = [&method[..], &[("grpc_code", "OK")]].concat();
    let calls = Some(WARM_UP + CALLS);
    assert_eq!(
        recorded.counter("grpc_client_handled_total", &with_code),
        calls
    );
    assert_eq!(
        recorded.counter("grpc_client_msg_sent_total", &method),
        calls
    );
    assert_eq!(
        recorded.counter("grpc_client_msg_received_total", &method),
        calls
    );
    let labels = [
        ("http_request_method", "GET"),
        ("server_address", "api.example.com"),
        ("server_port", "80"),
        ("http_response_status_code", "200"),
        ("error_type", ""),
    ];
    assert_eq!(
        recorded.counter("http_client_requests_total", &labels),
        calls
    );
}
