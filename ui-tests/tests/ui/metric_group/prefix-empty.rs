use vitals::metric_group;

#[metric_group(prefix = "")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
