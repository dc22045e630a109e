//! A recorder that keeps every series in memory for assertions.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use metrics::{
    Counter, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};

use super::captured::{Captured, Series, Value};

/// A `metrics` recorder that keeps every series in memory.
///
/// Handles are plain atomics: recording through a resolved handle never
/// allocates or locks, so it can also serve as a global recorder in tests
/// that count allocations or hammer one series from many threads.
/// Histograms keep count, sum, minimum and maximum, not every sample.
///
/// Clones share the same storage.
#[derive(Clone, Default)]
pub struct CapturingRecorder {
    store: Arc<Store>,
}

#[derive(Default)]
struct Store {
    series: Mutex<HashMap<Series, Cell>>,
    help: Mutex<HashMap<String, (Option<Unit>, String)>>,
}

#[derive(Clone)]
enum Cell {
    Counter(Arc<AtomicU64>),
    Gauge(Arc<AtomicU64>),
    Histogram(Arc<HistogramCell>),
}

/// Aggregates of one histogram series.
#[derive(Default)]
struct HistogramCell {
    count: AtomicU64,
    sum_bits: AtomicU64,
    min_bits: AtomicU64,
    max_bits: AtomicU64,
}

impl HistogramCell {
    fn new() -> Self {
        Self {
            count: AtomicU64::new(0),
            sum_bits: AtomicU64::new(0f64.to_bits()),
            min_bits: AtomicU64::new(f64::INFINITY.to_bits()),
            max_bits: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
        }
    }
}

fn update_f64(cell: &AtomicU64, update: impl Fn(f64) -> f64) {
    let _ = cell.fetch_update(Ordering::AcqRel, Ordering::Relaxed, |bits| {
        Some(update(f64::from_bits(bits)).to_bits())
    });
}

impl HistogramFn for HistogramCell {
    fn record(&self, value: f64) {
        update_f64(&self.sum_bits, |sum| sum + value);
        update_f64(&self.min_bits, |min| min.min(value));
        update_f64(&self.max_bits, |max| max.max(value));
        // Count last, so a reader that sees the count also sees the sum.
        self.count.fetch_add(1, Ordering::AcqRel);
    }
}

impl CapturingRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` with this recorder as the current thread's recorder.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(self, f)
    }

    /// Wraps `future` so this recorder is current around each of its polls.
    pub fn run_async<F: Future>(&self, future: F) -> WithRecorder<'_, F> {
        with_local_recorder_async(self, future)
    }

    /// Everything recorded so far.
    pub fn snapshot(&self) -> Captured {
        let series = self
            .store
            .series
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let help = self
            .store
            .help
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let values = series
            .iter()
            .map(|(series, cell)| {
                let value = match cell {
                    Cell::Counter(count) => Value::Counter(count.load(Ordering::Acquire)),
                    Cell::Gauge(bits) => Value::Gauge(f64::from_bits(bits.load(Ordering::Acquire))),
                    Cell::Histogram(histogram) => {
                        let count = histogram.count.load(Ordering::Acquire);
                        Value::Histogram {
                            count,
                            sum: f64::from_bits(histogram.sum_bits.load(Ordering::Acquire)),
                            min: (count > 0).then(|| {
                                f64::from_bits(histogram.min_bits.load(Ordering::Acquire))
                            }),
                            max: (count > 0).then(|| {
                                f64::from_bits(histogram.max_bits.load(Ordering::Acquire))
                            }),
                        }
                    }
                };
                (series.clone(), value)
            })
            .collect();
        Captured::new(values, help.clone())
    }

    fn cell(&self, key: &Key, make: impl FnOnce() -> Cell) -> Cell {
        let series = Series::from_key(key);
        let mut map = self
            .store
            .series
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.entry(series).or_insert_with(make).clone()
    }

    fn describe(&self, name: KeyName, unit: Option<Unit>, help: SharedString) {
        let mut map = self
            .store
            .help
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.insert(name.as_str().to_owned(), (unit, help.into_owned()));
    }
}

impl Recorder for CapturingRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, unit, description);
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, unit, description);
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(key, unit, description);
    }

    fn register_counter(&self, key: &Key, _metadata: &Metadata<'_>) -> Counter {
        match self.cell(key, || Cell::Counter(Arc::default())) {
            Cell::Counter(cell) => Counter::from_arc(cell),
            _ => Counter::noop(),
        }
    }

    fn register_gauge(&self, key: &Key, _metadata: &Metadata<'_>) -> Gauge {
        match self.cell(key, || {
            Cell::Gauge(Arc::new(AtomicU64::new(0f64.to_bits())))
        }) {
            Cell::Gauge(cell) => Gauge::from_arc(cell),
            _ => Gauge::noop(),
        }
    }

    fn register_histogram(&self, key: &Key, _metadata: &Metadata<'_>) -> Histogram {
        match self.cell(key, || Cell::Histogram(Arc::new(HistogramCell::new()))) {
            Cell::Histogram(cell) => Histogram::from_arc(cell),
            _ => Histogram::noop(),
        }
    }
}

/// Wraps `future` so `recorder` is the current thread's recorder around each
/// of its polls, and around its drop: the async counterpart of
/// `metrics::with_local_recorder`, for any recorder. Because the recorder is
/// set per poll, the future may move between threads.
pub fn with_local_recorder_async<F: Future>(
    recorder: &dyn Recorder,
    future: F,
) -> WithRecorder<'_, F> {
    WithRecorder {
        recorder,
        future: Some(Box::pin(future)),
    }
}

/// A future polled with a given recorder as the thread's recorder.
/// Returned by [`with_local_recorder_async`] and [`CapturingRecorder::run_async`].
pub struct WithRecorder<'r, F> {
    recorder: &'r dyn Recorder,
    /// `None` once completed or dropped.
    future: Option<Pin<Box<F>>>,
}

impl<F: Future> Future for WithRecorder<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let _local = metrics::set_default_local_recorder(this.recorder);
        let Some(future) = this.future.as_mut() else {
            panic!("`WithRecorder` polled after completion");
        };
        let poll = future.as_mut().poll(cx);
        if poll.is_ready() {
            this.future = None;
        }
        poll
    }
}

impl<F> Drop for WithRecorder<'_, F> {
    fn drop(&mut self) {
        // Dropping an unfinished future runs its guards (a cancelled call is
        // counted then): they must see this recorder too.
        let _local = metrics::set_default_local_recorder(self.recorder);
        self.future = None;
    }
}
