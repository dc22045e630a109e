use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    Completed,
    #[metric(rename = "completed")]
    Done,
}

fn main() {}
