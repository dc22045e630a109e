//! The client service: finds the method, starts the call, counts the
//! request's messages, wraps the response.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::deadline::timeout_of;
use super::guard::ClientCallGuard;
use crate::middleware::grpc::body::RequestBody;
use crate::middleware::grpc::methods::GrpcType;
use crate::middleware::grpc::shared::Shared;
use crate::middleware::plumbing::{ResponseBody, ResponseFuture, inner_service_accessors};

/// A service recording gRPC client metrics; from
/// [`GrpcClientMetricsLayer`](super::GrpcClientMetricsLayer).
///
/// It takes the requests tonic's generated clients send
/// (`http::Request<tonic::body::Body>`) and passes them on as such, so it
/// wraps a `Channel` or any tower HTTP client service over tonic's body.
#[derive(Clone)]
pub struct GrpcClientMetrics<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> GrpcClientMetrics<S> {
    pub(super) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

inner_service_accessors!(GrpcClientMetrics);

impl<S, ResBody> tower::Service<http::Request<tonic::body::Body>> for GrpcClientMetrics<S>
where
    S: tower::Service<http::Request<tonic::body::Body>, Response = http::Response<ResBody>>,
    S::Error: 'static,
    ResBody: http_body::Body,
    // Messages are counted by reading the gRPC frame headers in the data.
    ResBody::Data: AsRef<[u8]>,
{
    type Response = http::Response<ResponseBody<ResBody, ClientCallGuard>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ClientCallGuard>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let handles = self.shared.resolve(request.uri().path());
        let timeout = timeout_of(request.headers());
        let request = match handles.kind() {
            // One request message: counted as sent when the call starts,
            // as go-grpc-middleware's unary and server-stream interceptors
            // do, so the body goes on untouched.
            Some(GrpcType::Unary | GrpcType::ServerStream) => {
                if let Some(sent) = &handles.request_messages {
                    sent.increment(1);
                }
                request
            }
            // A stream of requests (or an unknown method): counted as the
            // messages go out, which costs tonic's body one more box.
            _ => {
                let handles = Arc::clone(&handles);
                request.map(|body| tonic::body::Body::new(RequestBody::new(body, Some(handles))))
            }
        };
        ResponseFuture::new(
            self.inner.call(request),
            Some(ClientCallGuard::start(handles, timeout)),
        )
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for GrpcClientMetrics<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcClientMetrics")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
