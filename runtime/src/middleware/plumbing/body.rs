//! The response body wrapper: the end of the body ends the call.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::call_end::{CallEnd, end, poll_marked};

pin_project! {
    /// Response body of the layers' services: the call is counted when this
    /// body ends, or fails, or is dropped before its end (by the guard's
    /// own `Drop`, as the layer's "client went away" status).
    pub struct ResponseBody<B, G> {
        #[pin]
        inner: B,
        guard: Option<G>,
    }
}

impl<B: Body, G: CallEnd<B::Data>> ResponseBody<B, G> {
    pub(crate) fn new(inner: B, mut guard: Option<G>) -> Self {
        // An empty body (a trailers-only gRPC answer, a 204) is complete
        // already, and servers may never poll it.
        if inner.is_end_stream() {
            end(&mut guard, G::on_body_end);
        }
        Self { inner, guard }
    }
}

impl<B: Body, G: CallEnd<B::Data>> Body for ResponseBody<B, G> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let mut this = self.project();
        let frame = ready!(poll_marked(this.guard, || this
            .inner
            .as_mut()
            .poll_frame(cx)));
        match &frame {
            Some(Ok(frame)) => {
                if let Some(guard) = this.guard.as_mut() {
                    guard.on_frame(frame);
                }
                // Servers stop polling once a body says it has ended, so the
                // final `None` may never come.
                if this.inner.is_end_stream() {
                    end(this.guard, G::on_body_end);
                }
            }
            Some(Err(_)) => end(this.guard, G::on_body_error),
            None => end(this.guard, G::on_body_end),
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

impl<B: std::fmt::Debug, G> std::fmt::Debug for ResponseBody<B, G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody")
            .field("inner", &self.inner)
            .field("counted", &self.guard.is_none())
            .finish()
    }
}
