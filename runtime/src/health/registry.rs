//! The registry of checks and states.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use super::check::{BoxFuture, Check, CheckFailure, CheckResult, Probe, Run, block_on};
use super::report::{CheckOutcome, Report};
use super::state::{HealthState, NamedState, StateOf, StateSource};

/// Named liveness and readiness checks and the application's states.
///
/// Cloning is cheap and every clone sees the same checks: hand one to the
/// exporter, one to the gRPC server and keep one to register checks later.
#[derive(Clone, Default)]
pub struct HealthRegistry {
    inner: Arc<Inner>,
}

/// A registered state: its name and where its value comes from.
type RegisteredState = (Arc<str>, Arc<dyn StateSource>);

#[derive(Default)]
struct Inner {
    checks: RwLock<Vec<Check>>,
    states: RwLock<Vec<RegisteredState>>,
    shutting_down: AtomicBool,
}

/// The name of the readiness check that fails once shutdown has begun.
const SHUTDOWN_CHECK: &str = "shutdown";

impl HealthRegistry {
    /// An empty registry: both probes pass.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide registry, which exporters use unless given another.
    pub fn global() -> &'static HealthRegistry {
        static GLOBAL: OnceLock<HealthRegistry> = OnceLock::new();
        GLOBAL.get_or_init(HealthRegistry::new)
    }

    /// Adds (or replaces) a synchronous liveness check.
    pub fn add_liveness(
        &self,
        name: &str,
        check: impl Fn() -> CheckResult + Send + Sync + 'static,
    ) -> &Self {
        self.insert(name, Probe::Liveness, Run::Sync(Arc::new(check)))
    }

    /// Adds (or replaces) a synchronous readiness check.
    pub fn add_readiness(
        &self,
        name: &str,
        check: impl Fn() -> CheckResult + Send + Sync + 'static,
    ) -> &Self {
        self.insert(name, Probe::Readiness, Run::Sync(Arc::new(check)))
    }

    /// Adds (or replaces) an async liveness check.
    pub fn add_liveness_async<F, Fut>(&self, name: &str, check: F) -> &Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.insert(
            name,
            Probe::Liveness,
            Run::Async(Arc::new(move || {
                Box::pin(check()) as BoxFuture<CheckResult>
            })),
        )
    }

    /// Adds (or replaces) an async readiness check, such as a database ping.
    pub fn add_readiness_async<F, Fut>(&self, name: &str, check: F) -> &Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.insert(
            name,
            Probe::Readiness,
            Run::Async(Arc::new(move || {
                Box::pin(check()) as BoxFuture<CheckResult>
            })),
        )
    }

    /// Registers a state (or replaces the one of the same name): `/status`
    /// shows its current value, and readiness fails under `name` while the
    /// state is not ready.
    pub fn add_state(&self, name: &str, source: impl StateSource) -> &Self {
        let name: Arc<str> = clean_name(name).into();
        let source: Arc<dyn StateSource> = Arc::new(source);
        {
            let mut states = self
                .inner
                .states
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            states.retain(|(existing, _)| *existing != name);
            states.push((Arc::clone(&name), Arc::clone(&source)));
        }
        self.insert(&name, Probe::Readiness, Run::State(source))
    }

    /// Registers the state of a `#[metric_enum(state = "..", health)]` enum
    /// under the name of its state gauge, so the name is written once, in
    /// the attribute: `registry.add_state_of::<Phase>()` is
    /// `add_state("<its state name>", StateOf::<Phase>::new())`.
    pub fn add_state_of<E: crate::StateMetric + HealthState>(&self) -> &Self {
        self.add_state(E::state_descriptor().name(), StateOf::<E>::new())
    }

    /// Removes every check and state of this name.
    pub fn remove(&self, name: &str) -> &Self {
        let name = clean_name(name);
        self.inner
            .checks
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|check| *check.name != *name);
        self.inner
            .states
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|(existing, _)| **existing != *name);
        self
    }

    /// Marks the process as shutting down: from now on readiness fails
    /// (check `shutdown`) so load balancers drain it, while liveness still
    /// passes so it is not killed mid-drain.
    pub fn begin_shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::Release);
    }

    /// Whether [`begin_shutdown`](Self::begin_shutdown) was called.
    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::Acquire)
    }

    /// The checks of one probe, in registration order.
    pub fn checks(&self, probe: Probe) -> Vec<Check> {
        let mut checks: Vec<Check> = self
            .inner
            .checks
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|check| check.probe == probe)
            .cloned()
            .collect();
        if probe == Probe::Readiness && self.is_shutting_down() {
            let run = Run::Sync(Arc::new(|| Err(CheckFailure::from("shutdown in progress"))));
            checks.push(Check {
                name: SHUTDOWN_CHECK.into(),
                probe,
                run,
            });
        }
        checks
    }

    /// The current value of every registered state, in registration order.
    pub fn states(&self) -> Vec<NamedState> {
        let states = self
            .inner
            .states
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        states
            .into_iter()
            .map(|(name, source)| NamedState {
                name: name.to_string(),
                state: source.current(),
            })
            .collect()
    }

    /// Runs every check of `probe`, one after the other and without a time
    /// limit, and reports: for code without a server to keep answering.
    /// Servers use [`report_within`](Self::report_within) (feature `tokio`),
    /// where a hung check fails at its timeout.
    pub async fn report(&self, probe: Probe) -> Report {
        let mut outcomes = Vec::new();
        for check in self.checks(probe) {
            let result = check.run().await;
            outcomes.push(CheckOutcome {
                name: check.name.to_string(),
                result,
            });
        }
        Report::new(probe, outcomes)
    }

    /// [`report`](Self::report) on this thread, for code without a runtime.
    pub fn report_blocking(&self, probe: Probe) -> Report {
        block_on(self.report(probe))
    }

    fn insert(&self, name: &str, probe: Probe, run: Run) -> &Self {
        let name: Arc<str> = clean_name(name).into();
        let mut checks = self
            .inner
            .checks
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        checks.retain(|check| !(check.probe == probe && check.name == name));
        checks.push(Check { name, probe, run });
        drop(checks);
        self
    }
}

impl std::fmt::Debug for HealthRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthRegistry")
            .field("liveness", &self.checks(Probe::Liveness))
            .field("readiness", &self.checks(Probe::Readiness))
            .field("shutting_down", &self.is_shutting_down())
            .finish()
    }
}

/// Check names end up on `[+]name ok` lines: keep each on one line.
fn clean_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}
