//! Where metrics live between scrapes.
//!
//! - [`MetricsStore`]: what the endpoints, push and the catalogue wiring
//!   need from a store (render, upkeep, a recorder);
//! - [`VitalsStore`]: the default store;
//! - [`StoreConfig`] and [`StoreFactory`]: what a store is built from.
//!
//! Knows nothing of the builder, the exporter or HTTP: they sit on top.

mod cells;
mod config;
pub mod exemplars;
mod metrics_store;
mod names;
mod numbers;
mod registry;
mod render;
mod series;
mod shared_recorder;
mod upkeep;
mod vitals_store;

pub(crate) use self::config::checked_buckets;
pub use self::config::{StoreConfig, StoreFactory};
pub use self::metrics_store::MetricsStore;
pub(crate) use self::shared_recorder::SharedRecorder;
pub(crate) use self::upkeep::spawn_upkeep;
pub use self::vitals_store::VitalsStore;
