use vitals::metric_enum;

/// The state.
#[metric_enum(state = "_state")]
enum State {
    Up,
}

fn main() {}
