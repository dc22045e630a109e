//! One named check and what it returns.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::state::{StateSnapshot, StateSource};

/// A boxed, `Send` future, as async checks return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a check returns: `Ok(())` when healthy.
pub type CheckResult = Result<(), CheckFailure>;

/// Which question a check answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Probe {
    /// Should the process be restarted? (`/livez`)
    Liveness,
    /// Should the process receive traffic? (`/readyz`)
    Readiness,
}

impl Probe {
    /// The Kubernetes endpoint name: `livez` or `readyz`.
    pub fn endpoint(self) -> &'static str {
        match self {
            Probe::Liveness => "livez",
            Probe::Readiness => "readyz",
        }
    }
}

/// Why a check failed.
///
/// The reason is for the log only: probe endpoints list the failed check's
/// name, never its reason, which could leak internal details. A failure
/// may also carry a [public reason](Self::public_reason), which probes may
/// show: a state check says which state the application is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    reason: Cow<'static, str>,
    public_reason: Option<Cow<'static, str>>,
}

impl CheckFailure {
    /// A failure with this reason.
    pub fn new(reason: impl fmt::Display) -> Self {
        Self::from(reason.to_string())
    }

    /// The failure of a state check: the application is in `snapshot`,
    /// which is not ready. Its public reason names the state
    /// (`in state recovery`); its reason adds code and meaning.
    pub fn not_ready_state(snapshot: &StateSnapshot) -> Self {
        Self {
            reason: Cow::Owned(format!(
                "state `{}` ({}): {}",
                snapshot.name, snapshot.code, snapshot.meaning
            )),
            public_reason: Some(Cow::Owned(format!("in state {}", snapshot.name))),
        }
    }

    /// What a probe endpoint may show of this failure, if anything: the
    /// state a state check found, never a check's own error text.
    pub fn public_reason(&self) -> Option<&str> {
        self.public_reason.as_deref()
    }

    /// The reason, for logs.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for CheckFailure {}

impl From<String> for CheckFailure {
    fn from(reason: String) -> Self {
        Self {
            reason: Cow::Owned(reason),
            public_reason: None,
        }
    }
}

impl From<&'static str> for CheckFailure {
    fn from(reason: &'static str) -> Self {
        Self {
            reason: Cow::Borrowed(reason),
            public_reason: None,
        }
    }
}

#[derive(Clone)]
pub(crate) enum Run {
    Sync(Arc<dyn Fn() -> CheckResult + Send + Sync>),
    Async(Arc<dyn Fn() -> BoxFuture<CheckResult> + Send + Sync>),
    State(Arc<dyn StateSource>),
}

/// A named liveness or readiness check, as registered.
#[derive(Clone)]
pub struct Check {
    pub(crate) name: Arc<str>,
    pub(crate) probe: Probe,
    pub(crate) run: Run,
}

impl Check {
    /// The check's name, as `?verbose` lists it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The probe this check belongs to.
    pub fn probe(&self) -> Probe {
        self.probe
    }

    /// Whether this is a synchronous check, which may block its thread: an
    /// async server should run it with [`run_blocking`](Self::run_blocking)
    /// on a blocking pool rather than poll [`run`](Self::run) on a worker.
    pub fn is_blocking(&self) -> bool {
        matches!(self.run, Run::Sync(_))
    }

    /// Runs the check. Synchronous checks run when the future is first
    /// polled, so a caller can bound any check with one timeout.
    pub fn run(&self) -> BoxFuture<CheckResult> {
        match &self.run {
            Run::Sync(check) => {
                let check = Arc::clone(check);
                Box::pin(async move { check() })
            }
            Run::Async(check) => check(),
            Run::State(source) => {
                let source = Arc::clone(source);
                Box::pin(async move {
                    let snapshot = source.current();
                    if snapshot.ready {
                        Ok(())
                    } else {
                        Err(CheckFailure::not_ready_state(&snapshot))
                    }
                })
            }
        }
    }

    /// Runs the check on this thread; an async check is polled to completion
    /// here, so use this only outside an async runtime or for checks that
    /// do not wait on one.
    pub fn run_blocking(&self) -> CheckResult {
        match &self.run {
            Run::Sync(check) => check(),
            _ => block_on(self.run()),
        }
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.run {
            Run::Sync(_) => "sync",
            Run::Async(_) => "async",
            Run::State(_) => "state",
        };
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("probe", &self.probe)
            .field("kind", &kind)
            .finish()
    }
}

/// A minimal executor: parks the thread until the future's waker fires.
pub(crate) fn block_on<T>(future: impl Future<Output = T>) -> T {
    use std::task::{Context, Poll, Wake, Waker};

    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(value) => return value,
            Poll::Pending => std::thread::park(),
        }
    }
}
