use vitals::metric_group;

#[metric_group]
struct Metrics {
    /// Jobs.
    #[metric(unit = "seconds", unit = "seconds")]
    job_seconds: Gauge,
}

fn main() {}
