//! One call in progress: counted exactly once, however it ends.

use std::sync::Arc;

use super::codes::{CANCELED, INTERNAL};
use super::handles::MethodHandles;
use crate::middleware::plumbing;

/// Counts one call when it ends. Lives in the response future, then in the
/// response body.
pub(super) struct GrpcCallGuard {
    /// `None` once the call is counted.
    handles: Option<Arc<MethodHandles>>,
    start: quanta::Instant,
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
            polling: false,
        }
    }

    /// The call's handles, until it is counted.
    pub(super) fn handles(&self) -> Option<&Arc<MethodHandles>> {
        self.handles.as_ref()
    }

    /// Counts the call as handled with gRPC code `code`.
    pub(super) fn finish(&mut self, code: usize) {
        if let Some(handles) = self.handles.take() {
            handles.finish(code, self.start.elapsed().as_secs_f64());
        }
    }
}

impl plumbing::CallEnd for GrpcCallGuard {
    fn set_polling(&mut self, polling: bool) {
        self.polling = polling;
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
