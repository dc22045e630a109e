use vitals::metric_group;

#[metric_group(prefix = "my-service")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
