//! The response body wrapper: the end of the body ends the request.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::guard::{CLIENT_CLOSED_STATUS, RequestGuard};
use crate::middleware::plumbing::poll_marked;

pin_project! {
    /// Response body of [`HttpMetrics`](super::HttpMetrics): the request is
    /// counted when this body ends, or when it is dropped before its end
    /// (as [`CLIENT_CLOSED_STATUS`](super::CLIENT_CLOSED_STATUS), by the
    /// guard's own `Drop`).
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        guard: Option<RequestGuard>,
        status: &'static str,
        bytes: u64,
    }

}

impl<B: Body> ResponseBody<B> {
    pub(super) fn new(inner: B, mut guard: Option<RequestGuard>, status: &'static str) -> Self {
        // An empty body is complete already, and servers may never poll it.
        if inner.is_end_stream() {
            finish(&mut guard, status, 0);
        }
        Self {
            inner,
            guard,
            status,
            bytes: 0,
        }
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let mut this = self.project();
        let frame = poll_marked(this.guard, || this.inner.as_mut().poll_frame(cx));
        let frame = ready!(frame);
        match &frame {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    *this.bytes += data.remaining() as u64;
                }
                // Servers stop polling once a body says it has ended, so the
                // final `None` may never come.
                if this.inner.is_end_stream() {
                    finish(this.guard, this.status, *this.bytes);
                }
            }
            // The body failed: the client gets a truncated response.
            Some(Err(_)) => finish(this.guard, CLIENT_CLOSED_STATUS, *this.bytes),
            None => finish(this.guard, this.status, *this.bytes),
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn finish(guard: &mut Option<RequestGuard>, status: &'static str, bytes: u64) {
    if let Some(mut guard) = guard.take() {
        guard.finish(status, bytes);
    }
}
