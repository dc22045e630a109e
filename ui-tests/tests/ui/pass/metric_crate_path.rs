//! `crate = path` finds vitals when it is re-exported under another name.

mod platform {
    pub use vitals as telemetry;
}

use platform::telemetry::{MetricEnum, StateMetric};

#[platform::telemetry::metric_enum(state = "reexported_state", help = "A state.", crate = crate::platform::telemetry)]
#[derive(Clone, Copy)]
enum State {
    Up,
    Down,
}

#[platform::telemetry::metric_group(prefix = "reexported", crate = crate::platform::telemetry)]
struct Metrics {
    /// Events by state.
    #[metric(labels(state: State))]
    events_total: Counter,
}

fn main() {
    static METRICS: Metrics = Metrics::new();
    METRICS.events_total(State::Up).increment(1);
    State::Down.set_current();
    assert_eq!(State::Up.label_value(), "up");
}
