use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    jobs_été_total: Counter,
}

fn main() {}
