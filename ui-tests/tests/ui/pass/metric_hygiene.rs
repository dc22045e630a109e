//! `#[metric_enum]` and `#[metric_group]` output names nothing the user can
//! shadow, trips no lint, and needs no direct `metrics` dependency (this
//! crate has none).
#![deny(
    unused_qualifications,
    unused_imports,
    unused_results,
    missing_docs,
    clippy::all
)]
#![forbid(unsafe_code)]

use vitals::{StateMetric, metric_enum, metric_group};

/// A user type called `Result`.
#[allow(dead_code)]
pub enum Result {
    /// Nothing.
    Nothing,
}

/// A user type called `Option`.
#[allow(dead_code)]
pub struct Option;

/// A user module called `metrics`.
pub mod metrics {
    /// Not the facade.
    pub fn counter() {}
}

/// A user module called `core`.
pub mod core {}

/// A user module called `linkme`.
pub mod linkme {}

/// How a job ended.
#[metric_enum]
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    /// Done.
    Completed,
    /// Not done.
    #[metric(rename = "error")]
    Failed,
}

/// The coordinator's state.
#[metric_enum(
    state = "coordinator_state",
    encoding = "value",
    labels(component = "coordinator")
)]
#[derive(Clone, Copy, Debug)]
pub enum CoordinatorState {
    /// Recovering.
    Recovery = 1,
    /// Serving.
    Serving = 2,
}

/// A StateSet with the default encoding.
#[metric_enum(state = "phase", rename_all = "kebab-case")]
pub enum Phase {
    /// Starting.
    StartingUp,
    /// Running.
    Running,
}

/// Label types from another module.
pub mod jobs {
    /// What a job does.
    #[vitals::metric_enum]
    #[derive(Clone, Copy, Debug)]
    pub enum Kind {
        /// Proving.
        Prove,
    }
}

/// The application's metrics.
#[metric_group(prefix = "coordinator")]
pub struct CoordinatorMetrics {
    /// Jobs by outcome.
    #[metric(labels(kind: jobs::Kind, outcome: Outcome))]
    jobs_total: Counter,
    /// Workers connected.
    workers_connected: Gauge,
    /// Job latency.
    #[metric(labels(worker: &str), buckets = [1, 10], limit = 10)]
    job_duration_seconds: Histogram,
}

static METRICS: CoordinatorMetrics = CoordinatorMetrics::new();

fn failing() -> ::core::result::Result<(), Outcome> {
    Err(Outcome::Failed)
}

fn main() {
    METRICS.jobs_total(jobs::Kind::Prove, Outcome::Completed).increment(1);
    METRICS.workers_connected().set(2.0);
    METRICS.job_duration_seconds("w-1").record(0.5);
    CoordinatorState::Serving.set_current();
    Phase::StartingUp.set_current();
    Phase::Running.set_current();
    let _ = CoordinatorState::Recovery;
    let _ = failing();
    let _ = CoordinatorMetrics::default();
}
