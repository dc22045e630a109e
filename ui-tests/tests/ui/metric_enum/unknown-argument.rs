use vitals::metric_enum;

#[metric_enum(stat = "coordinator_state")]
enum State {
    Up,
}

fn main() {}
