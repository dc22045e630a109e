//! The tracker: one per job family, cheap to clone and share.

use std::marker::PhantomData;
use std::sync::Arc;

use super::guard::JobGuard;
use super::handles::Series;
use super::shared::Shared;
use crate::catalogue::{LabelValues, MetricKind, Unit};
use crate::declare::{
    ConfigError, Declaration, check_buckets, check_metric_name, leak, leak_slice,
};
use crate::metric_enum::MetricEnum;

/// The outcome of a job whose guard was dropped without one.
const CANCELLED: &str = "cancelled";

/// Tracks jobs of kind `K` ending with outcome `O` under one prefix. See the
/// [module docs](crate::jobs).
///
/// Build one per job family at start-up and clone it where jobs start;
/// clones share their series and handles.
pub struct JobTracker<K, O> {
    shared: Arc<Shared>,
    types: PhantomData<fn(K) -> O>,
}

impl<K, O> Clone for JobTracker<K, O> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            types: PhantomData,
        }
    }
}

impl<K: MetricEnum, O: MetricEnum> JobTracker<K, O> {
    /// Starts configuring a tracker whose series begin with `prefix`.
    pub fn builder(prefix: impl Into<String>) -> JobTrackerBuilder<K, O> {
        JobTrackerBuilder {
            prefix: prefix.into(),
            buckets: crate::buckets::JOB_DURATION.to_vec(),
            types: PhantomData,
        }
    }

    /// Starts a job of `kind`: adds one to `{prefix}_active_jobs` and starts its clock.
    pub fn start(&self, kind: K) -> JobGuard<K, O> {
        JobGuard::start(Arc::clone(&self.shared), kind.index())
    }
}

/// Configures a [`JobTracker`]; from [`JobTracker::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct JobTrackerBuilder<K, O> {
    prefix: String,
    buckets: Vec<f64>,
    types: PhantomData<fn(K) -> O>,
}

impl<K: MetricEnum, O: MetricEnum> JobTrackerBuilder<K, O> {
    /// Bucket upper bounds of `{prefix}_job_duration_seconds`, in seconds
    /// (default [`crate::buckets::JOB_DURATION`]: 100 ms to an hour).
    pub fn buckets(mut self, buckets: &[f64]) -> Self {
        self.buckets = buckets.to_vec();
        self
    }

    /// Declares the tracker's series in the [catalogue](mod@crate::catalogue),
    /// pre-creates every `(kind, outcome)` series at zero under the current
    /// recorder and returns the tracker.
    ///
    /// Declarations are kept for the life of the process: build a tracker
    /// once per job family, not per job.
    #[track_caller]
    pub fn build(self) -> Result<JobTracker<K, O>, ConfigError> {
        check_metric_name("prefix", &self.prefix)?;
        check_buckets("buckets", &self.buckets)?;
        let mut outcomes = O::LABEL_VALUES.to_vec();
        let cancelled = match outcomes.iter().position(|outcome| *outcome == CANCELLED) {
            Some(index) => index,
            None => {
                outcomes.push(CANCELLED);
                outcomes.len() - 1
            }
        };
        let series = Series {
            active: leak(format!("{}_active_jobs", self.prefix)),
            total: leak(format!("{}_jobs_total", self.prefix)),
            duration: leak(format!("{}_job_duration_seconds", self.prefix)),
            kinds: K::LABEL_VALUES,
            outcomes: leak_slice(outcomes),
            module: module_path!(),
        };
        declare(&series, leak_slice(self.buckets));
        let shared = Shared::new(series, cancelled);
        Ok(JobTracker {
            shared: Arc::new(shared),
            types: PhantomData,
        })
    }
}

#[track_caller]
fn declare(series: &Series, buckets: &'static [f64]) {
    let module = series.module;
    Declaration {
        name: series.active,
        kind: MetricKind::Gauge,
        help: "Jobs running now.",
        unit: None,
        labels: Vec::new(),
        buckets: &[],
    }
    .declare(module);
    Declaration {
        name: series.total,
        kind: MetricKind::Counter,
        help: "Jobs ended, by kind and outcome.",
        unit: None,
        labels: vec![
            ("kind", LabelValues::Known(series.kinds)),
            ("outcome", LabelValues::Known(series.outcomes)),
        ],
        buckets: &[],
    }
    .declare(module);
    Declaration {
        name: series.duration,
        kind: MetricKind::Histogram,
        help: "Duration of ended jobs from start to outcome, by outcome.",
        unit: Some(Unit::Seconds),
        labels: vec![("outcome", LabelValues::Known(series.outcomes))],
        buckets,
    }
    .declare(module);
}
