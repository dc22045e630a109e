use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", labels(component = ""))]
enum State {
    Up,
}

fn main() {}
