use vitals::metric_enum;

/// The phase.
#[metric_enum(state = "phase")]
#[derive(Clone, Copy)]
enum Phase {
    #[metric(not_ready)]
    Recovery,
    Serving,
}

fn main() {}
