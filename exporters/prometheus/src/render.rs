//! The seam between storage and the endpoints.
//!
//! Endpoints, health, push and the catalogue wiring only talk to a
//! [`Render`]: the stock `metrics-exporter-prometheus` recorder is the first
//! implementation ([`StockRecorder`]); a faster recorder can replace it
//! without touching HTTP code.

use std::sync::Arc;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::builder::StoreConfig;
use crate::error::BuildError;

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

/// The stock `metrics-exporter-prometheus` recorder as a [`Render`].
#[derive(Debug)]
pub struct StockRecorder {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl StockRecorder {
    /// A recorder with the configured buckets: real histograms for every
    /// metric, never the summary fallback.
    pub fn from_config(config: &StoreConfig) -> Result<Self, BuildError> {
        let invalid = |metric: &str| {
            let metric = metric.to_owned();
            move |error: metrics_exporter_prometheus::BuildError| BuildError::InvalidBuckets {
                metric,
                reason: error.to_string(),
            }
        };
        let mut builder = PrometheusBuilder::new()
            .set_buckets(&config.default_buckets)
            .map_err(invalid("*"))?;
        for (name, bounds) in &config.buckets {
            builder = builder
                .set_buckets_for_metric(Matcher::Full(name.clone()), bounds)
                .map_err(invalid(name))?;
        }
        Ok(Self::new(builder.build_recorder()))
    }

    /// Wraps a recorder built by `metrics_exporter_prometheus::PrometheusBuilder`.
    pub fn new(recorder: PrometheusRecorder) -> Self {
        let handle = recorder.handle();
        Self { recorder, handle }
    }
}

impl Render for StockRecorder {
    fn render_text(&self) -> String {
        self.handle.render()
    }

    fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }

    fn recorder(&self) -> &dyn Recorder {
        &self.recorder
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
