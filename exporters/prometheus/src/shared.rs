//! What every endpoint and the pusher share.

use std::sync::Arc;
use std::time::Duration;

use vitals::health::HealthRegistry;

use crate::build_info::BuildInfo;
use crate::negotiate::Format;
use crate::scrape_metrics::ScrapeMetrics;
use crate::store::MetricsStore;

/// The store, the health registry and the metadata the endpoints read.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn MetricsStore>,
    #[cfg(feature = "process")]
    pub(crate) process: Option<crate::process::ProcessMetrics>,
    pub(crate) health: HealthRegistry,
    pub(crate) build_info: Option<BuildInfo>,
    pub(crate) check_timeout: Duration,
    /// `promhttp_metric_handler_*`, unless switched off.
    pub(crate) scrape_metrics: Option<Arc<ScrapeMetrics>>,
    /// Whether `/` serves the live page.
    pub(crate) live_page: bool,
}

impl Shared {
    /// Renders the store, then the `process_*` metrics read now (when on).
    /// Can take milliseconds with many series: call it off the async workers.
    pub(crate) fn render(&self, format: Format) -> String {
        let out = match format {
            Format::Text => self.store.render_text(),
            Format::OpenMetrics => self.store.render_openmetrics(),
        };
        #[cfg(feature = "process")]
        let out = self.append_process_metrics(out, format);
        out
    }

    /// Appends the `process_*` block, if switched on, to the store's `out`.
    #[cfg(feature = "process")]
    fn append_process_metrics(&self, mut out: String, format: Format) -> String {
        let Some(process) = &self.process else {
            return out;
        };
        let block = process.render_text();
        match format {
            Format::Text => out.push_str(&block),
            Format::OpenMetrics => {
                // The block goes before the store's `# EOF`.
                let eof = out.rfind("# EOF").unwrap_or(out.len());
                out.truncate(eof);
                out.push_str(&crate::openmetrics::from_text(&block));
            }
        }
        out
    }

    /// `work` on tokio's blocking pool (rendering, compressing); `None`,
    /// logged, if it panicked.
    pub(crate) async fn off_thread<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Shared) -> T + Send + 'static,
    ) -> Option<T> {
        let shared = Arc::clone(self);
        match tokio::task::spawn_blocking(move || work(&shared)).await {
            Ok(body) => Some(body),
            Err(error) => {
                tracing::error!(%error, "rendering metrics failed");
                None
            }
        }
    }
}
