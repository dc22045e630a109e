use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(région: &str))]
    jobs_total: Counter,
}

fn main() {}
