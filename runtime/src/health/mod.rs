//! Liveness, readiness and application state, shared by every server that
//! answers probes.
//!
//! One [`HealthRegistry`] holds named checks. The HTTP exporter
//! (`vitals-prometheus`) answers `/livez` and `/readyz` from it, and with the
//! `tonic` feature the same readiness drives `grpc.health.v1` statuses, so
//! an operator sees one answer whichever protocol probes the process.
//!
//! - **Liveness** says whether the process should be restarted; keep it to
//!   checks that only a restart can fix (a deadlocked worker).
//! - **Readiness** says whether the process should receive traffic; it fails
//!   while a dependency is down, while a [state](StateSource) says so
//!   (recovering, waiting for a manifest) and once shutdown has begun.
//!
//! ```
//! use vitals::health::{CheckFailure, HealthRegistry, Probe, StateCell, HealthState};
//!
//! #[derive(Clone, Copy, Debug, PartialEq)]
//! enum Node { Recovering, Serving }
//!
//! impl HealthState for Node {
//!     fn code(&self) -> i64 { match self { Node::Recovering => 1, Node::Serving => 2 } }
//!     fn name(&self) -> &'static str { match self { Node::Recovering => "recovering", Node::Serving => "serving" } }
//!     fn meaning(&self) -> &'static str {
//!         match self { Node::Recovering => "replaying the log", Node::Serving => "serving requests" }
//!     }
//!     fn is_ready(&self) -> bool { matches!(self, Node::Serving) }
//! }
//!
//! let health = HealthRegistry::new();
//! let node = StateCell::new(Node::Recovering);
//! health.add_state("node_state", node.clone());
//! health.add_liveness("event_loop", || Ok(()));
//! health.add_readiness("disk", || Err(CheckFailure::new("disk full")));
//!
//! let report = health.report_blocking(Probe::Readiness);
//! assert_eq!(report.failed_names(), ["node_state", "disk"]);
//! assert!(health.report_blocking(Probe::Liveness).is_ok());
//!
//! node.set(Node::Serving);
//! health.remove("disk");
//! assert!(health.report_blocking(Probe::Readiness).is_ok());
//! assert_eq!(health.states()[0].state.code, 2);
//! ```

mod check;
mod registry;
mod report;
#[cfg(feature = "tokio")]
mod run;
mod state;
#[cfg(feature = "tonic")]
mod tonic;

pub use self::check::{BoxFuture, Check, CheckFailure, CheckResult, Probe};
pub use self::registry::HealthRegistry;
pub use self::report::{CheckOutcome, Report};
#[cfg(feature = "tokio")]
pub use self::run::run_checks;
pub use self::state::{HealthState, NamedState, StateCell, StateOf, StateSnapshot, StateSource};

#[cfg(test)]
mod tests;
