use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(labels(a: &str, b: &str, c: &str, d: &str, e: &str))]
    jobs_total: Counter,
}

fn main() {}
