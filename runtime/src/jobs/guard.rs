//! One running job: counted exactly once, however it ends.

use std::marker::PhantomData;
use std::sync::Arc;

use super::handles::JobHandles;
use super::shared::Shared;
use crate::metric_enum::MetricEnum;

/// A running job, from [`JobTracker::start`](super::JobTracker::start).
///
/// [`finish`](Self::finish) it with an outcome; dropping it unfinished
/// counts the job as `cancelled`.
#[must_use = "a job is counted when its guard is finished or dropped"]
pub struct JobGuard<K, O> {
    shared: Arc<Shared>,
    kind: usize,
    start: quanta::Instant,
    /// The handles of the recorder current when the job started, so the
    /// active gauge returns to where it was; `None` once the job is counted.
    handles: Option<Arc<JobHandles>>,
    types: PhantomData<fn(K) -> O>,
}

impl<K: MetricEnum, O: MetricEnum> JobGuard<K, O> {
    pub(super) fn start(shared: Arc<Shared>, kind: usize) -> Self {
        let handles = shared.handles();
        handles.active.increment(1.0);
        Self {
            shared,
            kind,
            start: quanta::Instant::now(),
            handles: Some(handles),
            types: PhantomData,
        }
    }

    /// Ends the job with `outcome`.
    pub fn finish(mut self, outcome: O) {
        self.record(outcome.index());
    }
}

impl<K, O> JobGuard<K, O> {
    fn record(&mut self, outcome: usize) {
        let Some(handles) = self.handles.take() else {
            return;
        };
        let seconds = self.start.elapsed().as_secs_f64();
        handles
            .total(&self.shared.series, self.kind, outcome)
            .increment(1);
        handles.duration(outcome).record(seconds);
        handles.active.decrement(1.0);
    }
}

impl<K, O> Drop for JobGuard<K, O> {
    fn drop(&mut self) {
        // Reached with handles only when `finish` never ran.
        let cancelled = self.shared.cancelled;
        self.record(cancelled);
    }
}
