use vitals::metric_enum;

#[metric_enum(state = coordinator_state)]
enum State {
    Up,
}

fn main() {}
