//! The service: finds the method, starts the call, wraps both bodies.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::body::RequestBody;
use super::guard::GrpcCallGuard;
use super::shared::Shared;
use crate::middleware::plumbing::{ResponseBody, ResponseFuture, inner_service_accessors};

/// A service recording gRPC server metrics; from [`GrpcMetricsLayer`](super::GrpcMetricsLayer).
#[derive(Clone)]
pub struct GrpcMetrics<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> GrpcMetrics<S> {
    pub(super) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

inner_service_accessors!(GrpcMetrics);

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for GrpcMetrics<S>
where
    S: tower::Service<http::Request<RequestBody<ReqBody>>, Response = http::Response<ResBody>>,
    ResBody: http_body::Body,
    // Messages are counted by reading the gRPC frame headers in the data.
    ResBody::Data: AsRef<[u8]>,
{
    type Response = http::Response<ResponseBody<ResBody, GrpcCallGuard>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, GrpcCallGuard>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let handles = self.shared.resolve(request.uri().path());
        let request = request.map(|body| RequestBody::new(body, Some(Arc::clone(&handles))));
        ResponseFuture::new(
            self.inner.call(request),
            Some(GrpcCallGuard::start(handles)),
        )
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for GrpcMetrics<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcMetrics")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
