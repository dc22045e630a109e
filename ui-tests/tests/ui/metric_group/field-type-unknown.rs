use vitals::metric_group;

#[metric_group]
struct Metrics {
    /// Jobs.
    jobs_total: u64,
}

fn main() {}
