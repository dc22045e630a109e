use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(quantile: &str))]
    jobs_total: Counter,
}

fn main() {}
