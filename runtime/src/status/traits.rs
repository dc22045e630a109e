//! The status traits and the statuses every call can end with; the status
//! rules of HTTP codes and gRPC codes build on them.

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
    note = "implement `vitals::RpcStatus` for `{Self}`, or use `#[metric_enum]` on the enum"
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
