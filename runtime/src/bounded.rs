//! Bounded labels: label values taken from run-time data, with a cap on how
//! many distinct values one metric can ever see.
//!
//! A label whose values come from requests or the environment (worker ids,
//! tenant ids, uuids) can grow without end, and every new value is a new
//! series. A [`BoundedLabel`] remembers the first `limit` distinct values it
//! is given and folds every later one into [`OVERFLOW`], counting each folded
//! record in `vitals_label_overflow_total{metric="..."}`. A million distinct
//! inputs give at most `limit + 1` values, whatever the input.
//!
//! `#[metric_group]` puts one behind each `&str` label of a metric (its
//! `limit` argument sets the cap); it can also be used on its own:
//!
//! ```
//! use vitals::bounded::{BoundedLabel, OVERFLOW};
//!
//! static TENANT: BoundedLabel = BoundedLabel::new("kmb_tenant_log_entries_total", 2);
//!
//! let recorded = vitals::testing::capture(|| {
//!     assert_eq!(TENANT.get("acme").as_str(), "acme");
//!     assert_eq!(TENANT.get("globex").as_str(), "globex");
//!     assert_eq!(TENANT.get("acme").as_str(), "acme"); // already known
//!     assert_eq!(TENANT.get("initech").as_str(), OVERFLOW); // over the limit
//! });
//! let metric = [("metric", "kmb_tenant_log_entries_total")];
//! assert_eq!(recorded.counter("vitals_label_overflow_total", &metric), Some(1));
//! ```

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use metrics::{Counter, Key, Label, SharedString};

use crate::catalogue::{
    CATALOGUE, LabelDescriptor, LabelValues, MetricDescriptor, MetricKind, Origin,
};
use crate::per_recorder::PerRecorder;

/// The value every label value beyond a metric's limit is folded into.
pub const OVERFLOW: &str = "__overflow__";

/// The limit of a bounded label when none is given.
pub const DEFAULT_LIMIT: usize = vitals_naming::limits::DEFAULT_BOUNDED_LIMIT;

/// The name of the counter of folded values.
pub const OVERFLOW_METRIC: &str = "vitals_label_overflow_total";

static OVERFLOW_LABELS: [LabelDescriptor; 1] = [LabelDescriptor::new("metric", LabelValues::Open)];

#[linkme::distributed_slice(CATALOGUE)]
#[allow(unsafe_code)] // linkme places the entry in a link section; no unsafe code is written here
static OVERFLOW_ENTRY: &[MetricDescriptor] = std::slice::from_ref(&OVERFLOW_DESCRIPTOR);

static OVERFLOW_DESCRIPTOR: MetricDescriptor = MetricDescriptor::new(
    OVERFLOW_METRIC,
    MetricKind::Counter,
    "Records whose bounded label value was folded into `__overflow__` because the metric had reached its limit of distinct values, by metric.",
    None,
    &OVERFLOW_LABELS,
    &[],
    Origin {
        module: module_path!(),
        file: file!(),
        line: line!(),
    },
);

/// One label value after bounding: a value seen before the limit was
/// reached, or [`OVERFLOW`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundedValue {
    id: u32,
    value: SharedString,
}

impl BoundedValue {
    /// The id of the value: its rank among the values kept, or
    /// [`BoundedValue::OVERFLOW_ID`] for the overflow value.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The label value.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The label value, shared.
    pub fn shared(&self) -> SharedString {
        self.value.clone()
    }

    /// Whether this is the overflow value.
    pub fn is_overflow(&self) -> bool {
        self.id == Self::OVERFLOW_ID
    }

    /// The id of the overflow value.
    pub const OVERFLOW_ID: u32 = u32::MAX;
}

#[derive(Default)]
struct Seen {
    ids: HashMap<Arc<str>, u32>,
}

/// The distinct values one label of one metric has taken, up to a limit.
///
/// Looking a known value up takes a read lock and a hash; a new value takes
/// a write lock and one allocation, once. The values kept are never
/// forgotten, so a series, once created, keeps its label value.
pub struct BoundedLabel {
    metric: &'static str,
    limit: usize,
    seen: OnceLock<RwLock<Seen>>,
    /// The overflow counter, cached for the ambient recorders only.
    overflow_counter: PerRecorder<Counter>,
}

impl BoundedLabel {
    /// A bounded label of metric `metric` keeping at most `limit` distinct values.
    pub const fn new(metric: &'static str, limit: usize) -> Self {
        Self {
            metric,
            limit,
            seen: OnceLock::new(),
            overflow_counter: PerRecorder::new(),
        }
    }

    /// The metric this label belongs to.
    pub fn metric(&self) -> &'static str {
        self.metric
    }

    /// The most distinct values kept.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many distinct values are kept so far.
    pub fn len(&self) -> usize {
        self.seen()
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .ids
            .len()
    }

    /// Whether no value has been kept yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bounded form of `value`: `value` itself while fewer than `limit`
    /// distinct values were seen (or if it was seen before), otherwise
    /// [`OVERFLOW`], counted in `vitals_label_overflow_total{metric}` through
    /// the current recorder.
    pub fn get(&self, value: &str) -> BoundedValue {
        let seen = self.seen();
        {
            let read = seen.read().unwrap_or_else(PoisonError::into_inner);
            if let Some((value, id)) = read.ids.get_key_value(value) {
                return BoundedValue {
                    id: *id,
                    value: SharedString::from(Arc::clone(value)),
                };
            }
            if read.ids.len() >= self.limit {
                drop(read);
                return self.overflow();
            }
        }
        let mut write = seen.write().unwrap_or_else(PoisonError::into_inner);
        if let Some((value, id)) = write.ids.get_key_value(value) {
            return BoundedValue {
                id: *id,
                value: SharedString::from(Arc::clone(value)),
            };
        }
        if write.ids.len() >= self.limit {
            drop(write);
            return self.overflow();
        }
        let id = u32::try_from(write.ids.len()).unwrap_or(BoundedValue::OVERFLOW_ID - 1);
        let shared: Arc<str> = Arc::from(value);
        write.ids.insert(Arc::clone(&shared), id);
        BoundedValue {
            id,
            value: SharedString::from(shared),
        }
    }

    fn overflow(&self) -> BoundedValue {
        self.overflow_counter.with(
            |recorder| self.register_overflow(recorder),
            |recorder, cached| match cached {
                Some(counter) => counter.increment(1),
                None => self.register_overflow(recorder).increment(1),
            },
        );
        BoundedValue {
            id: BoundedValue::OVERFLOW_ID,
            value: SharedString::const_str(OVERFLOW),
        }
    }

    fn register_overflow(&self, recorder: &dyn metrics::Recorder) -> Counter {
        let key = Key::from_parts(
            OVERFLOW_METRIC,
            vec![Label::from_static_parts("metric", self.metric)],
        );
        let metadata =
            metrics::Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));
        recorder.register_counter(&key, &metadata)
    }

    fn seen(&self) -> &RwLock<Seen> {
        self.seen.get_or_init(|| RwLock::new(Seen::default()))
    }
}

impl std::fmt::Debug for BoundedLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundedLabel")
            .field("metric", &self.metric)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_known_values_after_the_limit() {
        let label = BoundedLabel::new("test_total", 2);
        assert_eq!(label.get("a").id(), 0);
        assert_eq!(label.get("b").id(), 1);
        assert!(label.get("c").is_overflow());
        assert_eq!(label.get("a").id(), 0);
        assert_eq!(label.len(), 2);
    }
}
