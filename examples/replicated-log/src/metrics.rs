//! The `kmb_*` series of the monitoring guide.
//!
//! | series | type | labels |
//! |---|---|---|
//! | `kmb_log_entries_total`, `kmb_log_bytes_total` | counter | node_id |
//! | `kmb_log_size_bytes` | gauge | node_id |
//! | `kmb_consensus_commits_total`, `kmb_consensus_view_changes_total` | counter | |
//! | `kmb_consensus_view`, `kmb_consensus_leader` | gauge | |
//! | `kmb_projection_applied_position`, `kmb_projection_lag` | gauge | |
//! | `kmb_query_duration_seconds`, `kmb_write_duration_seconds` | histogram | |
//! | `kmb_requests_total` | counter | method, status |
//! | `kmb_requests_in_flight` | gauge | |
//! | `kmb_active_tenants` | gauge | |
//! | `kmb_tenant_log_entries_total` | counter | tenant_id |

use vitals::{metric_enum, metric_group};

/// A request's kind: the `method` label.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    /// An append to a tenant's log.
    Write,
    /// A read from a tenant's projection.
    Query,
}

/// How a request ended: the `status` label.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestStatus {
    /// Served.
    Ok,
    /// Refused or failed.
    Error,
}

/// Every `kmb_*` series.
#[metric_group(prefix = "kmb")]
pub(crate) struct Metrics {
    /// Total log entries written.
    #[metric(labels(node_id: &str), limit = 16)]
    log_entries_total: Counter,
    /// Total log bytes written.
    #[metric(labels(node_id: &str), limit = 16)]
    log_bytes_total: Counter,
    /// Current log size.
    #[metric(labels(node_id: &str), limit = 16)]
    log_size_bytes: Gauge,
    /// Total committed entries.
    consensus_commits_total: Counter,
    /// Current consensus view number.
    consensus_view: Gauge,
    /// Current leader node ID (0 while no replica leads).
    consensus_leader: Gauge,
    /// Total view changes.
    consensus_view_changes_total: Counter,
    /// Last applied log position.
    projection_applied_position: Gauge,
    /// Log position lag (head - applied).
    projection_lag: Gauge,
    /// Query latency distribution.
    // Sub-millisecond to a second, dense around the 100 ms alert threshold.
    #[metric(buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1])]
    query_duration_seconds: Histogram,
    /// Write latency distribution.
    #[metric(buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1])]
    write_duration_seconds: Histogram,
    /// Total requests by method and status.
    #[metric(labels(method: Method, status: RequestStatus))]
    requests_total: Counter,
    /// Currently processing requests.
    requests_in_flight: Gauge,
    /// Number of active tenants.
    active_tenants: Gauge,
    /// Entries per tenant.
    #[metric(labels(tenant_id: &str), limit = 1000)]
    tenant_log_entries_total: Counter,
}

/// The series, shared by the whole process.
pub(crate) static KMB: Metrics = Metrics::new();
