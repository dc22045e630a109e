//! Tower plumbing both layers share, written once: marking the polls of
//! the inner future and body (so a guard dropped by a caught panic is told
//! apart from one dropped because the client left), and the accessors of a
//! wrapping service.

/// The guard of one call in progress, which counts it exactly once when it
/// ends. The layers' response futures and bodies poll their inner future or
/// body through [`poll_marked`], so the guard's `Drop` can tell how the
/// call ended with [`ended_by_panic`]. A client-side layer implements it
/// for its own guard the same way.
pub(crate) trait CallEnd {
    /// Marks the start (`true`) and the end (`false`) of a poll.
    fn set_polling(&mut self, polling: bool);
}

/// Runs `poll` (a poll of the inner future or body) with `guard` marked
/// as polling.
pub(crate) fn poll_marked<G: CallEnd, T>(guard: &mut Option<G>, poll: impl FnOnce() -> T) -> T {
    if let Some(guard) = guard.as_mut() {
        guard.set_polling(true);
    }
    let result = poll();
    if let Some(guard) = guard.as_mut() {
        guard.set_polling(false);
    }
    result
}

/// Whether a guard dropped unfinished was dropped by a panic: one unwinding
/// now, or one caught (by a catch-panic layer) while a poll was running.
pub(crate) fn ended_by_panic(polling: bool) -> bool {
    std::thread::panicking() || polling
}

/// `get_ref`, `get_mut` and `into_inner` of a service wrapping `inner: S`.
macro_rules! inner_service_accessors {
    ($service:ident) => {
        impl<S> $service<S> {
            /// The wrapped service.
            pub fn get_ref(&self) -> &S {
                &self.inner
            }

            /// The wrapped service, mutably.
            pub fn get_mut(&mut self) -> &mut S {
                &mut self.inner
            }

            /// Unwraps the service.
            pub fn into_inner(self) -> S {
                self.inner
            }
        }
    };
}
pub(crate) use inner_service_accessors;
