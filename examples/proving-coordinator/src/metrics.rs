//! The coordinator's metrics: exactly the eight `coordinator_*` series of
//! its monitoring guide.
//!
//! | series | type | labels | declared by |
//! |---|---|---|---|
//! | `coordinator_requests_total` | counter | method, status | `#[instrument_rpc]` on the API (`api.rs`) |
//! | `coordinator_request_duration_seconds` | histogram | method | `#[instrument_rpc]` on the API |
//! | `coordinator_active_jobs` | gauge | | [`JobTracker`] |
//! | `coordinator_jobs_total` | counter | kind, outcome | [`JobTracker`] |
//! | `coordinator_job_duration_seconds` | histogram (1, 2, 5, 10, 20, 60, 300) | outcome | [`JobTracker`] |
//! | `coordinator_registered_programs_total` | gauge | | [`FleetMetrics`] |
//! | `coordinator_workers_connected` | gauge | | [`FleetMetrics`] |
//! | `coordinator_worker_jobs_total` | counter | worker_id, outcome | [`FleetMetrics`] |

use vitals::jobs::JobTracker;
use vitals::{metric_enum, metric_group};

/// The job-duration buckets of the guide, tuned for STARK proving jobs.
pub(crate) const JOB_DURATION_BUCKETS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 300.0];

/// What a job does: the `kind` label.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobKind {
    /// Produces a proof.
    Prove,
    /// Only executes the guest program.
    Execute,
}

/// How a job ended: the `outcome` label.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The worker reported success.
    Completed,
    /// The worker reported failure, went away, or the request was invalid.
    Failed,
    /// The client cancelled it.
    Cancelled,
}

/// The fleet-level series: programs and workers.
#[metric_group(prefix = "coordinator")]
pub(crate) struct FleetMetrics {
    /// Number of guest programs currently registered via RegisterGuestProgram.
    // The guide's name and type: a gauge despite the `_total` suffix.
    registered_programs_total: Gauge,
    /// Workers with an open WorkerStream to the coordinator.
    workers_connected: Gauge,
    /// Per-worker job count, partitioned by outcome.
    #[metric(labels(worker_id: &str, outcome: Outcome), limit = 1000)]
    worker_jobs_total: Counter,
}

/// The fleet series, shared by the whole process.
pub(crate) static FLEET: FleetMetrics = FleetMetrics::new();

/// The job series: `coordinator_active_jobs`, `coordinator_jobs_total` and
/// `coordinator_job_duration_seconds` with the guide's buckets.
pub(crate) fn job_tracker() -> JobTracker<JobKind, Outcome> {
    JobTracker::builder("coordinator")
        .buckets(&JOB_DURATION_BUCKETS)
        .build()
        .expect("`coordinator` is a valid prefix and the buckets increase")
}
