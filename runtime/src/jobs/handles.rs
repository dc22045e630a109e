//! The series of one tracker, and their handles under one recorder.

use metrics::{Counter, Gauge, Histogram, Key, Label, Metadata, Recorder};

/// Names and label values of one tracker, fixed when it is built.
pub(super) struct Series {
    pub(super) active: &'static str,
    pub(super) total: &'static str,
    pub(super) duration: &'static str,
    pub(super) kinds: &'static [&'static str],
    /// The outcome type's values, then `cancelled` if it lacks one.
    pub(super) outcomes: &'static [&'static str],
    pub(super) module: &'static str,
}

/// Every handle of one tracker under one recorder, indexed by kind and outcome.
pub(super) struct JobHandles {
    pub(super) active: Gauge,
    /// `kind * outcomes.len() + outcome`.
    totals: Box<[Counter]>,
    durations: Box<[Histogram]>,
}

impl Series {
    pub(super) fn metadata(&self) -> Metadata<'static> {
        Metadata::new(self.module, metrics::Level::INFO, Some(self.module))
    }

    pub(super) fn register_active(&self, recorder: &dyn Recorder) -> Gauge {
        recorder.register_gauge(&Key::from_static_name(self.active), &self.metadata())
    }

    pub(super) fn register_total(
        &self,
        recorder: &dyn Recorder,
        kind: usize,
        outcome: usize,
    ) -> Counter {
        let labels = vec![
            Label::from_static_parts("kind", self.kinds[kind]),
            Label::from_static_parts("outcome", self.outcomes[outcome]),
        ];
        recorder.register_counter(&Key::from_parts(self.total, labels), &self.metadata())
    }

    pub(super) fn register_duration(&self, recorder: &dyn Recorder, outcome: usize) -> Histogram {
        let labels = vec![Label::from_static_parts("outcome", self.outcomes[outcome])];
        recorder.register_histogram(&Key::from_parts(self.duration, labels), &self.metadata())
    }

    pub(super) fn register_all(&self, recorder: &dyn Recorder) -> JobHandles {
        let outcomes = self.outcomes.len();
        JobHandles {
            active: self.register_active(recorder),
            totals: (0..self.kinds.len() * outcomes)
                .map(|index| self.register_total(recorder, index / outcomes, index % outcomes))
                .collect(),
            durations: (0..outcomes)
                .map(|outcome| self.register_duration(recorder, outcome))
                .collect(),
        }
    }
}

impl JobHandles {
    pub(super) fn total(&self, series: &Series, kind: usize, outcome: usize) -> &Counter {
        &self.totals[kind * series.outcomes.len() + outcome]
    }

    pub(super) fn duration(&self, outcome: usize) -> &Histogram {
        &self.durations[outcome]
    }
}
