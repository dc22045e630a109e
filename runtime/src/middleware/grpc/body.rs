//! The request body wrapper: counts the request's messages (received on a
//! server, sent by a client). The response body is the shared one; the
//! guard counts its messages.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::frames::FrameCounter;
use super::handles::MethodHandles;

pin_project! {
    /// Request body of [`GrpcMetrics`](super::GrpcMetrics) (counts received
    /// messages) and of a client-streaming call through
    /// [`GrpcClientMetrics`](super::GrpcClientMetrics) (counts sent messages).
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
            let counter = this
                .handles
                .as_ref()
                .and_then(|handles| handles.request_messages.as_ref());
            this.frames.count_into(frame, counter);
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
