use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", labels(__name__ = "x"))]
enum State {
    Up,
}

fn main() {}
