//! The response future: tells the guard what the service answered and
//! hands it to the response body.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::body::ResponseBody;
use super::call_end::{CallEnd, ServiceErrorEnd, end, poll_marked};

pin_project! {
    /// Response future of the layers' services
    /// ([`HttpMetrics`](crate::middleware::http::HttpMetrics),
    /// [`GrpcMetrics`](crate::middleware::grpc::GrpcMetrics)); `G` is the
    /// layer's call guard.
    pub struct ResponseFuture<F, G> {
        #[pin]
        inner: F,
        guard: Option<G>,
    }
}

impl<F, G> ResponseFuture<F, G> {
    /// Wraps the inner service's future; `guard` is `None` for a call the
    /// layer does not count.
    pub(crate) fn new(inner: F, guard: Option<G>) -> Self {
        Self { inner, guard }
    }
}

impl<F, B, E, G> Future for ResponseFuture<F, G>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    B: http_body::Body,
    G: CallEnd<B::Data> + ServiceErrorEnd<E>,
{
    type Output = Result<http::Response<ResponseBody<B, G>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(poll_marked(this.guard, || this.inner.poll(cx)));
        Poll::Ready(match result {
            Ok(response) => {
                let mut guard = this.guard.take();
                if let Some(guard) = &mut guard {
                    guard.on_response(&response);
                }
                Ok(response.map(|body| ResponseBody::new(body, guard)))
            }
            Err(error) => {
                end(this.guard, |guard| guard.on_service_error(&error));
                Err(error)
            }
        })
    }
}
