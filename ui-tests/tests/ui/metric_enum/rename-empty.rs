use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    #[metric(rename = "")]
    Completed,
}

fn main() {}
