//! State gauges: the current variant of a `#[metric_enum(state = "...")]` enum.
//!
//! A state gauge shows which of a fixed set of states a component is in. It
//! is encoded one of two ways:
//!
//! - [`StateEncoding::StateSet`] (the default): one series per variant,
//!   labelled with the metric's own name as an OpenMetrics StateSet is,
//!   reading 1 for the current state and 0 for the others;
//!   `coordinator_state{coordinator_state="accepting_marbles"} 1`. Queries
//!   read naturally (`coordinator_state{coordinator_state="recovery"} == 1`).
//! - [`StateEncoding::Value`]: a single series holding the variant's
//!   discriminant; `coordinator_state 3`. The cheapest, and what dashboards
//!   built for a numeric state code expect.
//!
//! Either way every series is declared in the [catalogue](mod@crate::catalogue),
//! so an exporter shows every variant at 0 before the first
//! [`set_current`](StateMetric::set_current).
//!
//! ```
//! use vitals::{StateMetric, metric_enum};
//!
//! /// The coordinator's lifecycle state.
//! #[metric_enum(state = "coordinator_state", encoding = "value")]
//! enum CoordinatorState {
//!     Recovery = 1,
//!     AwaitingManifest = 2,
//!     AcceptingMarbles = 3,
//! }
//!
//! let recorded = vitals::testing::capture(|| CoordinatorState::AcceptingMarbles.set_current());
//! assert_eq!(recorded.gauge("coordinator_state", &[]), Some(3.0));
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use metrics::{Gauge, Key, Label, Recorder};

use crate::catalogue::MetricDescriptor;
use crate::metric_enum::MetricEnum;
use crate::per_recorder::PerRecorder;

/// How a state gauge is exposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateEncoding {
    /// One series per variant, labelled with the metric's name: 1 for the
    /// current variant, 0 for the others.
    StateSet,
    /// One series holding the current variant's discriminant.
    Value,
}

/// An enum whose current variant is exposed as a gauge; implemented by
/// `#[metric_enum(state = "...")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state gauge",
    label = "expected a `#[metric_enum(state = \"..\")]` type",
    note = "add `state = \"name\"` to `#[metric_enum]` on `{Self}`"
)]
pub trait StateMetric: MetricEnum {
    /// The gauge this enum's states are recorded in.
    #[doc(hidden)]
    fn state_gauge() -> &'static StateGauge;

    /// Makes this variant the current state: with
    /// [`StateEncoding::StateSet`] its series reads 1 and every other
    /// variant's 0; with [`StateEncoding::Value`] the gauge reads its
    /// discriminant.
    fn set_current(&self) {
        Self::state_gauge().set(self.index());
    }

    /// The state gauge's declaration in the catalogue.
    fn state_descriptor() -> &'static MetricDescriptor {
        Self::state_gauge().descriptor
    }

    /// The variant at `index` in [`MetricEnum::LABEL_VALUES`] order.
    #[doc(hidden)]
    fn __variant(index: usize) -> Option<Self>
    where
        Self: Sized;

    /// The state last made current with [`set_current`](Self::set_current),
    /// if any: the one source that the gauge, readiness and `/status` share.
    fn current() -> Option<Self>
    where
        Self: Sized,
    {
        Self::__variant(Self::state_gauge().current()?)
    }
}

/// The no-variant-yet marker of [`StateGauge::current`].
const NONE: usize = usize::MAX;

/// The static state of one state gauge. Generated code creates it;
/// applications use [`StateMetric`].
pub struct StateGauge {
    descriptor: &'static MetricDescriptor,
    encoding: StateEncoding,
    /// Identity labels, in series order; the StateSet label follows them.
    labels: &'static [Label],
    /// Label values of the variants, by index.
    values: &'static [&'static str],
    /// Discriminants of the variants, by index.
    discriminants: &'static [f64],
    current: AtomicUsize,
    cache: PerRecorder<Box<[Gauge]>>,
}

impl StateGauge {
    #[doc(hidden)]
    pub const fn new(
        descriptor: &'static MetricDescriptor,
        encoding: StateEncoding,
        labels: &'static [Label],
        values: &'static [&'static str],
        discriminants: &'static [f64],
    ) -> Self {
        Self {
            descriptor,
            encoding,
            labels,
            values,
            discriminants,
            current: AtomicUsize::new(NONE),
            cache: PerRecorder::new(),
        }
    }

    /// The encoding of this gauge.
    pub fn encoding(&self) -> StateEncoding {
        self.encoding
    }

    /// The index of the current variant, if one was set.
    pub fn current(&self) -> Option<usize> {
        Some(self.current.load(Ordering::Acquire)).filter(|&index| index != NONE)
    }

    /// Makes variant `index` the current state.
    ///
    /// Concurrent calls settle on the last variant stored: each call writes
    /// every series from the stored variant and writes again if that changed
    /// meanwhile. Under the global recorder this allocates nothing and takes
    /// no lock after the first call.
    pub fn set(&'static self, index: usize) {
        if index >= self.values.len() {
            return;
        }
        self.current.store(index, Ordering::Release);
        self.cache.with(
            |recorder| self.register(recorder),
            |recorder, cached| match cached {
                Some(gauges) => self.write_until_settled(&gauges),
                None => self.write_until_settled(&self.register(recorder)),
            },
        );
    }

    fn write_until_settled(&self, gauges: &[Gauge]) {
        loop {
            let current = self.current.load(Ordering::Acquire);
            match self.encoding {
                StateEncoding::StateSet => {
                    for (index, gauge) in gauges.iter().enumerate() {
                        gauge.set(if index == current { 1.0 } else { 0.0 });
                    }
                }
                StateEncoding::Value => {
                    if let (Some(gauge), Some(value)) =
                        (gauges.first(), self.discriminants.get(current))
                    {
                        gauge.set(*value);
                    }
                }
            }
            if self.current.load(Ordering::Acquire) == current {
                return;
            }
        }
    }

    /// One gauge per variant (StateSet) or the single gauge (Value).
    fn register(&self, recorder: &dyn Recorder) -> Box<[Gauge]> {
        let name = self.descriptor.name();
        let module = self.descriptor.origin().module;
        let metadata = metrics::Metadata::new(module, metrics::Level::INFO, Some(module));
        match self.encoding {
            StateEncoding::StateSet => self
                .values
                .iter()
                .map(|value| {
                    let mut labels = Vec::with_capacity(self.labels.len() + 1);
                    labels.extend_from_slice(self.labels);
                    labels.push(Label::from_static_parts(name, value));
                    recorder.register_gauge(&Key::from_parts(name, labels), &metadata)
                })
                .collect(),
            StateEncoding::Value => Box::new([
                recorder.register_gauge(&Key::from_static_parts(name, self.labels), &metadata)
            ]),
        }
    }
}

impl std::fmt::Debug for StateGauge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateGauge")
            .field("name", &self.descriptor.name())
            .field("encoding", &self.encoding)
            .field("current", &self.current())
            .finish_non_exhaustive()
    }
}
