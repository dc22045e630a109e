//! The default store: every counter, gauge and histogram in per-thread
//! cells of our own, rendered by our own writer.

use std::sync::atomic::{AtomicUsize, Ordering};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

use crate::error::BuildError;
use crate::negotiate::Format;
use crate::store::config::{StoreConfig, checked_buckets};
use crate::store::metrics_store::MetricsStore;
use crate::store::registry::Registry;
use crate::store::render::render;

/// The default store.
///
/// - Recording touches only the calling thread's cells (a plain load and
///   store, no lock, no read-modify-write), so one hot series recorded by
///   every core costs about what it costs on one; a scrape sums the cells.
/// - Histograms have fixed buckets, exact under concurrency: nothing is
///   buffered between scrapes (the stock recorder's buffer can lose
///   observations recorded while it drains) and no observation allocates.
/// - Gauges are exact under concurrent `increment`/`decrement`, and `set`
///   wins over the increments before it.
/// - The exposition is sorted (families by name, series by labels), in
///   text 0.0.4 or complete OpenMetrics (`# UNIT`, `_created`, `info`).
/// - Bounded: about a million counter and bucket cells and as many gauge
///   and sum cells; series past that, or a name reused with another type,
///   are not created and are counted in
///   `vitals_store_refused_series_total{reason}`.
#[derive(Debug)]
pub struct VitalsStore {
    registry: Registry,
    /// The last exposition's length: the next buffer starts that large.
    last_len: AtomicUsize,
}

impl VitalsStore {
    /// A store with the configured buckets: real histograms for every
    /// metric, never the summary fallback.
    pub fn from_config(config: &StoreConfig) -> Result<Self, BuildError> {
        for (metric, bounds) in std::iter::once(("*", &config.default_buckets)).chain(
            config
                .buckets
                .iter()
                .map(|(name, bounds)| (name.as_str(), bounds)),
        ) {
            checked_buckets(metric, bounds)?;
        }
        Ok(Self {
            registry: Registry::new(config),
            last_len: AtomicUsize::new(0),
        })
    }

    fn render(&self, format: Format) -> String {
        let mut out = String::with_capacity(self.last_len.load(Ordering::Relaxed) + 1024);
        render(&self.registry, format, &mut out);
        self.last_len.store(out.len(), Ordering::Relaxed);
        out
    }
}

impl MetricsStore for VitalsStore {
    fn render_text(&self) -> String {
        self.render(Format::Text)
    }

    fn render_openmetrics(&self) -> String {
        self.render(Format::OpenMetrics)
    }

    fn run_upkeep(&self) {
        // Nothing is buffered, so there is nothing to drain.
    }

    fn recorder(&self) -> &dyn Recorder {
        self
    }
}

impl Recorder for VitalsStore {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.registry.describe(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.registry.describe(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.registry.describe(key, unit, description);
    }
    fn register_counter(&self, key: &Key, _metadata: &Metadata<'_>) -> Counter {
        self.registry.counter(key)
    }
    fn register_gauge(&self, key: &Key, _metadata: &Metadata<'_>) -> Gauge {
        self.registry.gauge(key)
    }
    fn register_histogram(&self, key: &Key, _metadata: &Metadata<'_>) -> Histogram {
        self.registry.histogram(key)
    }
}
