//! The exposition of a service using every vitals feature passes
//! `promtool check metrics` without errors or warnings and parses with two
//! independent parsers (the `prometheus-parse` crate for text 0.0.4, the
//! Python `prometheus_client` parsers for text 0.0.4 and OpenMetrics).
//!
//! Needs Debian packages `prometheus` (promtool) and
//! `python3-prometheus-client`; the tests fail naming them when missing.

mod common;
#[path = "common/python.rs"]
mod python;
#[path = "common/service.rs"]
mod service;

use std::io::Write;
use std::process::{Command, Stdio};

use python::python_parse;

use common::{Running, get, require_binary};
use tokio::sync::OnceCell;
use vitals::health::HealthRegistry;
use vitals_prometheus::{Exporter, Format};

const OPENMETRICS_ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

/// Installs the exporter and runs the workload once for this test binary.
async fn exporter() -> &'static Exporter {
    static EXPORTER: OnceCell<Exporter> = OnceCell::const_new();
    EXPORTER
        .get_or_init(|| async {
            service::declare_job_metrics();
            let health = HealthRegistry::new();
            let state = service::register_state(&health);
            let exporter = Exporter::builder(vitals_prometheus::build_info!())
                .listen_address(([127, 0, 0, 1], 0))
                .health(health)
                .install()
                .expect("install the exporter");
            service::workload().await;
            state.set(service::State::AcceptingMarbles);
            exporter
        })
        .await
}

async fn scrape(accept: Option<&str>) -> String {
    let server = Running::exporter(exporter().await).await;
    let headers: Vec<(&str, &str)> = accept
        .map(|accept| ("accept", accept))
        .into_iter()
        .collect();
    let answer = get(server.address, "/metrics", &headers).await;
    assert_eq!(answer.status, 200);
    answer.body
}

#[tokio::test]
async fn promtool_finds_no_error_and_no_warning() {
    let promtool = require_binary("promtool", "prometheus");
    let text = scrape(None).await;
    // The workload's series are all there, so promtool checks them too.
    for expected in [
        "coordinator_requests_total{method=\"SubmitJob\",status=\"InvalidArgument\"} 1",
        "coordinator_requests_total{method=\"Status\",status=\"404\"} 1",
        "coordinator_requests_total{method=\"Crash\",status=\"panicked\"} 1",
        "coordinator_requests_total{method=\"SubmitJob\",status=\"cancelled\"} 1",
        "worker_requests_total{method=\"Prove\",pool=\"gpu\",status=\"ok\"} 1",
        "coordinator_jobs_total{kind=\"prove\",outcome=\"completed\"} 4",
        "coordinator_jobs_total{kind=\"build\",outcome=\"failed\"} 0",
        "vitals_prometheus_build_info{",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from\n{text}");
    }
    #[cfg(feature = "process")]
    assert!(text.contains("process_cpu_seconds_total "), "{text}");
    let mut child = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "promtool failed:\n{report}\n--- exposition ---\n{text}"
    );
    assert!(
        report.trim().is_empty(),
        "promtool warned:\n{report}\n--- exposition ---\n{text}"
    );
}

#[tokio::test]
async fn the_prometheus_parse_crate_reads_every_sample() {
    let text = scrape(None).await;
    let scrape =
        prometheus_parse::Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap();
    // Every sample line is accounted for: histogram buckets fold into one
    // sample per series, everything else is one sample per line.
    let sample_lines = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    let bucket_lines = sample_lines
        .clone()
        .filter(|line| line.contains("_bucket{"))
        .count();
    let histogram_series = scrape
        .samples
        .iter()
        .filter(|sample| matches!(sample.value, prometheus_parse::Value::Histogram(_)))
        .map(|sample| match &sample.value {
            prometheus_parse::Value::Histogram(buckets) => buckets.len(),
            _ => 0,
        })
        .sum::<usize>();
    assert_eq!(histogram_series, bucket_lines);
    let folded = scrape
        .samples
        .iter()
        .filter(|sample| matches!(sample.value, prometheus_parse::Value::Histogram(_)))
        .count();
    assert_eq!(
        scrape.samples.len() - folded + bucket_lines,
        sample_lines.count()
    );
    // Help text of declared metrics survives.
    assert_eq!(
        scrape
            .docs
            .get("coordinator_jobs_total")
            .map(String::as_str),
        Some("Jobs finished, by kind and outcome.")
    );
}

#[tokio::test]
async fn python_prometheus_client_parses_text_and_openmetrics() {
    let text = scrape(None).await;
    let families = python_parse(Format::Text, &text);
    assert!(
        families
            .iter()
            .any(|name| name == "coordinator_request_duration_seconds"),
        "{families:?}"
    );

    let openmetrics = scrape(Some(OPENMETRICS_ACCEPT)).await;
    assert!(openmetrics.ends_with("# EOF\n"));
    let families = python_parse(Format::OpenMetrics, &openmetrics);
    // OpenMetrics names counter families without `_total`.
    assert!(
        families.iter().any(|name| name == "coordinator_requests"),
        "{families:?}"
    );
    #[cfg(feature = "process")]
    assert!(
        families.iter().any(|name| name == "process_cpu_seconds"),
        "{families:?}"
    );
    // Build info is an `info` family: named without `_info`, its sample
    // keeps the name (so PromQL sees the same series in both formats).
    assert!(
        families
            .iter()
            .any(|name| name == "vitals_prometheus_build"),
        "{families:?}"
    );
    assert!(
        openmetrics.contains("# TYPE vitals_prometheus_build info\n"),
        "{openmetrics}"
    );
    // What text 0.0.4 cannot say: units and creation times.
    assert!(
        openmetrics.contains("# UNIT coordinator_request_duration_seconds seconds\n"),
        "{openmetrics}"
    );
    assert!(
        openmetrics.contains("\ncoordinator_request_duration_seconds_created{"),
        "{openmetrics}"
    );
    assert!(
        openmetrics.contains("\ncoordinator_requests_created{"),
        "{openmetrics}"
    );
}
