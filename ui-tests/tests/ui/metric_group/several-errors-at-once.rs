//! Every mistake is reported at once, and the group still expands: its
//! methods can be called without further errors.

use vitals::metric_group;

#[metric_group(prefix = "coordinator", namespace = "x")]
struct Metrics {
    /// Jobs.
    jobs: Counter,
    /// Latency.
    #[metric(buckets = [2, 1], labels(le: &str))]
    request_latency: Histogram,
    workers_connected: Gauge,
}

static METRICS: Metrics = Metrics::new();

fn main() {
    METRICS.jobs().increment(1);
    METRICS.request_latency("x").record(1.0);
    METRICS.workers_connected().set(1.0);
}
