//! The runtime half of [`#[metric_group]`](macro@crate::metric_group): one
//! [`Family`] per metric field.
//!
//! ```
//! #[vitals::metric_group(prefix = "shop")]
//! struct ShopMetrics {
//!     /// Orders placed.
//!     orders_total: Counter,
//! }
//!
//! static METRICS: ShopMetrics = ShopMetrics::new();
//! let recorded = vitals::testing::capture(|| METRICS.orders_total().increment(2));
//! assert_eq!(recorded.counter("shop_orders_total", &[]), Some(2));
//! ```
//!
//! A family knows its [`MetricDescriptor`] (name, labels and the values
//! each `#[metric_enum]` label can take) and caches one handle per label
//! combination:
//!
//! - labels that are all `#[metric_enum]` types index a flat array of
//!   handles (the mixed-radix number of their [`MetricEnum::index`]es), so
//!   after the first record of a series, recording allocates nothing, hashes
//!   nothing and takes no lock;
//! - a metric with a bounded string label (`&str`, see [`crate::bounded`])
//!   bounds the value first, then finds its handle in a map under a read
//!   lock.
//!
//! Handles are cached only for the ambient (global) recorder; under any
//! other recorder (a test's local recorder) they are resolved on every
//! record, so recording always reaches the recorder that is current.
//!
//! [`MetricEnum::index`]: crate::MetricEnum::index

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{OnceLock, PoisonError, RwLock};

use metrics::{Counter, Gauge, Histogram, Key, Label, Metadata, Recorder, SharedString};
use vitals_naming::limits::MAX_BOUNDED_LABELS;

use crate::bounded::BoundedLabel;
use crate::catalogue::MetricDescriptor;
use crate::per_recorder::{Cached, PerRecorder};

/// One label value of a record, in the metric's label order.
#[derive(Clone, Copy, Debug)]
pub enum LabelArg<'a> {
    /// A `#[metric_enum]` value, by [`MetricEnum::index`](crate::MetricEnum::index).
    Enum(usize),
    /// A string for a bounded label.
    Str(&'a str),
}

/// A kind of metric: how its handle is registered.
pub trait Kind: 'static {
    /// The handle type.
    type Handle: Clone + Send + Sync + 'static;
    /// Registers the series `key` with `recorder`.
    fn register(recorder: &dyn Recorder, key: &Key, metadata: &Metadata<'_>) -> Self::Handle;
}

/// Counters.
#[derive(Debug)]
pub enum CounterKind {}
/// Gauges.
#[derive(Debug)]
pub enum GaugeKind {}
/// Histograms.
#[derive(Debug)]
pub enum HistogramKind {}

impl Kind for CounterKind {
    type Handle = Counter;
    fn register(recorder: &dyn Recorder, key: &Key, metadata: &Metadata<'_>) -> Counter {
        recorder.register_counter(key, metadata)
    }
}

impl Kind for GaugeKind {
    type Handle = Gauge;
    fn register(recorder: &dyn Recorder, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        recorder.register_gauge(key, metadata)
    }
}

impl Kind for HistogramKind {
    type Handle = Histogram;
    fn register(recorder: &dyn Recorder, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        recorder.register_histogram(key, metadata)
    }
}

/// A counter field of a `#[metric_group]`.
pub type CounterFamily = Family<CounterKind>;
/// A gauge field of a `#[metric_group]`.
pub type GaugeFamily = Family<GaugeKind>;
/// A histogram field of a `#[metric_group]`.
pub type HistogramFamily = Family<HistogramKind>;

/// Which handle a combination of bounded values and enum values maps to.
type BoundedKey = (usize, [u32; MAX_BOUNDED_LABELS]);

/// A family's handles under one ambient recorder.
enum SeriesTable<H> {
    /// By enum combination, filled on first use of each: metrics without
    /// bounded labels.
    ByEnum(Box<[OnceLock<H>]>),
    /// By enum combination and bounded value ids.
    ByBounded(RwLock<HashMap<BoundedKey, H>>),
}

/// One metric of a group, with its cached handles. Generated code creates
/// it; applications call the group's methods.
pub struct Family<K: Kind> {
    descriptor: &'static MetricDescriptor,
    /// One per `&str` label, in label order.
    bounded: &'static [BoundedLabel],
    cache: PerRecorder<SeriesTable<K::Handle>>,
    kind: PhantomData<K>,
}

impl<K: Kind> Family<K> {
    #[doc(hidden)]
    pub const fn new(
        descriptor: &'static MetricDescriptor,
        bounded: &'static [BoundedLabel],
    ) -> Self {
        Self {
            descriptor,
            bounded,
            cache: PerRecorder::new(),
            kind: PhantomData,
        }
    }

    /// The handle of one series; `args` are its label values in label order.
    pub fn handle(&self, args: &[LabelArg<'_>]) -> K::Handle {
        self.cache.with(
            |_| self.empty_table(),
            |recorder, cached| match cached.map(Cached::value) {
                Some(SeriesTable::ByEnum(cells)) => match cells.get(self.combination(args)) {
                    Some(cell) => cell
                        .get_or_init(|| self.register(recorder, args, &[]))
                        .clone(),
                    None => self.register(recorder, args, &[]),
                },
                Some(SeriesTable::ByBounded(map)) => self.bounded_handle(recorder, map, args),
                None => self.register(recorder, args, &self.bound(args).1),
            },
        )
    }

    fn empty_table(&self) -> SeriesTable<K::Handle> {
        if self.bounded.is_empty() {
            SeriesTable::ByEnum((0..self.combinations()).map(|_| OnceLock::new()).collect())
        } else {
            SeriesTable::ByBounded(RwLock::new(HashMap::new()))
        }
    }

    /// The bounded form of each string label value: its id and its text.
    fn bound(
        &self,
        args: &[LabelArg<'_>],
    ) -> (
        [u32; MAX_BOUNDED_LABELS],
        [Option<SharedString>; MAX_BOUNDED_LABELS],
    ) {
        let mut ids = [0u32; MAX_BOUNDED_LABELS];
        let mut values: [Option<SharedString>; MAX_BOUNDED_LABELS] =
            [const { None }; MAX_BOUNDED_LABELS];
        let texts = args.iter().filter_map(|arg| match arg {
            LabelArg::Str(text) => Some(*text),
            LabelArg::Enum(_) => None,
        });
        for (((text, label), id), value) in texts.zip(self.bounded).zip(&mut ids).zip(&mut values) {
            let bounded = label.get(text);
            *id = bounded.id();
            *value = Some(bounded.shared());
        }
        (ids, values)
    }

    fn bounded_handle(
        &self,
        recorder: &dyn Recorder,
        map: &RwLock<HashMap<BoundedKey, K::Handle>>,
        args: &[LabelArg<'_>],
    ) -> K::Handle {
        let (ids, values) = self.bound(args);
        let key = (self.combination(args), ids);
        if let Some(handle) = map.read().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return handle.clone();
        }
        let mut write = map.write().unwrap_or_else(PoisonError::into_inner);
        write
            .entry(key)
            .or_insert_with(|| self.register(recorder, args, &values))
            .clone()
    }

    /// The number of enum label combinations.
    fn combinations(&self) -> usize {
        self.descriptor
            .labels()
            .iter()
            .filter_map(|label| label.values().values())
            .map(<[&str]>::len)
            .product()
    }

    /// The mixed-radix number of the enum indexes in `args`.
    fn combination(&self, args: &[LabelArg<'_>]) -> usize {
        let mut combination = 0;
        for (label, arg) in self.descriptor.labels().iter().zip(args) {
            if let (LabelArg::Enum(index), Some(values)) = (arg, label.values().values()) {
                combination = combination * values.len() + index;
            }
        }
        combination
    }

    fn register(
        &self,
        recorder: &dyn Recorder,
        args: &[LabelArg<'_>],
        bounded: &[Option<SharedString>],
    ) -> K::Handle {
        let mut labels = Vec::with_capacity(args.len());
        let mut bounded = bounded.iter();
        for (label, arg) in self.descriptor.labels().iter().zip(args) {
            match arg {
                LabelArg::Enum(index) => {
                    let value = label
                        .values()
                        .values()
                        .and_then(|values| values.get(*index))
                        .copied()
                        .unwrap_or("");
                    labels.push(Label::from_static_parts(label.name(), value));
                }
                LabelArg::Str(text) => {
                    let value = bounded
                        .next()
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| SharedString::from((*text).to_owned()));
                    labels.push(Label::new(label.name(), value));
                }
            }
        }
        let module = self.descriptor.origin().module;
        let metadata = Metadata::new(module, metrics::Level::INFO, Some(module));
        K::register(
            recorder,
            &Key::from_parts(self.descriptor.name(), labels),
            &metadata,
        )
    }
}

impl<K: Kind> std::fmt::Debug for Family<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.descriptor.name())
            .finish_non_exhaustive()
    }
}
