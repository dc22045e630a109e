use vitals::metric_enum;

#[metric_enum(rename_all = "lowercase")]
enum Phase {
    StartUp,
    Startup,
}

fn main() {}
