use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", encoding = "info")]
enum State {
    Up,
}

fn main() {}
