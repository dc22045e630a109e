use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    Completed,
    Failed(String),
}

fn main() {}
