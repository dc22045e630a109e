//! Recording goes through generated methods: a misspelt metric does not compile.

use vitals::metric_group;

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs.
    jobs_total: Counter,
}

static METRICS: Metrics = Metrics::new();

fn main() {
    METRICS.job_total().increment(1);
}
