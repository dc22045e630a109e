use vitals::metric_enum;

#[metric_enum]
fn outcome() {}

fn main() {}
