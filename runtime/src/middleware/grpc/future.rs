//! The response future: reads the code from the headers, if there, and
//! hands the guard to the response body.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::body::ResponseBody;
use super::codes::{UNKNOWN, code_from_head};
use super::guard::GrpcCallGuard;
use crate::middleware::plumbing::poll_marked;

pin_project! {
    /// Response future of [`GrpcMetrics`](super::GrpcMetrics).
    pub struct ResponseFuture<F> {
        #[pin]
        pub(super) inner: F,
        pub(super) guard: Option<GrpcCallGuard>,
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    B: http_body::Body,
{
    type Output = Result<http::Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = poll_marked(this.guard, || this.inner.poll(cx));
        let result = ready!(result);
        let mut guard = this.guard.take();
        Poll::Ready(match result {
            Ok(response) => {
                let head_code = code_from_head(&response);
                Ok(response.map(|body| ResponseBody::new(body, guard, head_code)))
            }
            Err(error) => {
                // The connection is torn down without a gRPC status.
                if let Some(guard) = &mut guard {
                    guard.finish(UNKNOWN);
                }
                Err(error)
            }
        })
    }
}
