//! A push whose render fails sends nothing: an empty body would replace the
//! job's group on the Pushgateway with nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::put;
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, MetricsStore, PushError, VitalsStore};

/// A store whose rendering fails (panics), as a broken custom store would.
struct FailingStore {
    inner: VitalsStore,
}

impl MetricsStore for FailingStore {
    fn render_text(&self) -> String {
        panic!("this store cannot render");
    }
    fn run_upkeep(&self) {
        self.inner.run_upkeep();
    }
    fn recorder(&self) -> &dyn metrics::Recorder {
        self.inner.recorder()
    }
}

/// A loopback receiver that counts the pushes it gets.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let pushes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&pushes);
    let app = Router::new().route(
        "/metrics/job/{job}",
        put(move |body: String| {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                assert!(!body.is_empty(), "an empty group was pushed");
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), pushes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_render_is_reported_and_never_pushed() {
    let (gateway, pushes) = receiver().await;
    let exporter = Exporter::builder(BuildInfo::new("batch", "1.0.0"))
        .health(HealthRegistry::new())
        .push_gateway(&gateway, "nightly")
        .unwrap()
        .store(|config| {
            Ok(Arc::new(FailingStore {
                inner: VitalsStore::from_config(config)?,
            }) as Arc<dyn MetricsStore>)
        })
        .build()
        .unwrap();
    let error = exporter.push_once().await.expect_err("the render failed");
    assert!(matches!(error, PushError::Render { .. }), "{error}");
    assert!(error.to_string().contains("skipped"), "{error}");
    assert_eq!(
        pushes.load(Ordering::SeqCst),
        0,
        "nothing reaches the gateway"
    );
}
