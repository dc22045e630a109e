//! A label of the wrong type does not compile.

use vitals::{metric_enum, metric_group};

#[metric_enum]
enum Kind {
    Prove,
}

#[metric_enum]
enum Outcome {
    Completed,
}

#[metric_group(prefix = "coordinator")]
struct Metrics {
    /// Jobs by kind and outcome.
    #[metric(labels(kind: Kind, outcome: Outcome))]
    jobs_total: Counter,
}

static METRICS: Metrics = Metrics::new();

fn main() {
    METRICS.jobs_total(Outcome::Completed, Kind::Prove).increment(1);
}
