//! One mistake gives one error: the enum and stub impls are still emitted,
//! so the code using them reports nothing more.

use vitals::{ErrorStatus, MetricEnum, StateMetric, metric_enum};

/// The state.
#[metric_enum(state = "coordinator_state", encoding = "values")]
#[derive(Clone, Copy)]
enum State {
    Up,
    Down,
}

fn main() {
    State::Up.set_current();
    let _ = State::Down.label_value();
    let _ = State::Up.error_status();
    let _ = <State as MetricEnum>::LABEL_VALUES;
}
