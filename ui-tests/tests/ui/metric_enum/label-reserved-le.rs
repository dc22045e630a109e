use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", labels(le = "1"))]
enum State {
    Up,
}

fn main() {}
