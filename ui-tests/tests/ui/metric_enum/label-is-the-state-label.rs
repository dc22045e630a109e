use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", labels(coordinator_state = "a"))]
enum State {
    Up,
}

fn main() {}
