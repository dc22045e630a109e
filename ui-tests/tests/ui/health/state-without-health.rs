use vitals::health::{HealthRegistry, StateOf};
use vitals::metric_enum;

/// The service's lifecycle.
#[metric_enum(state = "orders_lifecycle")]
#[derive(Clone, Copy, Debug)]
enum Lifecycle {
    /// Starting.
    Starting,
    /// Serving.
    Serving,
}

fn main() {
    let registry = HealthRegistry::new();
    registry.add_state("orders_lifecycle", StateOf::<Lifecycle>::new());
    registry.add_state_of::<Lifecycle>();
}
