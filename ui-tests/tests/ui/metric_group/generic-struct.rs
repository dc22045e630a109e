use vitals::metric_group;

#[metric_group]
struct Metrics<T> {
    /// Jobs.
    jobs_total: Counter,
}

fn main() {}
