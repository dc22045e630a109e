use vitals::metric_enum;

/// The phase.
#[metric_enum(state = "phase")]
#[derive(Clone, Copy)]
enum Phase {
    #[metric(meaning = "replaying the log")]
    Recovery,
    Serving,
}

fn main() {}
