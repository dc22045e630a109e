//! Exemplars: the trace (or anything else an application names) behind a
//! counter increment or a histogram observation, shown next to the sample
//! in OpenMetrics (`... 17 # {trace_id="4bf9..."} 0.043`).
//!
//! The `metrics` facade has no exemplar argument, so the store asks an
//! [`ExemplarSource`] at the moment a value is recorded, on the recording
//! thread: whatever span or request context is current then (the handler's,
//! for `#[instrument_rpc]` and for the layers' counters and histograms) is
//! the exemplar. Each counter keeps its latest exemplar, each histogram its
//! latest per bucket; nothing else, so memory stays one slot per bucket.
//!
//! Only counters and histogram buckets carry them: Prometheus before 2.43
//! rejects a whole scrape with an exemplar on any other sample.

pub(crate) mod labels;
#[cfg(feature = "opentelemetry")]
mod trace_context;

use std::sync::{Arc, Mutex, PoisonError};

use crate::store::numbers::push_float;

pub use self::labels::{ExemplarLabels, MAX_EXEMPLAR_CHARS};
#[cfg(feature = "opentelemetry")]
pub use self::trace_context::trace_context;

/// Where exemplars come from: called on the recording thread at every
/// counter increment and histogram observation of the store it is given to
/// (see [`ExporterBuilder::exemplars`](crate::ExporterBuilder::exemplars)),
/// it adds the labels of the current context, or none (no exemplar).
pub type ExemplarSource = Arc<dyn Fn(&mut ExemplarLabels) + Send + Sync>;

/// The latest exemplar of one counter or bucket, and a buffer to fill the
/// next one in without allocating.
#[derive(Default)]
struct Slot {
    labels: ExemplarLabels,
    value: f64,
    scratch: ExemplarLabels,
}

/// A series' exemplar slots (one for a counter, one per bucket).
pub(crate) struct Exemplars {
    source: ExemplarSource,
    slots: Box<[Mutex<Slot>]>,
}

impl std::fmt::Debug for Exemplars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exemplars")
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl Exemplars {
    pub(crate) fn new(source: &ExemplarSource, slots: usize) -> Self {
        Self {
            source: Arc::clone(source),
            slots: (0..slots).map(|_| Mutex::default()).collect(),
        }
    }

    /// Asks the source for an exemplar of `value` in `slot`. Skipped when
    /// another thread is filling the slot (it will hold an exemplar just as
    /// recent) and for non-finite values (an exemplar must be a number).
    pub(crate) fn offer(&self, slot: usize, value: f64) {
        if !value.is_finite() {
            return;
        }
        let Ok(mut slot) = self.slots[slot].try_lock() else {
            return;
        };
        let slot = &mut *slot;
        slot.scratch.clear();
        (self.source)(&mut slot.scratch);
        if !slot.scratch.is_empty() {
            std::mem::swap(&mut slot.labels, &mut slot.scratch);
            slot.value = value;
        }
    }

    /// Appends ` # {labels} value` when `slot` has an exemplar.
    pub(crate) fn write(&self, slot: usize, out: &mut String) {
        let slot = self.slots[slot]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.labels.is_empty() {
            return;
        }
        out.push_str(" # {");
        out.push_str(slot.labels.as_str());
        out.push_str("} ");
        push_float(out, slot.value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_exemplar_with_labels_is_kept() {
        let next = Arc::new(Mutex::new(Some("a")));
        let source: ExemplarSource = {
            let next = Arc::clone(&next);
            Arc::new(move |labels: &mut ExemplarLabels| {
                if let Some(id) = *next.lock().unwrap() {
                    labels.push("trace_id", id);
                }
            })
        };
        let exemplars = Exemplars::new(&source, 2);
        let written = |slot| {
            let mut out = String::new();
            exemplars.write(slot, &mut out);
            out
        };
        assert_eq!(written(0), "");
        exemplars.offer(0, 0.5);
        assert_eq!(written(0), " # {trace_id=\"a\"} 0.5");
        // No context: the previous exemplar stays.
        *next.lock().unwrap() = None;
        exemplars.offer(0, 2.0);
        assert_eq!(written(0), " # {trace_id=\"a\"} 0.5");
        *next.lock().unwrap() = Some("b\"c");
        exemplars.offer(0, f64::NAN);
        exemplars.offer(1, 3.0);
        assert_eq!(written(0), " # {trace_id=\"a\"} 0.5");
        assert_eq!(written(1), " # {trace_id=\"b\\\"c\"} 3");
    }
}
