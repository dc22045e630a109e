//! What a layer's guard is told as a call ends.

use http_body::Frame;

/// The guard of one call in progress, which counts it exactly once when it
/// ends. [`ResponseFuture`](super::ResponseFuture) and
/// [`ResponseBody`](super::ResponseBody) call these as the response comes
/// out; a guard counts the call in whichever ends it first (later calls do
/// nothing) and, if none does, in its own `Drop`. `D` is the body's data
/// type. Implemented by each layer's guard; applications never name it.
pub trait CallEnd<D> {
    /// Marks the start (`true`) and the end (`false`) of a poll of the inner
    /// future or body, so `Drop` can tell a caught panic ([`ended_by_panic`]).
    fn set_polling(&mut self, polling: bool);

    /// The inner service answered with this head.
    fn on_response<B>(&mut self, response: &http::Response<B>);

    /// A frame of the response body went out.
    fn on_frame(&mut self, frame: &Frame<D>);

    /// The response body ended: its last frame went out, or it was empty.
    fn on_body_end(&mut self);

    /// The response body failed: the client gets a truncated response.
    fn on_body_error(&mut self);
}

/// What a guard is told when the inner service returns an error `E`
/// instead of a response. Server guards take any error and ignore it; the
/// gRPC client guard reads it (so needs `E: 'static`) to tell tonic's
/// timeout from a refused connection.
pub trait ServiceErrorEnd<E> {
    /// The inner service returned `error` instead of a response.
    fn on_service_error(&mut self, error: &E);
}

/// Whether a guard dropped unfinished was dropped by a panic: one unwinding
/// now, or one caught (by a catch-panic layer) while a poll was running.
#[cfg(any(feature = "axum", feature = "tonic"))]
pub(crate) fn ended_by_panic(polling: bool) -> bool {
    std::thread::panicking() || polling
}

/// Runs `poll` (a poll of the inner future or body) with `guard` marked
/// as polling.
pub(super) fn poll_marked<G: CallEnd<D>, D, T>(
    guard: &mut Option<G>,
    poll: impl FnOnce() -> T,
) -> T {
    if let Some(guard) = guard.as_mut() {
        guard.set_polling(true);
    }
    let result = poll();
    if let Some(guard) = guard.as_mut() {
        guard.set_polling(false);
    }
    result
}

/// Tells the guard, if still there, that the call ended and drops it.
pub(super) fn end<G: CallEnd<D>, D>(guard: &mut Option<G>, ended: impl FnOnce(&mut G)) {
    if let Some(mut guard) = guard.take() {
        ended(&mut guard);
    }
}
