use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(worker: &str, worker: &str))]
    jobs_total: Counter,
}

fn main() {}
