use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Manifest sizes.
    #[metric(unit = "bytes")]
    manifest_size: Histogram,
}

fn main() {}
