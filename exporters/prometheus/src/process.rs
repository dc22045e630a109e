//! `process_*` metrics, refreshed at each scrape (`process` feature).
//!
//! Uses `metrics-process`, which reads `/proc` on Linux (and the matching
//! APIs elsewhere) and writes the standard names: `process_cpu_seconds_total`,
//! `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
//! `process_open_fds`, `process_max_fds`, `process_start_time_seconds`,
//! `process_threads`.

use metrics::Recorder;

/// Collects process metrics into one recorder.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProcessMetrics {
    collector: metrics_process::Collector,
}

impl ProcessMetrics {
    /// Writes `# HELP` and `# TYPE` for every process metric.
    pub(crate) fn describe(&self, recorder: &dyn Recorder) {
        metrics::with_local_recorder(recorder, || self.collector.describe());
    }

    /// Reads the current values; called right before each render.
    pub(crate) fn collect(&self, recorder: &dyn Recorder) {
        metrics::with_local_recorder(recorder, || self.collector.collect());
    }
}
