use vitals::metric_enum;

#[metric_enum(rename_all = "Title Case")]
enum Outcome {
    Completed,
}

fn main() {}
