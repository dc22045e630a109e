use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    #[metric(name = "done")]
    Completed,
}

fn main() {}
