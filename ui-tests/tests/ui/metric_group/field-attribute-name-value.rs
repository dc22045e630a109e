use vitals::metric_group;

#[metric_group]
struct Metrics {
    /// Jobs.
    #[metric = "jobs"]
    jobs_total: Counter,
}

fn main() {}
