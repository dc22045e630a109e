//! Body wrappers: count messages both ways; the response body ends the call.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::codes::{UNKNOWN, code_in};
use super::frames::FrameCounter;
use super::guard::GrpcCallGuard;
use super::handles::MethodHandles;
use crate::middleware::plumbing::poll_marked;

pin_project! {
    /// Response body of [`GrpcMetrics`](super::GrpcMetrics): counts sent
    /// messages and ends the call at the trailers, at the end of the body,
    /// or (as `Canceled`) when dropped before either.
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        guard: Option<GrpcCallGuard>,
        // The code the response headers gave, if any.
        head_code: Option<usize>,
        frames: FrameCounter,
    }
}

impl<B: Body> ResponseBody<B> {
    pub(super) fn new(
        inner: B,
        mut guard: Option<GrpcCallGuard>,
        head_code: Option<usize>,
    ) -> Self {
        // A trailers-only response has an empty body that may never be polled.
        if inner.is_end_stream() {
            finish(&mut guard, head_code.unwrap_or(UNKNOWN));
        }
        Self {
            inner,
            guard,
            head_code,
            frames: FrameCounter::default(),
        }
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body,
    B::Data: AsRef<[u8]>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let mut this = self.project();
        let frame = poll_marked(this.guard, || this.inner.as_mut().poll_frame(cx));
        let frame = ready!(frame);
        let head_code = this.head_code.unwrap_or(UNKNOWN);
        match &frame {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    let messages = this.frames.feed(data.as_ref());
                    if let Some(sent) = this
                        .guard
                        .as_ref()
                        .and_then(|guard| guard.handles()?.sent.as_ref())
                    {
                        sent.increment(messages);
                    }
                } else if let Some(trailers) = frame.trailers_ref() {
                    // Where tonic puts the status of a call that sent a
                    // response: success, or an error raised mid-stream.
                    finish(this.guard, code_in(trailers).unwrap_or(head_code));
                }
                if this.inner.is_end_stream() {
                    finish(this.guard, head_code);
                }
            }
            // The stream broke off; the client sees no status.
            Some(Err(_)) => finish(this.guard, UNKNOWN),
            None => finish(this.guard, head_code),
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

fn finish(guard: &mut Option<GrpcCallGuard>, code: usize) {
    if let Some(mut guard) = guard.take() {
        guard.finish(code);
    }
}

pin_project! {
    /// Request body of [`GrpcMetrics`](super::GrpcMetrics): counts received messages.
    pub struct RequestBody<B> {
        #[pin]
        inner: B,
        handles: Option<Arc<MethodHandles>>,
        frames: FrameCounter,
    }
}

impl<B> RequestBody<B> {
    pub(super) fn new(inner: B, handles: Option<Arc<MethodHandles>>) -> Self {
        Self {
            inner,
            handles,
            frames: FrameCounter::default(),
        }
    }
}

impl<B> Body for RequestBody<B>
where
    B: Body,
    B::Data: AsRef<[u8]>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if let Some(Ok(frame)) = &frame {
            if let Some(data) = frame.data_ref() {
                let messages = this.frames.feed(data.as_ref());
                if let Some(received) = this
                    .handles
                    .as_ref()
                    .and_then(|handles| handles.received.as_ref())
                {
                    received.increment(messages);
                }
            }
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
