use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Job latency.
    #[metric(buckets = [1, 5, 2])]
    job_duration_seconds: Histogram,
}

fn main() {}
