//! Everything generated code needs, under one hidden path.
//!
//! Macro output names only `::vitals::__private::…` (or the path given with
//! `crate = …`), so an application needs no direct dependency on `metrics`,
//! `linkme` or `tracing`, and a local item called `metrics` or `Result`
//! cannot capture a generated path. Nothing here is a stable API.

pub use ::linkme;
pub use ::metrics;
pub use ::tracing;

pub use crate::catalogue::{
    CATALOGUE, LabelDescriptor, LabelValues, MetricDescriptor, MetricKind, Origin, Unit,
};
pub use crate::rpc::{CallGuard, RpcSite};

pub use crate::bounded::BoundedLabel;
pub use crate::group::{CounterFamily, GaugeFamily, HistogramFamily, LabelArg};
pub use crate::metric_enum::MetricEnum;
pub use crate::state::{StateEncoding, StateGauge, StateMetric};
pub use crate::status::ErrorStatus;

pub use core::option::Option::{None, Some};

/// Learns the ambient recorder now. An exporter calls this right after
/// installing its global recorder, so call sites cache handles at once
/// instead of after the next rate-limited probe.
pub fn refresh_recorder_identity() {
    crate::recorder_identity::refresh();
}

/// Picks the status rule for a return value at compile time, by autoref
/// specialisation: method resolution tries `&&&Wrap` first (the type
/// implements `RpcStatus`), then `&&Wrap` (any `Result`), then `&Wrap`
/// (anything).
pub mod status {
    use core::marker::PhantomData;

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

    /// A return type, for listing its statuses without a value.
    pub struct Probe<T: ?Sized>(PhantomData<T>);

    impl<T: ?Sized> Probe<T> {
        /// A probe for `T`.
        pub const fn new() -> Self {
            Probe(PhantomData)
        }
    }

    impl<T: ?Sized> Default for Probe<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Rule 1, by type.
    pub trait ValuesViaRpcStatus {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T: RpcStatus + ?Sized> ValuesViaRpcStatus for &&Probe<T> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            T::STATUS_VALUES
        }
    }

    /// Rule 2, by type.
    pub trait ValuesViaResult {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T, E> ValuesViaResult for &Probe<Result<T, E>> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            &[OK, ERROR]
        }
    }

    /// Rule 3, by type.
    pub trait ValuesViaAnything {
        /// Every status the type can produce.
        fn __vitals_status_values(&self) -> &'static [&'static str];
    }
    impl<T: ?Sized> ValuesViaAnything for Probe<T> {
        fn __vitals_status_values(&self) -> &'static [&'static str] {
            &[OK]
        }
    }
}
