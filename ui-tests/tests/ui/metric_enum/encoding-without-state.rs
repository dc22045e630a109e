use vitals::metric_enum;

#[metric_enum(encoding = "value")]
enum State {
    Up,
}

fn main() {}
