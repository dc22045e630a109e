use vitals::metric_enum;

/// Where the job is.
#[metric_enum(state = "job_phase")]
enum Phase {
    Queued,
    Failed(String),
}

fn main() {}
