use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(limit = 10)]
    jobs_total: Counter,
}

fn main() {}
