use vitals::metric_enum;

#[metric_enum]
enum Outcome {
    #[metric(rename = "done", rename = "finished")]
    Completed,
}

fn main() {}
