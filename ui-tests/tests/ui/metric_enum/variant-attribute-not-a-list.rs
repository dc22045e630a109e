use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    #[metric = "done"]
    Completed,
}

fn main() {}
