use vitals::metric_enum;

#[metric_enum(health)]
#[derive(Clone, Copy)]
enum Phase {
    Recovery,
    Serving,
}

fn main() {}
