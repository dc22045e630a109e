use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Job latency.
    job_duration_ms: Histogram,
}

fn main() {}
