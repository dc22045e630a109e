use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Manifest sizes.
    #[metric(unit = "octets")]
    manifest_octets: Histogram,
}

fn main() {}
