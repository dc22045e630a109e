use vitals::metric_group;

#[metric_group(prefix = "a", prefix = "b")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
