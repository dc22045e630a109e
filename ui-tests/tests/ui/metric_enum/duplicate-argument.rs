use vitals::metric_enum;

/// The state.
#[metric_enum(state = "a_state", state = "b_state")]
enum State {
    Up,
}

fn main() {}
