use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs by kind.
    #[metric(labels(kind: String))]
    jobs_total: Counter,
}

fn main() {}
