//! The seam between storage and the endpoints.
//!
//! Endpoints, health, push and the catalogue wiring only talk to a
//! [`Render`]: [`StockRecorder`] (the stock `metrics-exporter-prometheus`
//! recorder plus exact histograms) is the first implementation; a faster
//! recorder can replace it without touching HTTP code.

use std::sync::Arc;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::builder::StoreConfig;
use crate::error::BuildError;
use crate::histograms::Histograms;

/// A metrics store that can render itself for a scrape.
pub trait Render: Send + Sync + 'static {
    /// The exposition in Prometheus text format 0.0.4.
    fn render_text(&self) -> String;

    /// The exposition in OpenMetrics 1.0 text format. The default converts
    /// [`render_text`](Self::render_text); a store that renders OpenMetrics
    /// natively should override it.
    fn render_openmetrics(&self) -> String {
        crate::openmetrics::from_text(&self.render_text())
    }

    /// Periodic maintenance (draining histogram samples), so memory stays
    /// bounded between scrapes.
    fn run_upkeep(&self);

    /// The recorder that writes into this store.
    fn recorder(&self) -> &dyn Recorder;
}

/// The default store: the stock `metrics-exporter-prometheus` recorder for
/// counters and gauges, and exact lock-free histograms with fixed buckets
/// (the stock histograms can lose observations recorded while a scrape or
/// upkeep drains them; see the `histograms` module).
#[derive(Debug)]
pub struct StockRecorder {
    recorder: SplitRecorder,
    handle: PrometheusHandle,
}

/// Counters and gauges to the stock recorder, histograms to ours.
#[derive(Debug)]
struct SplitRecorder {
    stock: PrometheusRecorder,
    histograms: Histograms,
}

impl StockRecorder {
    /// A store with the configured buckets: real histograms for every
    /// metric, never the summary fallback.
    pub fn from_config(config: &StoreConfig) -> Result<Self, BuildError> {
        for (metric, bounds) in std::iter::once(("*", &config.default_buckets)).chain(
            config
                .buckets
                .iter()
                .map(|(name, bounds)| (name.as_str(), bounds)),
        ) {
            crate::builder::checked_buckets(metric, bounds)?;
        }
        let stock = PrometheusBuilder::new().build_recorder();
        let handle = stock.handle();
        Ok(Self {
            recorder: SplitRecorder {
                stock,
                histograms: Histograms::new(config),
            },
            handle,
        })
    }
}

impl Render for StockRecorder {
    fn render_text(&self) -> String {
        let mut text = self.handle.render();
        self.recorder.histograms.render(&mut text);
        text
    }

    fn run_upkeep(&self) {
        // Histograms need none; the stock part keeps its own bookkeeping.
        self.handle.run_upkeep();
    }

    fn recorder(&self) -> &dyn Recorder {
        &self.recorder
    }
}

impl Recorder for SplitRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.stock.describe_counter(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.stock.describe_gauge(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, _unit: Option<Unit>, description: SharedString) {
        self.histograms.describe(key, description);
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.stock.register_counter(key, metadata)
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.stock.register_gauge(key, metadata)
    }
    fn register_histogram(&self, key: &Key, _metadata: &Metadata<'_>) -> Histogram {
        self.histograms.register(key)
    }
}

/// A `metrics::Recorder` that forwards to a shared [`Render`] store, so the
/// store can be both the global recorder and owned by the exporter.
pub(crate) struct SharedRecorder(pub(crate) Arc<dyn Render>);

impl Recorder for SharedRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.recorder().describe_counter(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.recorder().describe_gauge(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.recorder().describe_histogram(key, unit, description);
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.0.recorder().register_counter(key, metadata)
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.0.recorder().register_gauge(key, metadata)
    }
    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.0.recorder().register_histogram(key, metadata)
    }
}
