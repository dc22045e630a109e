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
pub use crate::rpc::descriptors::{origin, rpc_duration, rpc_in_flight, rpc_requests};
pub use crate::rpc::status_rules;
pub use crate::rpc::{CallGuard, RpcSite};

pub use crate::bounded::BoundedLabel;
pub use crate::group::{CounterFamily, GaugeFamily, HistogramFamily, LabelArg};
pub use crate::health::HealthState;
pub use crate::metric_enum::MetricEnum;
pub use crate::state_gauge::{StateEncoding, StateGauge, StateMetric, StateMetricParts};
pub use crate::status::ErrorStatus;

pub use core::option::Option::{None, Some};
