use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Job latency.
    #[metric(buckets = [1.0, f64::INFINITY])]
    job_duration_seconds: Histogram,
}

fn main() {}
