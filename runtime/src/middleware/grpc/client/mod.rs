//! The client side: [`GrpcClientMetricsLayer`] and what it is made of.

mod build;
mod builder;
mod deadline;
mod guard;
mod layer;
mod service;

pub use self::builder::GrpcClientMetricsLayerBuilder;
pub(super) use self::guard::ClientCallGuard;
pub use self::layer::GrpcClientMetricsLayer;
pub use self::service::GrpcClientMetrics;
