use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Job latency.
    #[metric(buckets = [])]
    job_duration_seconds: Histogram,
}

fn main() {}
