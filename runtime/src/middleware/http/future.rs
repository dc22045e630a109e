//! The response future: hands the guard to the response body.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::body::ResponseBody;
use super::guard::{RequestGuard, SERVER_ERROR_STATUS};
use crate::exporter_routes::ServedByExporter;
use crate::middleware::plumbing::poll_marked;

pin_project! {
    /// Response future of [`HttpMetrics`](super::HttpMetrics).
    pub struct ResponseFuture<F> {
        #[pin]
        pub(super) inner: F,
        pub(super) guard: Option<RequestGuard>,
        // Whether an answer an exporter marked goes uncounted.
        pub(super) skip_exporter_answers: bool,
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
                if *this.skip_exporter_answers
                    && response.extensions().get::<ServedByExporter>().is_some()
                {
                    if let Some(guard) = &mut guard {
                        guard.abandon();
                    }
                }
                let status = crate::status::http_status_label(response.status());
                Ok(response.map(|body| ResponseBody::new(body, guard, status)))
            }
            Err(error) => {
                // The server turns a service error into a failed response.
                if let Some(guard) = &mut guard {
                    guard.finish(SERVER_ERROR_STATUS, 0);
                }
                Err(error)
            }
        })
    }
}
