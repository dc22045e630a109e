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

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::numbers::push_float;

pub use self::labels::{ExemplarLabels, MAX_EXEMPLAR_CHARS};
#[cfg(feature = "opentelemetry")]
pub use self::trace_context::trace_context;

/// Where exemplars come from: called on the recording thread at every
/// counter increment and histogram observation of the store it is given to
/// (see [`ExporterBuilder::exemplars`](crate::ExporterBuilder::exemplars)),
/// it adds the labels of the current context, or none (no exemplar).
pub type ExemplarSource = Arc<dyn Fn(&mut ExemplarLabels) + Send + Sync>;

/// After its first exemplar, a slot asks the source again at one in this
/// many of the calling thread's observations: a scrape shows one exemplar
/// per slot, so asking at every observation would only spend time (the
/// source finds the current span, the slot takes a lock).
const SAMPLE_EVERY: u32 = 32;

thread_local! {
    /// Counts this thread's offers to slots that already hold an exemplar.
    static OFFERS: Cell<u32> = const { Cell::new(0) };
}

/// The latest exemplar of one counter or bucket, and a buffer to fill the
/// next one in without allocating.
#[derive(Default)]
struct Slot {
    labels: ExemplarLabels,
    value: f64,
    /// Seconds since the Unix epoch, when it was recorded.
    timestamp: f64,
    scratch: ExemplarLabels,
}

/// A series' exemplar slots (one for a counter, one per bucket).
pub(crate) struct Exemplars {
    source: ExemplarSource,
    slots: Box<[Mutex<Slot>]>,
    /// Whether each slot holds an exemplar: an empty one always asks.
    filled: Box<[AtomicBool]>,
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
            filled: (0..slots).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// Asks the source for an exemplar of `value` in `slot`: always while
    /// the slot is empty, then at one in [`SAMPLE_EVERY`] of this thread's
    /// offers. Skipped when another thread is filling the slot (it will hold
    /// an exemplar just as recent) and for non-finite values (an exemplar
    /// must be a number).
    pub(crate) fn offer(&self, slot: usize, value: f64) {
        if self.filled[slot].load(Ordering::Relaxed) {
            let offers = OFFERS.get().wrapping_add(1);
            OFFERS.set(offers);
            if offers % SAMPLE_EVERY != 0 {
                return;
            }
        }
        if !value.is_finite() {
            return;
        }
        let Ok(mut guard) = self.slots[slot].try_lock() else {
            return;
        };
        let filled = &mut *guard;
        filled.scratch.clear();
        (self.source)(&mut filled.scratch);
        if !filled.scratch.is_empty() {
            std::mem::swap(&mut filled.labels, &mut filled.scratch);
            filled.value = value;
            filled.timestamp = now();
            self.filled[slot].store(true, Ordering::Relaxed);
        }
    }

    /// Appends ` # {labels} value timestamp` when `slot` has an exemplar.
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
        out.push(' ');
        push_float(out, slot.timestamp);
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exemplar in `slot` without its timestamp.
    fn written(exemplars: &Exemplars, slot: usize) -> String {
        let mut out = String::new();
        exemplars.write(slot, &mut out);
        match out.rsplit_once(' ') {
            Some((exemplar, timestamp)) => {
                let timestamp: f64 = timestamp.parse().unwrap();
                assert!(timestamp > 1.6e9, "{out}");
                exemplar.to_owned()
            }
            None => out,
        }
    }

    #[test]
    fn a_slot_keeps_a_recent_exemplar_with_labels() {
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
        assert_eq!(written(&exemplars, 0), "");
        // An empty slot takes the first exemplar offered.
        exemplars.offer(0, 0.5);
        assert_eq!(written(&exemplars, 0), " # {trace_id=\"a\"} 0.5");
        // No context: however often asked, the previous exemplar stays.
        *next.lock().unwrap() = None;
        for _ in 0..SAMPLE_EVERY * 2 {
            exemplars.offer(0, 2.0);
        }
        assert_eq!(written(&exemplars, 0), " # {trace_id=\"a\"} 0.5");
        // A new context replaces it within `SAMPLE_EVERY` offers; a
        // non-finite value never does.
        *next.lock().unwrap() = Some("b\"c");
        for _ in 0..SAMPLE_EVERY * 2 {
            exemplars.offer(0, f64::NAN);
        }
        assert_eq!(written(&exemplars, 0), " # {trace_id=\"a\"} 0.5");
        for _ in 0..SAMPLE_EVERY {
            exemplars.offer(0, 3.0);
        }
        assert_eq!(written(&exemplars, 0), " # {trace_id=\"b\\\"c\"} 3");
        assert_eq!(written(&exemplars, 1), "");
    }
}
