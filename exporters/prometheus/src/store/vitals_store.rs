//! The default store: every counter, gauge and histogram in per-thread
//! cells of our own, rendered by our own writer.

use std::sync::atomic::{AtomicUsize, Ordering};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

use crate::error::BuildError;
use crate::negotiate::Format;
use crate::store::config::{StoreConfig, checked_buckets};
use crate::store::exemplars::ExemplarSource;
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

    /// Counters and histograms ask `source` for an exemplar at each
    /// increment and observation (see [`ExemplarSource`]); OpenMetrics
    /// scrapes show the latest one per counter and per bucket.
    pub fn with_exemplars(mut self, source: ExemplarSource) -> Self {
        self.registry.set_exemplar_source(source);
        self
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

#[cfg(test)]
mod tests {
    use metrics::{Key, Label, Level};

    use super::*;

    static METADATA: Metadata<'static> = Metadata::new("test", Level::INFO, None);

    fn store() -> VitalsStore {
        VitalsStore::from_config(&StoreConfig {
            default_buckets: vec![1.0, 5.0],
            buckets: vec![("shop_wait_seconds".to_owned(), vec![0.1, 0.5])],
        })
        .unwrap()
    }

    fn key(name: &'static str, labels: &[(&'static str, &'static str)]) -> Key {
        let labels: Vec<Label> = labels.iter().map(|(k, v)| Label::new(*k, *v)).collect();
        Key::from_parts(name, labels)
    }

    /// Without `_created` lines, whose values are creation times.
    fn without_created(text: &str) -> String {
        text.lines()
            .filter(|line| !line.contains("_created"))
            .map(|line| format!("{line}\n"))
            .collect()
    }

    fn recorded() -> VitalsStore {
        let store = store();
        store.describe_counter(
            "shop_orders_total".into(),
            Some(Unit::Count),
            "Orders \"placed\".\nBy kind.".into(),
        );
        store.describe_histogram(
            "shop_wait_seconds".into(),
            Some(Unit::Seconds),
            "Waits.".into(),
        );
        store
            .register_counter(&key("shop_orders_total", &[("kind", "b")]), &METADATA)
            .increment(2);
        store
            .register_counter(&key("shop_orders_total", &[("kind", "a\"\n")]), &METADATA)
            .increment(1);
        let wait = store.register_histogram(&key("shop_wait_seconds", &[]), &METADATA);
        for value in [0.05, 0.1, 0.3, 2.0, f64::NAN] {
            wait.record(value);
        }
        let gauge = store.register_gauge(&key("shop_build_info", &[("version", "1")]), &METADATA);
        gauge.set(1.0);
        for (state, value) in [("open", 1.0), ("closed", 0.0)] {
            store
                .register_gauge(&key("shop_state", &[("shop_state", state)]), &METADATA)
                .set(value);
        }
        let active = store.register_gauge(&key("shop_active", &[]), &METADATA);
        active.increment(3.0);
        active.decrement(1.5);
        store
    }

    #[test]
    fn text_is_sorted_by_family_and_labels() {
        assert_eq!(
            recorded().render_text(),
            "# TYPE shop_active gauge\nshop_active 1.5\n\n\
             # TYPE shop_build_info gauge\nshop_build_info{version=\"1\"} 1\n\n\
             # HELP shop_orders_total Orders \"placed\".\\nBy kind.\n# TYPE shop_orders_total counter\n\
             shop_orders_total{kind=\"a\\\"\\n\"} 1\nshop_orders_total{kind=\"b\"} 2\n\n\
             # TYPE shop_state gauge\nshop_state{shop_state=\"closed\"} 0\nshop_state{shop_state=\"open\"} 1\n\n\
             # HELP shop_wait_seconds Waits.\n# TYPE shop_wait_seconds histogram\n\
             shop_wait_seconds_bucket{le=\"0.1\"} 2\nshop_wait_seconds_bucket{le=\"0.5\"} 3\n\
             shop_wait_seconds_bucket{le=\"+Inf\"} 5\nshop_wait_seconds_sum 2.45\nshop_wait_seconds_count 5\n\n"
        );
    }

    #[test]
    fn openmetrics_has_units_created_info_stateset_and_eof() {
        let openmetrics = recorded().render_openmetrics();
        assert_eq!(
            without_created(&openmetrics),
            "# TYPE shop_active gauge\nshop_active 1.5\n\
             # TYPE shop_build info\nshop_build_info{version=\"1\"} 1\n\
             # HELP shop_orders Orders \\\"placed\\\".\\nBy kind.\n# TYPE shop_orders counter\n\
             shop_orders_total{kind=\"a\\\"\\n\"} 1\nshop_orders_total{kind=\"b\"} 2\n\
             # TYPE shop_state stateset\nshop_state{shop_state=\"closed\"} 0\nshop_state{shop_state=\"open\"} 1\n\
             # HELP shop_wait_seconds Waits.\n# TYPE shop_wait_seconds histogram\n# UNIT shop_wait_seconds seconds\n\
             shop_wait_seconds_bucket{le=\"0.1\"} 2\nshop_wait_seconds_bucket{le=\"0.5\"} 3\n\
             shop_wait_seconds_bucket{le=\"+Inf\"} 5\nshop_wait_seconds_sum 2.45\nshop_wait_seconds_count 5\n\
             # EOF\n"
        );
        // Each counter and histogram series says when it was created.
        let created: Vec<&str> = openmetrics
            .lines()
            .filter(|line| line.contains("_created"))
            .map(|line| line.rsplit_once(' ').unwrap().0)
            .collect();
        assert_eq!(
            created,
            [
                "shop_orders_created{kind=\"a\\\"\\n\"}",
                "shop_orders_created{kind=\"b\"}",
                "shop_wait_seconds_created"
            ]
        );
    }

    #[test]
    fn a_name_reused_with_another_type_is_refused_and_counted() {
        let store = store();
        store
            .register_counter(&key("shop_things", &[]), &METADATA)
            .increment(1);
        store
            .register_gauge(&key("shop_things", &[("a", "b")]), &METADATA)
            .set(5.0);
        let text = store.render_text();
        assert!(text.contains("shop_things 1\n"), "{text}");
        assert!(!text.contains("shop_things{a=\"b\"}"), "{text}");
        assert!(
            text.contains("vitals_store_refused_series_total{reason=\"type_conflict\"} 1\n"),
            "{text}"
        );
    }
}
