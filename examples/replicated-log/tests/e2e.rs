//! End to end: a replica recovers, then serves its demo tenants while a
//! real Prometheus scrapes it every second and answers the guide's PromQL;
//! probes, `/status` and the JSON logs are checked on the way.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use e2e_support::{Child, Prometheus, ScrapeJob, get, promtool, wait_for_body};

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
}

/// Polls `path` until it answers `status` (up to 30 s).
fn wait_for_status(address: SocketAddr, path: &str, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = get(address, path, &[]);
        if answer
            .as_ref()
            .is_ok_and(|response| response.status == status)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "`{path}` never answered {status}: {answer:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The first log line containing `needle`, as JSON.
fn log_line(replica: &mut Child, needle: &str) -> serde_json::Value {
    let line = replica.wait_for_line(needle, Duration::from_secs(30));
    serde_json::from_str(&line)
        .unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}"))
}

#[test]
fn help_names_every_knob() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_replicated-log"),
        &["--listen", "--node-id", "--demo-load"],
    );
}

#[test]
fn the_guide_s_queries_probes_and_logs_hold_over_a_real_prometheus() {
    let mut replica = Child::spawn(
        env!("CARGO_BIN_EXE_replicated-log"),
        &[
            "--listen",
            "127.0.0.1:0",
            "--demo-load",
            "--recovery-seconds",
            "4",
        ],
        &[("RUST_LOG", "info,kmb_vsr=debug,kmb_query=debug")],
    );
    let line = replica.wait_for_line("metrics: http://", Duration::from_secs(30));
    let address: SocketAddr = line
        .trim_start_matches("metrics: http://")
        .trim_end_matches("/metrics")
        .parse()
        .unwrap();

    // Recovering: alive, not ready.
    assert_eq!(get(address, "/health/live", &[]).unwrap().status, 200);
    assert_eq!(get(address, "/health/ready", &[]).unwrap().status, 503);
    let rules = monitoring("alerts.yml");
    promtool::check_rules(&rules);
    let prometheus = Prometheus::start(&[ScrapeJob::new("kimberlite", address)], &[rules]);

    wait_for_status(address, "/health/ready", 200);
    let status: serde_json::Value =
        serde_json::from_str(&get(address, "/status", &[]).unwrap().body).unwrap();
    for key in [
        "node_id",
        "status",
        "view",
        "commit_number",
        "op_number",
        "is_leader",
        "cluster_size",
        "healthy_replicas",
    ] {
        assert!(status.get(key).is_some(), "no `{key}` in {status}");
    }
    assert_eq!(
        (status["node_id"].as_u64(), status["cluster_size"].as_u64()),
        (Some(1), Some(3)),
        "{status}"
    );
    assert!(
        status["op_number"].as_u64() >= status["commit_number"].as_u64(),
        "{status}"
    );

    // The structured logs of the guide: target, message and fields.
    let leader = log_line(&mut replica, "Became leader");
    assert_eq!(
        (leader["level"].as_str(), leader["target"].as_str()),
        (Some("INFO"), Some("kmb_consensus"))
    );
    assert_eq!(leader["fields"]["node_id"], 1, "{leader}");
    assert!(
        leader["fields"]["view"].as_u64().is_some()
            && leader["fields"]["commit_index"].as_u64().is_some(),
        "{leader}"
    );
    assert!(
        leader["timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 24),
        "{leader}"
    );
    // Writes and queries run in their spans.
    assert_eq!(
        log_line(&mut replica, "\"span\":\"kmb.write\"")["message"],
        "Committed"
    );
    assert_eq!(
        log_line(&mut replica, "\"span\":\"kmb.query\"")["message"],
        "Query served"
    );

    let exposition = wait_for_body(address, "/metrics", &[], |body| {
        body.contains("kmb_tenant_log_entries_total{")
    });
    assert_eq!(promtool::check_metrics(&exposition), Vec::<String>::new());
    for family in [
        "kmb_log_entries_total counter",
        "kmb_log_bytes_total counter",
        "kmb_log_size_bytes gauge",
        "kmb_consensus_commits_total counter",
        "kmb_consensus_view gauge",
        "kmb_consensus_leader gauge",
        "kmb_consensus_view_changes_total counter",
        "kmb_projection_applied_position gauge",
        "kmb_projection_lag gauge",
        "kmb_query_duration_seconds histogram",
        "kmb_write_duration_seconds histogram",
        "kmb_requests_total counter",
        "kmb_requests_in_flight gauge",
        "kmb_active_tenants gauge",
        "kmb_tenant_log_entries_total counter",
    ] {
        assert!(
            exposition.contains(&format!("# TYPE {family}\n")),
            "no `{family}`"
        );
    }
    assert!(
        exposition.contains("kmb_log_entries_total{node_id=\"1\"}"),
        "{exposition}"
    );

    prometheus.wait_for_value("up{job=\"kimberlite\"}", "a successful scrape", |up| {
        up == 1.0
    });
    // Throughput.
    prometheus.wait_for_value("rate(kmb_log_entries_total[1m])", "writes", |ops| ops > 1.0);
    prometheus.wait_for_value(
        "rate(kmb_log_bytes_total[1m]) / 1024 / 1024",
        "bandwidth",
        |mb| mb > 0.0 && mb < 100.0,
    );
    // Latency: writes take 1-12 ms with rare 80-180 ms spikes; queries under 10 ms.
    prometheus.wait_for_value(
        "histogram_quantile(0.95, rate(kmb_write_duration_seconds_bucket[5m]))",
        "a p95 write latency",
        |p95| p95 > 0.0005 && p95 <= 0.25,
    );
    prometheus.wait_for_value(
        "histogram_quantile(0.99, rate(kmb_query_duration_seconds_bucket[5m]))",
        "a p99 query latency",
        |p99| p99 > 0.0 && p99 <= 0.1,
    );
    // Health.
    prometheus.wait_for_value("kmb_projection_lag", "a lag", |lag| {
        (0.0..1000.0).contains(&lag)
    });
    prometheus.wait_for_value(
        "kmb_projection_applied_position",
        "applied entries",
        |position| position >= 5000.0,
    );
    prometheus.wait_for_value(
        "rate(kmb_consensus_view_changes_total[5m])",
        "a view-change rate",
        |rate| rate >= 0.0,
    );
    prometheus.wait_for_value(
        "kmb_consensus_view_changes_total",
        "the start-up election",
        |n| n >= 1.0,
    );
    prometheus.wait_for_value("kmb_consensus_leader", "a leader", |leader| leader == 1.0);
    prometheus.wait_for_value(
        "sum(kmb_consensus_leader) == 0 or vector(1)",
        "quorum",
        |v| v == 1.0,
    );
    // Requests and errors: one query in twenty names an unknown tenant.
    prometheus.wait_for_value(
        "rate(kmb_requests_total{method=\"query\",status=\"error\"}[5m])",
        "query errors",
        |rate| rate > 0.0,
    );
    prometheus.wait_for_value(
        "sum(rate(kmb_requests_total{status=\"error\"}[5m])) / sum(rate(kmb_requests_total[5m]))",
        "an error ratio",
        |ratio| ratio > 0.0 && ratio < 0.5,
    );
    prometheus.wait_for_value("kmb_requests_in_flight", "in-flight requests", |n| n >= 0.0);
    prometheus.wait_for_value("kmb_active_tenants", "tenants", |n| n >= 10.0);
    prometheus.wait_for("kmb_tenant_log_entries_total", "per-tenant entries", |s| {
        s.len() >= 10
    });

    let alerts = prometheus.checked_alert_names();
    assert_eq!(
        alerts,
        [
            "ClusterNoQuorum",
            "FrequentViewChanges",
            "HighErrorRate",
            "HighWriteLatency",
            "ProjectionLagHigh"
        ]
    );
    prometheus.check_dashboard(&monitoring("kimberlite.json"));
    assert!(replica.is_running());
}
