use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator_state", labels(a::b = "x"))]
enum State {
    Up,
}

fn main() {}
