//! How a call's return value becomes its `status` label.
//!
//! `#[instrument_rpc]` looks at the value a call returns and picks the first
//! rule that applies to its type:
//!
//! 1. the type implements [`RpcStatus`]: its [`rpc_status`](RpcStatus::rpc_status).
//!    This covers `Result<T, E>` whenever `E` implements [`ErrorStatus`]
//!    (`tonic::Status`, `#[metric_enum]` error enums, your own errors),
//!    `tonic::Status` and `tonic::Code` (feature `tonic`), and
//!    `http::StatusCode` and `http::Response<B>` (feature `http`);
//! 2. any other `Result`: [`OK`] or [`ERROR`];
//! 3. anything else: [`OK`].
//!
//! A call that panics is counted as [`PANICKED`]; an `async` call whose
//! future is dropped before it completes (a timeout, a client that went away)
//! is counted as [`CANCELLED`].
//!
//! The rules are resolved at compile time from the concrete return type. In
//! a generic fn whose return type is a type parameter, rule 1 applies only if
//! the parameter is bounded by `RpcStatus`.
//!
//! Every status is a `&'static str`, so the number of distinct values, and of
//! series, is fixed by the program text: no request can invent a new one.
//!
//! ```
//! use vitals::{ErrorStatus, instrument_rpc};
//!
//! #[derive(Debug)]
//! enum LoginError { BadPassword, Locked }
//!
//! impl ErrorStatus for LoginError {
//!     const RESULT_STATUS_VALUES: &'static [&'static str] = &["ok", "bad_password", "locked"];
//!     fn error_status(&self) -> &'static str {
//!         match self {
//!             LoginError::BadPassword => "bad_password",
//!             LoginError::Locked => "locked",
//!         }
//!     }
//! }
//!
//! #[instrument_rpc(prefix = "auth")]
//! fn login(password: &str) -> Result<(), LoginError> {
//!     if password == "hunter2" { Ok(()) } else { Err(LoginError::BadPassword) }
//! }
//!
//! let recorded = vitals::testing::capture(|| { let _ = login("guess"); });
//! assert_eq!(recorded.counter("auth_requests_total", &[("method", "login"), ("status", "bad_password")]), Some(1));
//! ```

mod grpc;
#[cfg(feature = "http")]
mod http;

pub use self::grpc::{GRPC_CODE_NAMES, grpc_code_name};
#[cfg(feature = "http")]
pub use self::http::http_status_label;

/// Status of a call that returned normally and is not an error.
pub const OK: &str = "ok";
/// Status of a call that returned an `Err` whose type has no [`ErrorStatus`].
pub const ERROR: &str = "error";
/// Status of a call that panicked (the panic keeps propagating).
pub const PANICKED: &str = "panicked";
/// Status of an `async` call whose future was dropped before it completed.
pub const CANCELLED: &str = "cancelled";

/// A return type that knows its own `status` label.
///
/// Implement it for response types whose status is not an `Err`; for error
/// types, implement [`ErrorStatus`] instead and `Result<_, YourError>` gets
/// this trait for free.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not say which `status` label it gives",
    label = "expected a type implementing `RpcStatus`",
    note = "implement `vitals::RpcStatus` for `{Self}`, or use `#[metric_enum]` on a fieldless enum"
)]
pub trait RpcStatus {
    /// Every value [`rpc_status`](Self::rpc_status) can return, used to
    /// pre-create zero-valued series. Leave it empty when the set is too
    /// large to list (HTTP codes).
    const STATUS_VALUES: &'static [&'static str];

    /// The `status` label of this value.
    fn rpc_status(&self) -> &'static str;
}

/// An error type that knows the `status` label of a `Result` carrying it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an error status",
    label = "expected a type implementing `ErrorStatus`",
    note = "put `#[metric_enum]` on the error enum, or implement `vitals::ErrorStatus` for `{Self}`"
)]
pub trait ErrorStatus {
    /// The label of `Ok(_)` in a `Result<_, Self>`: [`OK`] unless overridden
    /// (`tonic::Status` uses gRPC's `OK`).
    const OK_STATUS: &'static str = OK;

    /// Every label a `Result<_, Self>` can produce, [`OK_STATUS`](Self::OK_STATUS) included.
    const RESULT_STATUS_VALUES: &'static [&'static str];

    /// The label of `Err(self)`.
    fn error_status(&self) -> &'static str;
}

impl<T, E: ErrorStatus> RpcStatus for Result<T, E> {
    const STATUS_VALUES: &'static [&'static str] = E::RESULT_STATUS_VALUES;

    fn rpc_status(&self) -> &'static str {
        let status = match self {
            Ok(_) => E::OK_STATUS,
            Err(error) => error.error_status(),
        };
        #[cfg(debug_assertions)]
        check_result_status_values::<E>(status);
        status
    }
}

/// A hand-written [`ErrorStatus::RESULT_STATUS_VALUES`] that leaves out a
/// status the type gives (or its `OK_STATUS`) would pre-create phantom
/// series and miss real ones; debug builds say so at the call that shows it.
#[cfg(debug_assertions)]
fn check_result_status_values<E: ErrorStatus>(status: &'static str) {
    let values = E::RESULT_STATUS_VALUES;
    if values.is_empty() {
        return; // "not listed": nothing to pre-create, nothing to contradict
    }
    let ty = std::any::type_name::<E>();
    assert!(
        values.contains(&E::OK_STATUS),
        "`{ty}::RESULT_STATUS_VALUES` is {values:?}, without its `OK_STATUS` `{}`; list every status a `Result<_, {ty}>` gives, or derive it with `#[metric_enum]`",
        E::OK_STATUS,
    );
    assert!(
        values.contains(&status),
        "`{ty}` gave status `{status}`, which `{ty}::RESULT_STATUS_VALUES` {values:?} leaves out; list every status a `Result<_, {ty}>` gives, or derive it with `#[metric_enum]`",
    );
}

impl<S: RpcStatus + ?Sized> RpcStatus for &S {
    const STATUS_VALUES: &'static [&'static str] = S::STATUS_VALUES;

    fn rpc_status(&self) -> &'static str {
        (**self).rpc_status()
    }
}

impl<S: RpcStatus + ?Sized> RpcStatus for Box<S> {
    const STATUS_VALUES: &'static [&'static str] = S::STATUS_VALUES;

    fn rpc_status(&self) -> &'static str {
        (**self).rpc_status()
    }
}
