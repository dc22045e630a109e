use vitals::metric_group;

#[metric_group(namespace = "coordinator")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
