//! One client call in progress: counted exactly once, however it ends.

use std::sync::Arc;
use std::time::Duration;

use http_body::Frame;

use super::deadline::is_timeout;
use crate::middleware::grpc::codes::{
    CANCELED, DEADLINE_EXCEEDED, INTERNAL, OK, UNAVAILABLE, code_from_head, code_in,
};
use crate::middleware::grpc::frames::FrameCounter;
use crate::middleware::grpc::handles::MethodHandles;
use crate::middleware::plumbing::{CallEnd, ServiceErrorEnd};

/// Counts one client call when it ends. Lives in the response future, then
/// in the response body.
pub struct ClientCallGuard {
    /// `None` once the call is counted.
    handles: Option<Arc<MethodHandles>>,
    start: quanta::Instant,
    /// When the call's `grpc-timeout` runs out, if it sent one: on the
    /// clock tokio's timers use (quanta's may differ by a hair, which would
    /// put a timeout fired by tonic just before the deadline).
    deadline: Option<std::time::Instant>,
    /// Splits the response body into messages, to count them as received.
    frames: FrameCounter,
}

impl ClientCallGuard {
    /// Starts a call: counts it as started and starts the clock.
    pub(super) fn start(handles: Arc<MethodHandles>, timeout: Option<Duration>) -> Self {
        if let Some(started) = &handles.started {
            started.increment(1);
        }
        Self {
            handles: Some(handles),
            start: quanta::Instant::now(),
            deadline: timeout.and_then(|timeout| std::time::Instant::now().checked_add(timeout)),
            frames: FrameCounter::default(),
        }
    }

    /// Counts the call as handled with gRPC code `code`; a call that fails
    /// once its deadline has passed is `DeadlineExceeded`, what grpc-go's
    /// client reports (tonic's says `Cancelled` for its own timeout).
    fn finish(&mut self, code: usize) {
        if let Some(handles) = self.handles.take() {
            let elapsed = self.start.elapsed();
            let late = self
                .deadline
                .is_some_and(|deadline| std::time::Instant::now() >= deadline);
            let code = if code != OK && late {
                DEADLINE_EXCEEDED
            } else {
                code
            };
            handles.finish(code, elapsed.as_secs_f64());
        }
    }
}

impl<E: 'static> ServiceErrorEnd<E> for ClientCallGuard {
    fn on_service_error(&mut self, error: &E) {
        // No response: the connection was refused or broke (`Unavailable`,
        // as tonic and grpc-go say), or tonic's own timeout fired.
        self.finish(if is_timeout(error as &dyn std::any::Any) {
            DEADLINE_EXCEEDED
        } else {
            UNAVAILABLE
        });
    }
}

impl<D: AsRef<[u8]>> CallEnd<D> for ClientCallGuard {
    fn set_polling(&mut self, _polling: bool) {
        // A panic on the caller's side is the caller cancelling: `Drop`
        // counts it as `Canceled` either way.
    }

    fn on_response<B>(&mut self, response: &http::Response<B>) {
        // A status in the head (a trailers-only answer, or an HTTP error
        // from a proxy) ends the call: tonic's client returns the error
        // and drops the body unread.
        if let Some(code) = code_from_head(response) {
            self.finish(code);
        }
    }

    fn on_frame(&mut self, frame: &Frame<D>) {
        if let Some(data) = frame.data_ref() {
            let messages = self.frames.feed(data.as_ref());
            if let Some(received) = self
                .handles
                .as_ref()
                .and_then(|handles| handles.response_messages.as_ref())
            {
                received.increment(messages);
            }
        } else if let Some(trailers) = frame.trailers_ref() {
            self.finish(code_in(trailers).unwrap_or(INTERNAL));
        }
    }

    fn on_body_end(&mut self) {
        // The stream ended with no trailers: grpc-go's client says
        // "server closed the stream without sending trailers", `Internal`.
        self.finish(INTERNAL);
    }

    fn on_body_error(&mut self) {
        // The stream broke off (connection lost, stream reset).
        self.finish(UNAVAILABLE);
    }
}

impl Drop for ClientCallGuard {
    fn drop(&mut self) {
        // Reached unfinished when the caller dropped the call (its future,
        // or the response stream before its end): cancelled, or past its
        // deadline if it had one that passed.
        self.finish(CANCELED);
    }
}
