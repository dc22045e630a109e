use vitals::metric_enum;

#[metric_enum]
struct Outcome;

fn main() {}
