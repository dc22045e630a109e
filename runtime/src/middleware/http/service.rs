//! The service: resolves a request's handles and wraps its future.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::guard::RequestGuard;
use super::shared::Shared;
use crate::middleware::plumbing::{ResponseBody, ResponseFuture, inner_service_accessors};

/// A service recording HTTP server metrics; from [`HttpMetricsLayer`](super::HttpMetricsLayer).
#[derive(Clone)]
pub struct HttpMetrics<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> HttpMetrics<S> {
    pub(super) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

inner_service_accessors!(HttpMetrics);

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for HttpMetrics<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    ReqBody: http_body::Body,
    ResBody: http_body::Body,
{
    type Response = http::Response<ResponseBody<ResBody, RequestGuard>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, RequestGuard>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let route = request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map(|matched| matched.as_str());
        // The declared length (`Content-Length`): exact for every request
        // that has one, and free, where counting the bytes as the handler
        // reads them would take a shared cell per request.
        let bytes = http_body::Body::size_hint(request.body()).exact();
        let guard = self.shared.start(route, request.method(), bytes);
        ResponseFuture::new(self.inner.call(request), guard)
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for HttpMetrics<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpMetrics")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
