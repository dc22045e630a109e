//! The service: finds the server, starts the request, wraps the response.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::errors::{BoxError, BoxErrors};
use super::guard::ClientRequestGuard;
use super::labels::server_of;
use super::shared::Shared;
use crate::middleware::method_label::method_index;
use crate::middleware::plumbing::{ResponseBody, ResponseFuture, inner_service_accessors};

/// A service recording HTTP client metrics; from
/// [`HttpClientMetricsLayer`](super::HttpClientMetricsLayer). Its error is
/// the inner client's, boxed.
#[derive(Clone)]
pub struct HttpClientMetrics<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> HttpClientMetrics<S> {
    pub(super) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

inner_service_accessors!(HttpClientMetrics);

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for HttpClientMetrics<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Error: Into<BoxError>,
    ResBody: http_body::Body,
{
    type Response = http::Response<ResponseBody<ResBody, ClientRequestGuard>>;
    type Error = BoxError;
    type Future = ResponseFuture<BoxErrors<S::Future>, ClientRequestGuard>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let (address, port) = server_of(&request);
        let target = self.shared.resolve(address, port);
        let guard = ClientRequestGuard::start(target, method_index(request.method()));
        ResponseFuture::new(BoxErrors::new(self.inner.call(request)), Some(guard))
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for HttpClientMetrics<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClientMetrics")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
