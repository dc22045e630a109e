use vitals::metric_enum;

#[metric_enum(encoding = "value", colour = "blue")]
enum Outcome {
    #[metric(rename = "")]
    Completed,
    Failed { reason: String },
    Lost,
    #[metric(rename = "lost")]
    Missing,
}

fn main() {}
