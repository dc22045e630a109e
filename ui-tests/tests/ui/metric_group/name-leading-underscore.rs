use vitals::metric_group;

#[metric_group]
struct Metrics {
    /// Jobs.
    _jobs_total: Counter,
}

fn main() {}
