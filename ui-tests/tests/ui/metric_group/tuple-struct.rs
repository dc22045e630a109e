use vitals::metric_group;

#[metric_group]
struct Metrics(u64);

fn main() {}
