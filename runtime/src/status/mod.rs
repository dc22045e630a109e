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
mod traits;

pub use self::grpc::{GRPC_CODE_NAMES, grpc_code_name};
#[cfg(feature = "http")]
pub use self::http::http_status_label;
pub use self::traits::{CANCELLED, ERROR, ErrorStatus, OK, PANICKED, RpcStatus};
