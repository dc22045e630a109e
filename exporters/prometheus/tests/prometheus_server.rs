//! A real Prometheus server scrapes the exporter (`up` is 1). It runs on a
//! loopback port with generated configuration and is killed at the end of
//! the test (the Pushgateway's test is in `push.rs`).
//!
//! Needs the Debian package `prometheus`; the test fails naming it when
//! missing.

mod common;
#[path = "common/service.rs"]
mod service;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Running, TempDir, eventually, free_port, get, start_prometheus};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, MetricsStore, VitalsStore};

/// The stock store, counting OpenMetrics renders to see what Prometheus negotiated.
struct CountingOpenMetrics {
    inner: VitalsStore,
    openmetrics: Arc<AtomicUsize>,
}

impl MetricsStore for CountingOpenMetrics {
    fn render_text(&self) -> String {
        self.inner.render_text()
    }
    fn render_openmetrics(&self) -> String {
        self.openmetrics.fetch_add(1, Ordering::SeqCst);
        self.inner.render_openmetrics()
    }
    fn run_upkeep(&self) {
        self.inner.run_upkeep();
    }
    fn recorder(&self) -> &dyn metrics::Recorder {
        self.inner.recorder()
    }
}

/// Runs an instant query and returns the first result's value, if any.
async fn query(prometheus: SocketAddr, expression: &str) -> Option<String> {
    let path = format!(
        "/api/v1/query?query={}",
        expression
            .replace('{', "%7B")
            .replace('}', "%7D")
            .replace('"', "%22")
            .replace('=', "%3D")
    );
    // `get` panics on a refused connection, and Prometheus may still be starting.
    tokio::net::TcpStream::connect(prometheus).await.ok()?;
    let answer = get(prometheus, &path, &[]).await;
    let json: serde_json::Value = serde_json::from_str(&answer.body).ok()?;
    json["data"]["result"][0]["value"][1]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn prometheus_scrapes_the_exporter_and_up_is_1() {
    service::declare_job_metrics();
    let health = HealthRegistry::new();
    let _state = service::register_state(&health);
    // Installed globally so the instrumented workload records into it; the
    // scrape goes through the bearer token as a protected deployment would.
    let openmetrics = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&openmetrics);
    let exporter = Exporter::builder(BuildInfo::new("coordinator", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(health)
        .bearer_token("scrape-token")
        .unwrap()
        .store(move |config| {
            let inner = VitalsStore::from_config(config)?;
            Ok(Arc::new(CountingOpenMetrics {
                inner,
                openmetrics: counter,
            }) as Arc<dyn MetricsStore>)
        })
        .install()
        .unwrap();
    service::workload().await;
    let server = Running::exporter(&exporter).await;

    let dir = TempDir::new("prometheus");
    let prometheus: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
         scrape_configs:\n  - job_name: vitals\n    authorization:\n      credentials: scrape-token\n    \
         static_configs:\n      - targets: ['{}']\n",
        server.address
    );
    let _prometheus = start_prometheus(&dir, prometheus, &config, &[]);

    let up = eventually(Duration::from_secs(20), || async {
        query(prometheus, "up{job=\"vitals\"}")
            .await
            .filter(|value| value == "1")
    })
    .await;
    if up.is_none() {
        let targets = get(prometheus, "/api/v1/targets", &[]).await.body;
        panic!("`up` never became 1; targets: {targets}");
    }
    // Prometheus asked for OpenMetrics and parsed it: `up` is 1 only when
    // the scrape parsed, and these are the only renders it got.
    assert!(
        openmetrics.load(Ordering::SeqCst) >= 1,
        "Prometheus did not negotiate OpenMetrics"
    );
    let submitted = eventually(Duration::from_secs(5), || async {
        query(
            prometheus,
            "coordinator_requests_total{method=\"SubmitJob\",status=\"OK\"}",
        )
        .await
    })
    .await;
    assert_eq!(submitted.as_deref(), Some("1"));
    let info = query(prometheus, "coordinator_build_info{version=\"1.0.0\"}").await;
    assert_eq!(info.as_deref(), Some("1"));
    let zero = query(
        prometheus,
        "coordinator_jobs_total{kind=\"build\",outcome=\"failed\"}",
    )
    .await;
    assert_eq!(
        zero.as_deref(),
        Some("0"),
        "pre-created series reach Prometheus"
    );
}
