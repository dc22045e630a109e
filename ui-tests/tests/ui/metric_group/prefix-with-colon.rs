use vitals::metric_group;

#[metric_group(prefix = "a:b")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
