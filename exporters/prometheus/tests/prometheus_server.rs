//! A real Prometheus server scrapes the exporter (`up` is 1) and a real
//! Pushgateway receives pushed metrics. Both run on loopback ports with
//! generated configuration and are killed at the end of each test.
//!
//! Needs Debian packages `prometheus` and `prometheus-pushgateway`; the
//! tests fail naming them when missing.

mod common;
#[path = "common/service.rs"]
mod service;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Running, TempDir, eventually, free_port, get, require_binary, spawn};
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
    let binary = require_binary("prometheus", "prometheus");
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
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: vitals\n    authorization:\n      credentials: scrape-token\n    \
             static_configs:\n      - targets: ['{}']\n",
            server.address
        ),
    )
    .unwrap();
    let port = free_port();
    let prometheus: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut command = Command::new(binary);
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={prometheus}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _prometheus = spawn(command);

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

#[tokio::test]
async fn the_pushgateway_receives_pushed_metrics_on_an_interval_and_at_the_end() {
    let binary = require_binary("prometheus-pushgateway", "prometheus-pushgateway");
    let port = free_port();
    let gateway: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut command = Command::new(binary);
    command
        .arg(format!("--web.listen-address={gateway}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _gateway = spawn(command);
    let ready = eventually(Duration::from_secs(10), || async {
        tokio::net::TcpStream::connect(gateway).await.ok()?;
        (get(gateway, "/-/ready", &[]).await.status == 200).then_some(())
    })
    .await;
    assert!(
        ready.is_some(),
        "the pushgateway did not start on {gateway}"
    );

    // A batch job: its own (non-global) exporter, pushing every 100 ms.
    let exporter = Exporter::builder(BuildInfo::new("nightly-report", "3.2.1"))
        .health(HealthRegistry::new())
        .push_gateway(&format!("http://{gateway}"), "nightly_report")
        .unwrap()
        .push_grouping_label("instance", "batch-1")
        .unwrap()
        .push_interval(Duration::from_millis(100))
        .build()
        .unwrap();
    let pusher = exporter.start_push().unwrap();
    let recorder = exporter.recorder();
    metrics::with_local_recorder(recorder, || {
        metrics::counter!("report_rows_total").increment(10)
    });

    // The interval pushes while the job runs...
    let interim = eventually(Duration::from_secs(10), || async {
        let body = get(gateway, "/metrics", &[]).await.body;
        body.lines()
            .find(|line| {
                line.starts_with("report_rows_total{") && line.contains("job=\"nightly_report\"")
            })
            .map(str::to_owned)
    })
    .await;
    assert!(interim.is_some(), "no interval push arrived");

    // ...and the final push carries the last values.
    metrics::with_local_recorder(recorder, || {
        metrics::counter!("report_rows_total").increment(32)
    });
    pusher.finish().await.expect("the final push succeeds");
    let body = get(gateway, "/metrics", &[]).await.body;
    let scrape =
        prometheus_parse::Scrape::parse(body.lines().map(|line| Ok(line.to_owned()))).unwrap();
    let rows = scrape
        .samples
        .iter()
        .find(|sample| {
            sample.metric == "report_rows_total"
                && sample.labels.get("job") == Some("nightly_report")
        })
        .expect("report_rows_total was pushed");
    assert_eq!(rows.labels.get("instance"), Some("batch-1"));
    assert!(
        matches!(rows.value, prometheus_parse::Value::Counter(value) if value == 42.0),
        "{rows:?}"
    );
    assert!(body.contains("nightly_report_build_info{"), "{body}");
}

#[tokio::test]
async fn a_push_to_nowhere_is_an_error_not_a_panic() {
    let port = free_port();
    let exporter = Exporter::builder(BuildInfo::new("job", "1"))
        .health(HealthRegistry::new())
        .push_gateway(&format!("http://127.0.0.1:{port}"), "job")
        .unwrap()
        .build()
        .unwrap();
    let error = exporter.push_once().await.unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "cannot connect to push gateway `127.0.0.1:{port}`: "
        )),
        "{error}"
    );
    let error = Exporter::builder(BuildInfo::new("job", "1"))
        .push_gateway("https://gateway:9091", "job")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid push gateway `https://gateway:9091`: scheme `https` is not supported; use `http`"
    );
    let error = Exporter::builder(BuildInfo::new("job", "1"))
        .push_gateway("http://gateway:9091", "a/b")
        .unwrap_err();
    assert!(
        error.to_string().contains("`job` value `a/b` must be"),
        "{error}"
    );
}
