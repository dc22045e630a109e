use vitals::metric_enum;

#[metric_enum(help = "The state.")]
enum State {
    Up,
}

fn main() {}
