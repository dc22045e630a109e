//! Application states: what `/status` shows and readiness can follow.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

/// The current value of a state: numeric code, name and meaning, and
/// whether the application is ready to serve in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateSnapshot {
    /// The numeric code, as a `{name}` gauge would expose it.
    pub code: i64,
    /// The state's short name (`recovering`).
    pub name: Cow<'static, str>,
    /// What the state means for an operator.
    pub meaning: Cow<'static, str>,
    /// Whether readiness passes in this state.
    pub ready: bool,
}

impl StateSnapshot {
    /// A ready state.
    pub fn new(
        code: i64,
        name: impl Into<Cow<'static, str>>,
        meaning: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            code,
            name: name.into(),
            meaning: meaning.into(),
            ready: true,
        }
    }

    /// The same state, ready or not.
    pub fn with_ready(mut self, ready: bool) -> Self {
        self.ready = ready;
        self
    }
}

/// A registered state with its name, as [`HealthRegistry::states`](super::HealthRegistry::states) returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedState {
    /// The name it was registered under (`coordinator_state`).
    pub name: String,
    /// Its current value.
    pub state: StateSnapshot,
}

/// Anything that can say which state the application is in.
///
/// Closures returning a [`StateSnapshot`] implement it, and so do
/// [`StateCell`] for any [`HealthState`] enum and [`StateOf`] for a
/// `#[metric_enum(state = "..", health)]` enum.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a source of application states",
    label = "not a state source",
    note = "for `StateOf<E>`, add `health` to `E`'s `#[metric_enum(state = ..)]`; otherwise give a `StateCell` of a `HealthState` type or a closure returning a `StateSnapshot`"
)]
pub trait StateSource: Send + Sync + 'static {
    /// The current state.
    fn current(&self) -> StateSnapshot;
}

impl<F> StateSource for F
where
    F: Fn() -> StateSnapshot + Send + Sync + 'static,
{
    fn current(&self) -> StateSnapshot {
        self()
    }
}

/// A state enum: each value has a code, a name, a meaning and a readiness.
///
/// `#[metric_enum(state = "...", health)]` implements it from the variants'
/// discriminants, label values, doc comments and `#[metric(not_ready)]`;
/// any enum can implement it by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a health state",
    label = "not a health state",
    note = "add `health` to `#[metric_enum(state = ..)]` on `{Self}`, or implement `vitals::health::HealthState` for it"
)]
pub trait HealthState: Copy + Send + Sync + 'static {
    /// The numeric code (`1` for recovery mode).
    fn code(&self) -> i64;
    /// The short name.
    fn name(&self) -> &'static str;
    /// What it means for an operator.
    fn meaning(&self) -> &'static str;
    /// Whether the application should receive traffic in this state.
    fn is_ready(&self) -> bool {
        true
    }

    /// This value as a snapshot.
    fn snapshot(&self) -> StateSnapshot {
        StateSnapshot::new(self.code(), self.name(), self.meaning()).with_ready(self.is_ready())
    }
}

/// A shared cell holding the current value of a [`HealthState`]; clones
/// share the value, so register one clone and [`set`](Self::set) through another.
#[derive(Clone, Debug)]
pub struct StateCell<S> {
    value: Arc<Mutex<S>>,
}

impl<S: HealthState> StateCell<S> {
    /// A cell starting in `initial`.
    pub fn new(initial: S) -> Self {
        Self {
            value: Arc::new(Mutex::new(initial)),
        }
    }

    /// Moves to `state`.
    pub fn set(&self, state: S) {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) = state;
    }

    /// The current value.
    pub fn get(&self) -> S {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<S: HealthState> StateSource for StateCell<S> {
    fn current(&self) -> StateSnapshot {
        self.get().snapshot()
    }
}

/// The state of a `#[metric_enum(state = "...", health)]` enum, read from its
/// state gauge: `variant.set_current()` is the one call that moves the
/// gauge, readiness and `/status` together.
///
/// ```
/// use vitals::health::{HealthRegistry, Probe, StateOf};
/// use vitals::{StateMetric, metric_enum};
///
/// /// The coordinator's state.
/// #[metric_enum(state = "coordinator_state", encoding = "value", health)]
/// #[derive(Clone, Copy, Debug)]
/// enum CoordinatorState {
///     /// Recovering its sealed state; not serving.
///     #[metric(not_ready)]
///     Recovery = 1,
///     /// Waiting for a manifest.
///     AcceptingManifest = 2,
/// }
///
/// let registry = HealthRegistry::new();
/// // Registered under its gauge's name, `coordinator_state`.
/// registry.add_state_of::<CoordinatorState>();
/// CoordinatorState::Recovery.set_current();
/// assert!(!registry.report_blocking(Probe::Readiness).is_ok());
/// CoordinatorState::AcceptingManifest.set_current();
/// assert!(registry.report_blocking(Probe::Readiness).is_ok());
/// assert_eq!(registry.states()[0].name, "coordinator_state");
/// assert_eq!(registry.states()[0].state.code, 2);
/// # let _ = StateOf::<CoordinatorState>::new();
/// ```
pub struct StateOf<E>(std::marker::PhantomData<fn() -> E>);

impl<E> StateOf<E> {
    /// A source following `E`'s state gauge.
    pub fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<E> Default for StateOf<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: crate::StateMetric + HealthState> StateSource for StateOf<E> {
    fn current(&self) -> StateSnapshot {
        match E::current() {
            Some(state) => state.snapshot(),
            // Not ready until the application has said where it is.
            None => StateSnapshot::new(0, "unknown", "no state has been set yet").with_ready(false),
        }
    }
}
