use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// CPU time.
    #[metric(unit = "seconds")]
    cpu_total: Counter,
}

fn main() {}
