//! One running job: counted exactly once, however it ends.

use std::marker::PhantomData;
use std::sync::Arc;

use metrics::Gauge;

use super::shared::Shared;
use crate::MetricEnum;
use crate::recorder_identity::{self, AmbientSlot};

/// Where the handles of a job come from.
enum Handles {
    /// The tracker's cached handles of an ambient recorder.
    Cached(AmbientSlot),
    /// Another recorder: series are resolved when the job ends; the gauge is
    /// kept from the start so it returns to where it was.
    Direct(Gauge),
}

/// A running job, from [`JobTracker::start`](super::JobTracker::start).
///
/// [`finish`](Self::finish) it with an outcome; dropping it unfinished
/// counts the job as `cancelled`.
#[must_use = "a job is counted when its guard is finished or dropped"]
pub struct JobGuard<K, O> {
    shared: Arc<Shared>,
    kind: usize,
    start: quanta::Instant,
    /// `None` once the job is counted.
    handles: Option<Handles>,
    types: PhantomData<fn(K) -> O>,
}

impl<K: MetricEnum, O: MetricEnum> JobGuard<K, O> {
    pub(super) fn start(shared: Arc<Shared>, kind: usize) -> Self {
        let handles =
            metrics::with_recorder(|recorder| match recorder_identity::ambient_slot(recorder) {
                Some(slot) => {
                    shared.cached(slot, recorder).active.increment(1.0);
                    Handles::Cached(slot)
                }
                None => {
                    let gauge = shared.series.register_active(recorder);
                    gauge.increment(1.0);
                    Handles::Direct(gauge)
                }
            });
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
        let series = &self.shared.series;
        match handles {
            Handles::Cached(slot) => {
                if let Some(cached) = self.shared.filled(slot) {
                    cached.total(series, self.kind, outcome).increment(1);
                    cached.duration(outcome).record(seconds);
                    cached.active.decrement(1.0);
                }
            }
            Handles::Direct(active) => {
                metrics::with_recorder(|recorder| {
                    series
                        .register_total(recorder, self.kind, outcome)
                        .increment(1);
                    series.register_duration(recorder, outcome).record(seconds);
                });
                active.decrement(1.0);
            }
        }
    }
}

impl<K, O> Drop for JobGuard<K, O> {
    fn drop(&mut self) {
        // Reached with handles only when `finish` never ran.
        let cancelled = self.shared.cancelled;
        self.record(cancelled);
    }
}
