use vitals::metric_group;

#[metric_group]
struct Metrics {
    /// Jobs.
    #[metric(label(kind: String))]
    jobs_total: Counter,
}

fn main() {}
