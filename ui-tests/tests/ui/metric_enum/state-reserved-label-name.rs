use vitals::metric_enum;

/// The state.
#[metric_enum(state = "quantile")]
enum State {
    Up,
}

fn main() {}
