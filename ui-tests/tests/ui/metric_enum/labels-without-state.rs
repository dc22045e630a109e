use vitals::metric_enum;

#[metric_enum(labels(component = "coordinator"))]
enum State {
    Up,
}

fn main() {}
