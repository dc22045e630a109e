//! The default store: counters and gauges in the stock
//! `metrics-exporter-prometheus` recorder, histograms in exact fixed
//! buckets of our own (see the `histograms` module for why).

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::error::BuildError;
use crate::store::config::{StoreConfig, checked_buckets};
use crate::store::histograms::Histograms;
use crate::store::metrics_store::MetricsStore;

/// The default store: the stock `metrics-exporter-prometheus` recorder for
/// counters and gauges, and exact lock-free histograms with fixed buckets
/// (the stock histograms buffer observations until a drain, and can lose
/// those recorded while a scrape or upkeep drains them).
#[derive(Debug)]
pub struct VitalsStore {
    recorder: SplitRecorder,
    handle: PrometheusHandle,
}

/// Counters and gauges to the stock recorder, histograms to ours.
#[derive(Debug)]
struct SplitRecorder {
    stock: PrometheusRecorder,
    histograms: Histograms,
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

impl MetricsStore for VitalsStore {
    fn render_text(&self) -> String {
        let mut text = self.handle.render();
        self.recorder.histograms.render(&mut text);
        text
    }

    fn run_upkeep(&self) {
        // Our histograms need none. The stock part publishes `# HELP` texts
        // described since its last render; it would also drain its own
        // histograms, but every histogram is registered with ours.
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
