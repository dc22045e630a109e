use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Job latency.
    #[metric(labels(le: &str))]
    job_duration_seconds: Histogram,
}

fn main() {}
