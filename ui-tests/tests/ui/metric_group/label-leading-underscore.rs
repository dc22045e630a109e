use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(_kind: &str))]
    jobs_total: Counter,
}

fn main() {}
