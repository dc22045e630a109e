use vitals::metric_group;

#[metric_group]
enum Metrics {
    Jobs,
}

fn main() {}
