use vitals::metric_enum;

#[metric_enum]
enum Never {}

fn main() {}
