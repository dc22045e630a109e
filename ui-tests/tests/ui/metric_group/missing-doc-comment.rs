use vitals::metric_group;

#[metric_group]
struct Metrics {
    jobs_total: Counter,
}

fn main() {}
