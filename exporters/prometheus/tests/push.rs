//! A real Pushgateway receives pushed metrics (`push` feature). It runs on
//! a loopback port and is killed at the end of the test.
//!
//! Needs the Debian package `prometheus-pushgateway`; the test fails naming
//! it when missing.

mod common;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{eventually, free_port, get, require_binary, spawn};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter};

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
