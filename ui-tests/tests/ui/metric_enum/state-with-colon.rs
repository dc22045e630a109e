use vitals::metric_enum;

/// The state.
#[metric_enum(state = "coordinator:state")]
enum State {
    Up,
}

fn main() {}
