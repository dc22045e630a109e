//! A minimal `tracing` subscriber that remembers span names and their `status` field.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Default)]
struct SpanLog {
    next_id: AtomicU64,
    /// id → (name, status)
    spans: Mutex<BTreeMap<u64, (String, Option<String>)>>,
}

#[derive(Clone, Default)]
struct Recording(Arc<SpanLog>);

thread_local! {
    static ENTERED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

struct StatusField(Option<String>);

impl Visit for StatusField {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "status" {
            self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "status" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl Subscriber for Recording {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut status = StatusField(None);
        span.record(&mut status);
        self.0
            .spans
            .lock()
            .unwrap()
            .insert(id, (span.metadata().name().to_owned(), status.0));
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut status = StatusField(None);
        values.record(&mut status);
        if let Some(value) = status.0 {
            if let Some(entry) = self.0.spans.lock().unwrap().get_mut(&span.into_u64()) {
                entry.1 = Some(value);
            }
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, span: &Id) {
        let name = self
            .0
            .spans
            .lock()
            .unwrap()
            .get(&span.into_u64())
            .map(|entry| entry.0.clone())
            .unwrap_or_default();
        ENTERED.with(|entered| entered.borrow_mut().push(name));
    }
    fn exit(&self, _: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().pop());
    }
}

/// Runs `f` with a recording subscriber; returns `(span name, status)` per
/// span, in creation order.
pub fn record(f: impl FnOnce()) -> Vec<(String, String)> {
    let recording = Recording::default();
    tracing::subscriber::with_default(recording.clone(), f);
    let spans = recording.0.spans.lock().unwrap();
    spans
        .values()
        .map(|(name, status)| (name.clone(), status.clone().unwrap_or_default()))
        .collect()
}

/// The name of the innermost span entered on this thread.
pub fn current_span_name() -> Option<String> {
    ENTERED.with(|entered| entered.borrow().last().cloned())
}
