//! The `libvirt_volume_provisioner_*` series of the monitoring guide: the
//! request series come from `HttpMetricsLayer` (see `api.rs`), the job
//! series from this group, the process metrics from the exporter.
//!
//! | series | type | labels |
//! |---|---|---|
//! | `libvirt_volume_provisioner_requests_total` | counter | endpoint, method, status |
//! | `libvirt_volume_provisioner_requests_duration_seconds` | histogram | endpoint, method |
//! | `libvirt_volume_provisioner_jobs_total` | counter | status: started, completed, failed, cancelled |
//! | `libvirt_volume_provisioner_active_jobs` | gauge | |
//! | `libvirt_volume_provisioner_job_duration_seconds` | histogram | |

use vitals::{metric_enum, metric_group};

/// A job's life event: the `status` label of `jobs_total`.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobStatus {
    /// Accepted and running.
    Started,
    /// The volume is ready.
    Completed,
    /// Download or conversion failed.
    Failed,
    /// The client cancelled it.
    Cancelled,
}

/// Every provisioner series.
#[metric_group(prefix = "libvirt_volume_provisioner")]
pub(crate) struct Metrics {
    /// Total jobs by status (started, completed, failed, cancelled).
    #[metric(labels(status: JobStatus))]
    jobs_total: Counter,
    /// Currently active provisioning jobs.
    active_jobs: Gauge,
    /// Job duration histogram.
    #[metric(buckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800])]
    job_duration_seconds: Histogram,
}

/// The series, shared by the whole process.
pub(crate) static METRICS: Metrics = Metrics::new();
