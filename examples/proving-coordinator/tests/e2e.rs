//! End to end: the coordinator under its own demo load, scraped every second
//! by a real Prometheus, answers the PromQL of its monitoring guide.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Prometheus, ScrapeJob, free_port, get, promtool, wait_for_body};

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
}

/// The `# TYPE` lines of an exposition, as (family, type).
fn types(exposition: &str) -> BTreeSet<(String, String)> {
    exposition
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, kind)| (name.to_owned(), kind.to_owned()))
        .collect()
}

#[test]
fn help_names_every_knob() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_proving-coordinator"),
        &[
            "--metrics-port",
            "--config",
            "--demo-load",
            "ZISK_COORDINATOR_METRICS_PORT",
        ],
    );
}

#[test]
fn the_guide_s_queries_answer_over_a_real_prometheus() {
    // The port comes from the environment, which beats the configuration file.
    let dir = e2e_support::TempDir::new("coordinator-config");
    let config = dir.path().join("coordinator.toml");
    let file_port = free_port();
    std::fs::write(&config, format!("[metrics]\nport = {file_port}\n")).unwrap();
    let env_port = free_port();
    let mut coordinator = Child::spawn(
        env!("CARGO_BIN_EXE_proving-coordinator"),
        &[
            "--bind",
            "127.0.0.1",
            "--api-port",
            "0",
            "--worker-port",
            "0",
            "--config",
            config.to_str().unwrap(),
            "--demo-load",
        ],
        &[("ZISK_COORDINATOR_METRICS_PORT", &env_port.to_string())],
    );
    let first = coordinator.wait_for_line("metrics: http://", Duration::from_secs(30));
    assert_eq!(
        first,
        format!("metrics: http://127.0.0.1:{env_port}/metrics")
    );
    let address = SocketAddr::from(([127, 0, 0, 1], env_port));

    let health = get(address, "/health", &[]).unwrap();
    assert_eq!((health.status, health.body.trim()), (200, "ok"));

    // Per-worker series exist once a worker has finished a job.
    let exposition = wait_for_body(address, "/metrics", &[], |body| {
        body.contains("coordinator_worker_jobs_total{")
    });
    // The eight series of the guide, with their types, and the client
    // series of the demo's in-process workers (their channels go through
    // `GrpcClientMetricsLayer`); nothing else.
    let expected: BTreeSet<(String, String)> = [
        ("grpc_client_started_total", "counter"),
        ("grpc_client_handled_total", "counter"),
        ("grpc_client_msg_received_total", "counter"),
        ("grpc_client_msg_sent_total", "counter"),
        ("coordinator_requests_total", "counter"),
        ("coordinator_request_duration_seconds", "histogram"),
        ("coordinator_active_jobs", "gauge"),
        ("coordinator_jobs_total", "counter"),
        ("coordinator_job_duration_seconds", "histogram"),
        ("coordinator_registered_programs_total", "gauge"),
        ("coordinator_workers_connected", "gauge"),
        ("coordinator_worker_jobs_total", "counter"),
    ]
    .into_iter()
    .map(|(name, kind)| (name.to_owned(), kind.to_owned()))
    .collect();
    assert_eq!(types(&exposition), expected, "{exposition}");
    for bound in ["1", "2", "5", "10", "20", "60", "300", "+Inf"] {
        let bucket = format!(
            "coordinator_job_duration_seconds_bucket{{outcome=\"completed\",le=\"{bound}\"}}"
        );
        assert!(
            exposition.contains(&bucket),
            "no `{bucket}` in {exposition}"
        );
    }
    // The guide names a gauge `..._total`; promtool's naming lint objects to
    // exactly that, and to nothing else.
    assert_eq!(
        promtool::check_metrics(&exposition),
        [
            "coordinator_registered_programs_total non-counter metrics should not have \"_total\" suffix"
        ]
    );

    let rules = monitoring("alerts.yml");
    promtool::check_rules(&rules);
    let prometheus = Prometheus::start(&[ScrapeJob::new("zisk-coordinator", address)], &[rules]);

    prometheus.wait_for_value(
        "up{job=\"zisk-coordinator\"}",
        "a successful scrape",
        |up| up == 1.0,
    );
    prometheus.wait_for_value(
        "coordinator_workers_connected",
        "the demo workers",
        |workers| (1.0..=4.0).contains(&workers),
    );
    prometheus.wait_for_value(
        "coordinator_registered_programs_total",
        "three programs",
        |n| n == 3.0,
    );
    prometheus.wait_for_value("coordinator_active_jobs", "a job count", |n| n >= 0.0);
    // Throughput and failures, as the alert computes them.
    prometheus.wait_for_value(
        "sum(rate(coordinator_jobs_total{outcome=\"completed\"}[5m]))",
        "completed jobs",
        |rate| rate > 0.0,
    );
    prometheus.wait_for_value(
        "sum(rate(coordinator_jobs_total{outcome=\"failed\"}[5m]))",
        "failed jobs",
        |rate| rate > 0.0,
    );
    // Unknown programs are failed jobs and NotFound calls.
    prometheus.wait_for_value(
        "sum(coordinator_requests_total{method=\"JobRequest\",status=\"NotFound\"})",
        "rejected job requests",
        |n| n >= 1.0,
    );
    // End-to-end latency over the guide's buckets: the demo's jobs take
    // 0.2-10 s, so p99 is above 1 s and within the buckets' range.
    prometheus.wait_for_value(
        "histogram_quantile(0.99, sum by (le) (rate(coordinator_job_duration_seconds_bucket[10m])))",
        "a p99 job duration",
        |p99| p99 > 1.0 && p99 <= 300.0,
    );
    let per_method = prometheus.wait_for(
        "histogram_quantile(0.95, sum by (le, method) (rate(coordinator_request_duration_seconds_bucket[5m])))",
        "per-method API latency",
        |samples| samples.iter().any(|s| s.label("method") == "JobRequest" && s.value.is_finite()),
    );
    assert!(
        per_method.iter().all(|s| !s.label("method").is_empty()),
        "{per_method:?}"
    );
    let workers = prometheus.wait_for(
        "sum by (worker_id) (coordinator_worker_jobs_total)",
        "jobs on several workers",
        |samples| samples.iter().filter(|s| s.value > 0.0).count() >= 2,
    );
    assert!(
        workers
            .iter()
            .all(|s| s.label("worker_id").starts_with("worker-")),
        "{workers:?}"
    );

    // The client side of the worker stream, as the workers see it: one
    // bidirectional call per session, the coordinator's assignments
    // received and the workers' hellos and results sent.
    let stream = "grpc_type=\"bidi_stream\",grpc_service=\"zisk.distributed.v1.ZiskWorkerCluster\",grpc_method=\"WorkerStream\"";
    prometheus.wait_for_value(
        &format!("sum(grpc_client_started_total{{{stream}}})"),
        "worker stream sessions",
        |sessions| sessions >= 1.0,
    );
    prometheus.wait_for_value(
        &format!("sum(rate(grpc_client_msg_received_total{{{stream}}}[1m]))"),
        "assignments received by the workers",
        |rate| rate > 0.0,
    );
    prometheus.wait_for_value(
        &format!(
            "sum(grpc_client_msg_sent_total{{{stream}}}) - sum(grpc_client_started_total{{{stream}}})"
        ),
        "results sent after each session's hello",
        |results| results >= 1.0,
    );

    let alerts = prometheus.checked_alert_names();
    assert_eq!(
        alerts,
        [
            "ZiskCoordinatorUnreachable",
            "ZiskJobFailuresSpiking",
            "ZiskJobP99Slow",
            "ZiskNoWorkers",
            "ZiskWorkerFleetDegraded"
        ]
    );
    prometheus.check_dashboard(&monitoring("zisk-overview.json"));
    assert!(
        coordinator.is_running(),
        "the coordinator exited: {:?}",
        coordinator.output()
    );
}
