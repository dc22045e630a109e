use vitals::metric_group;

#[metric_group(prefix = "_coordinator")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
