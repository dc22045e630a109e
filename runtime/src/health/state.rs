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
/// Closures returning a [`StateSnapshot`] implement it, and so does
/// [`StateCell`] for any [`HealthState`] enum.
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
/// `#[metric_enum(state = ...)]` enums implement it; any enum can by hand.
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
