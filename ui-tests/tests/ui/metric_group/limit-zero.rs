use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(worker: &str), limit = 0)]
    jobs_total: Counter,
}

fn main() {}
