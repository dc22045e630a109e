//! The background thread that runs a store's upkeep between scrapes.

use std::sync::Weak;
use std::time::Duration;

use crate::store::metrics_store::MetricsStore;

/// Runs [`MetricsStore::run_upkeep`] every `interval`. A plain thread, so it
/// runs without an async runtime; it holds the store only while upkeep runs
/// and ends once the store is dropped.
pub(crate) fn spawn_upkeep(store: Weak<dyn MetricsStore>, interval: Duration) {
    let spawned = std::thread::Builder::new()
        .name("vitals-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(interval);
                match store.upgrade() {
                    Some(store) => store.run_upkeep(),
                    None => break,
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot start the upkeep thread; the store's upkeep runs only at scrapes");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A store that only counts upkeep runs.
    #[derive(Default)]
    struct CountingStore {
        upkeeps: AtomicUsize,
    }

    impl MetricsStore for CountingStore {
        fn render_text(&self) -> String {
            String::new()
        }
        fn run_upkeep(&self) {
            self.upkeeps.fetch_add(1, Ordering::SeqCst);
        }
        fn recorder(&self) -> &dyn metrics::Recorder {
            &metrics::NoopRecorder
        }
    }

    #[test]
    fn upkeep_runs_without_scrapes_and_stops_with_the_store() {
        let store = Arc::new(CountingStore::default());
        let weak: Weak<dyn MetricsStore> =
            Arc::downgrade(&(Arc::clone(&store) as Arc<dyn MetricsStore>));
        spawn_upkeep(weak, Duration::from_millis(10));
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while store.upkeeps.load(Ordering::SeqCst) < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "upkeep did not run on its own"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // The thread holds the store only while it runs upkeep, so it never
        // keeps a dropped exporter's store alive.
        let weak_store = Arc::downgrade(&store);
        drop(store);
        while weak_store.upgrade().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "the upkeep thread keeps the store alive"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
