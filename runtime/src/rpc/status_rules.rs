//! Picks the status rule for a return value at compile time, by autoref
//! specialisation: method resolution tries `&&&Wrap` first (the type
//! implements `RpcStatus`), then `&&Wrap` (any `Result`), then `&Wrap`
//! (anything). Generated code glob-imports one of the two modules, so the
//! three traits of a rule are in scope with one line.

/// The status of one returned value.
pub mod by_value {
    use crate::status::{ERROR, OK, RpcStatus};

    /// A borrowed return value.
    pub struct Wrap<'a, T: ?Sized>(pub &'a T);

    /// Rule 1: the type implements `RpcStatus`.
    pub trait ViaRpcStatus {
        /// The status label.
        fn __vitals_status(&self) -> &'static str;
    }
    impl<T: RpcStatus + ?Sized> ViaRpcStatus for &&Wrap<'_, T> {
        fn __vitals_status(&self) -> &'static str {
            self.0.rpc_status()
        }
    }

    /// Rule 2: any `Result`.
    pub trait ViaResult {
        /// The status label.
        fn __vitals_status(&self) -> &'static str;
    }
    impl<T, E> ViaResult for &Wrap<'_, Result<T, E>> {
        fn __vitals_status(&self) -> &'static str {
            if self.0.is_ok() { OK } else { ERROR }
        }
    }

    /// Rule 3: anything.
    pub trait ViaAnything {
        /// The status label.
        fn __vitals_status(&self) -> &'static str;
    }
    impl<T: ?Sized> ViaAnything for Wrap<'_, T> {
        fn __vitals_status(&self) -> &'static str {
            OK
        }
    }
}

/// Every status a return type can produce, without a value.
pub mod by_type {
    use core::marker::PhantomData;

    use crate::status::{ERROR, OK, RpcStatus};

    /// A return type, standing for the statuses its values can have.
    pub struct StatusesOf<T: ?Sized>(PhantomData<T>);

    impl<T: ?Sized> StatusesOf<T> {
        /// The statuses of `T`.
        pub const fn new() -> Self {
            StatusesOf(PhantomData)
        }
    }

    impl<T: ?Sized> Default for StatusesOf<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Rule 1, by type.
    pub trait ValuesViaRpcStatus {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T: RpcStatus + ?Sized> ValuesViaRpcStatus for &&StatusesOf<T> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            T::STATUS_VALUES
        }
    }

    /// Rule 2, by type.
    pub trait ValuesViaResult {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T, E> ValuesViaResult for &StatusesOf<Result<T, E>> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            &[OK, ERROR]
        }
    }

    /// Rule 3, by type.
    pub trait ValuesViaAnything {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T: ?Sized> ValuesViaAnything for StatusesOf<T> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            &[OK]
        }
    }
}
