//! Metrics for long-running jobs: how many run now, how many ended and how,
//! and how long they took.
//!
//! A [`JobTracker`] owns three series families under a prefix:
//!
//! | series | type | labels |
//! |---|---|---|
//! | `{prefix}_active_jobs` | gauge | none |
//! | `{prefix}_jobs_total` | counter | `kind`, `outcome` |
//! | `{prefix}_job_duration_seconds` | histogram | `outcome` |
//!
//! Kinds and outcomes are [`MetricEnum`](crate::MetricEnum) types
//! (`#[metric_enum]` enums), so every series is known up front and
//! pre-created at zero. [`JobTracker::start`] returns a [`JobGuard`]; the
//! job ends when the guard is [finished](JobGuard::finish) with an outcome.
//! A guard dropped without an outcome (the task was aborted, the future
//! dropped, the code panicked) counts as `cancelled`: the outcome type's own
//! `cancelled` value if it has one, otherwise an extra `cancelled` label
//! value.
//!
//! ```
//! use vitals::jobs::JobTracker;
//! use vitals::metric_enum;
//!
//! /// What a job does.
//! #[metric_enum]
//! #[derive(Clone, Copy, Debug)]
//! enum Kind { Prove, Execute }
//!
//! /// How a job ended.
//! #[metric_enum]
//! #[derive(Clone, Copy, Debug)]
//! enum Outcome { Completed, Failed }
//!
//! let recorded = vitals::testing::capture(|| {
//!     let jobs = JobTracker::<Kind, Outcome>::builder("coordinator")
//!         .buckets(&[1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 300.0])
//!         .build()
//!         .expect("valid prefix and buckets");
//!     jobs.start(Kind::Prove).finish(Outcome::Completed);
//!     drop(jobs.start(Kind::Execute)); // never finished: cancelled
//! });
//! let total = |kind, outcome| recorded.counter("coordinator_jobs_total", &[("kind", kind), ("outcome", outcome)]);
//! assert_eq!(total("prove", "completed"), Some(1));
//! assert_eq!(total("execute", "cancelled"), Some(1));
//! assert_eq!(total("execute", "failed"), Some(0)); // pre-created
//! assert_eq!(recorded.gauge("coordinator_active_jobs", &[]), Some(0.0));
//! assert_eq!(recorded.histogram_count("coordinator_job_duration_seconds", &[("outcome", "cancelled")]), Some(1));
//! ```

mod guard;
mod handles;
mod shared;
mod tracker;

pub use self::guard::JobGuard;
pub use self::tracker::{JobTracker, JobTrackerBuilder};
/// Where [`ConfigError`](crate::ConfigError) was before it moved to the crate root.
pub use crate::declare::ConfigError;
