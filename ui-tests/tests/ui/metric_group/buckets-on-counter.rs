use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    #[metric(buckets = [1, 2])]
    jobs_total: Counter,
}

fn main() {}
