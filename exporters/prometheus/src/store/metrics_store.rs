//! The seam between storage and the endpoints.
//!
//! Endpoints, health, push and the catalogue wiring only talk to a
//! [`MetricsStore`]: [`VitalsStore`](crate::VitalsStore) is the default;
//! another store can replace it without touching HTTP code.

use metrics::Recorder;

/// A metrics store: a recorder writes into it, and it renders itself for a scrape.
pub trait MetricsStore: Send + Sync + 'static {
    /// The exposition in Prometheus text format 0.0.4.
    fn render_text(&self) -> String;

    /// The exposition in OpenMetrics 1.0 text format. The default converts
    /// [`render_text`](Self::render_text); a store that renders OpenMetrics
    /// natively should override it.
    fn render_openmetrics(&self) -> String {
        crate::openmetrics::from_text(&self.render_text())
    }

    /// Periodic maintenance, so memory stays bounded between scrapes (a
    /// store that buffers observations drains them here). Runs on a
    /// background thread every few seconds, scrapes or not.
    fn run_upkeep(&self);

    /// The recorder that writes into this store.
    fn recorder(&self) -> &dyn Recorder;
}
