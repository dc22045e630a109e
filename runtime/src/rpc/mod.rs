//! The runtime half of `#[instrument_rpc]`: one [`RpcSite`] per instrumented
//! fn, and a [`CallGuard`] per call.
//!
//! The attribute expands to a `static RpcSite` next to the body. A call does:
//!
//! 1. [`RpcSite::enter`]: find the handles for the current recorder, add one
//!    to the in-flight gauge, read the clock;
//! 2. run the body;
//! 3. [`CallGuard::finish`] with the status of the returned value: count the
//!    request under that status, observe the duration, subtract the in-flight
//!    one.
//!
//! If step 3 never happens because the body panicked or the future was
//! dropped, the guard's `Drop` does it with [`PANICKED`](crate::status::PANICKED)
//! or [`CANCELLED`](crate::status::CANCELLED), so every call that entered is
//! counted exactly once and the gauge always returns to where it was.
//!
//! After the first call of a site under the global recorder, a call
//! allocates nothing, hashes nothing and takes no lock: the handles live in
//! the site's `OnceLock`s and statuses are found by pointer comparison.

pub(crate) mod descriptors;
mod guard;
mod site;
pub mod status_rules;

pub use self::guard::CallGuard;
pub use self::site::RpcSite;
