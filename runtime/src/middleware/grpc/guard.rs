//! One call in progress: counted exactly once, however it ends.

use std::sync::Arc;

use http_body::Frame;

use super::codes::{CANCELED, INTERNAL, UNKNOWN, code_from_head, code_in};
use super::frames::FrameCounter;
use super::handles::MethodHandles;
use crate::middleware::plumbing::{self, CallEnd, ServiceErrorEnd};

/// Counts one call when it ends. Lives in the response future, then in the
/// response body.
pub struct GrpcCallGuard {
    /// `None` once the call is counted.
    handles: Option<Arc<MethodHandles>>,
    start: quanta::Instant,
    /// The code the response headers gave, if any.
    head_code: Option<usize>,
    /// Splits the response body into messages, to count them as sent.
    frames: FrameCounter,
    /// Set while the inner future or body is polled: still set at drop
    /// means a poll panicked and something (a catch-panic layer) caught it.
    polling: bool,
}

impl GrpcCallGuard {
    /// Starts a call: counts it as started and starts the clock.
    pub(super) fn start(handles: Arc<MethodHandles>) -> Self {
        if let Some(started) = &handles.started {
            started.increment(1);
        }
        Self {
            handles: Some(handles),
            start: quanta::Instant::now(),
            head_code: None,
            frames: FrameCounter::default(),
            polling: false,
        }
    }

    /// Counts the call as handled with gRPC code `code`.
    fn finish(&mut self, code: usize) {
        if let Some(handles) = self.handles.take() {
            handles.finish(code, self.start.elapsed().as_secs_f64());
        }
    }
}

impl<E> ServiceErrorEnd<E> for GrpcCallGuard {
    fn on_service_error(&mut self, _error: &E) {
        // The connection is torn down without a gRPC status.
        self.finish(UNKNOWN);
    }
}

impl<D: AsRef<[u8]>> CallEnd<D> for GrpcCallGuard {
    fn set_polling(&mut self, polling: bool) {
        self.polling = polling;
    }

    fn on_response<B>(&mut self, response: &http::Response<B>) {
        self.head_code = code_from_head(response);
    }

    fn on_frame(&mut self, frame: &Frame<D>) {
        if let Some(data) = frame.data_ref() {
            let messages = self.frames.feed(data.as_ref());
            if let Some(sent) = self
                .handles
                .as_ref()
                .and_then(|handles| handles.response_messages.as_ref())
            {
                sent.increment(messages);
            }
        } else if let Some(trailers) = frame.trailers_ref() {
            // Where tonic puts the status of a call that sent a response:
            // success, or an error raised mid-stream.
            let code = code_in(trailers).or(self.head_code).unwrap_or(UNKNOWN);
            self.finish(code);
        }
    }

    fn on_body_end(&mut self) {
        // A trailers-only answer carries its code in the headers.
        self.finish(self.head_code.unwrap_or(UNKNOWN));
    }

    fn on_body_error(&mut self) {
        // The stream broke off; the client sees no status.
        self.finish(UNKNOWN);
    }
}

impl Drop for GrpcCallGuard {
    fn drop(&mut self) {
        // Reached unfinished only when the server dropped the call before
        // its end (the client cancelled, reset the stream or went away), or
        // when a poll panicked: unwinding through this layer, or caught by
        // `catch_unwind` and dropped afterwards.
        let panicked = plumbing::ended_by_panic(self.polling);
        self.finish(if panicked { INTERNAL } else { CANCELED });
    }
}
