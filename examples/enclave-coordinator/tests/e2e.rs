//! End to end: the coordinator under its own demo load (recovery, then a
//! manifest, then marbles), scraped every second by a real Prometheus.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Prometheus, ScrapeJob, free_port, get, promtool, wait_for_body};

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
}

/// The address in a line `label: http://host:port/path`.
fn address_in(line: &str) -> SocketAddr {
    let rest = line.split("http://").nth(1).expect("a URL");
    rest.split('/').next().unwrap().parse().expect("host:port")
}

#[test]
fn help_names_every_knob() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_enclave-coordinator"),
        &[
            "--client-api-addr",
            "--user-api-addr",
            "--mesh-api-addr",
            "--demo-load",
        ],
    );
}

#[test]
fn the_documented_series_answer_over_a_real_prometheus() {
    let exporter = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let mut coordinator = Child::spawn(
        env!("CARGO_BIN_EXE_enclave-coordinator"),
        &[
            "--client-api-addr",
            "127.0.0.1:0",
            "--user-api-addr",
            "127.0.0.1:0",
            "--mesh-api-addr",
            "127.0.0.1:0",
            "--demo-load",
        ],
        &[("EDG_COORDINATOR_PROMETHEUS_ADDR", &exporter.to_string())],
    );
    let metrics_line = coordinator.wait_for_line("metrics: http://", Duration::from_secs(30));
    assert_eq!(
        address_in(&metrics_line),
        exporter,
        "the variable's address is used"
    );
    let client_api = address_in(&coordinator.wait_for_line("client api: ", Duration::from_secs(5)));

    // The demo starts in recovery for 5 s: state 1, and not ready.
    let status = get(client_api, "/status", &[]).unwrap();
    assert_eq!(status.status, 200);
    let status: serde_json::Value = serde_json::from_str(&status.body).unwrap();
    assert_eq!(status["data"]["StatusCode"], 1, "{status}");
    assert_eq!(get(exporter, "/readyz", &[]).unwrap().status, 503);
    assert_eq!(get(exporter, "/livez", &[]).unwrap().status, 200);

    // Scraping from the start, so Prometheus sees the early states too.
    let rules = monitoring("alerts.yml");
    promtool::check_rules(&rules);
    let prometheus =
        Prometheus::start(&[ScrapeJob::new("enclave-coordinator", exporter)], &[rules]);

    // Once marbles activate, every documented family is there.
    let exposition = wait_for_body(exporter, "/metrics", &[], |body| {
        body.contains("marble_activations_success_total{")
            && body.contains("server_client_api_http_requests_total{")
    });
    for family in [
        "coordinator_state gauge",
        "coordinator_version_info gauge",
        "marble_activations_total counter",
        "marble_activations_success_total counter",
        "coordinator_manifest_generation gauge",
        "coordinator_attestation_failures_total counter",
        "grpc_server_started_total counter",
        "grpc_server_handled_total counter",
        "grpc_server_msg_received_total counter",
        "grpc_server_msg_sent_total counter",
        "grpc_client_started_total counter",
        "grpc_client_handled_total counter",
        "grpc_client_msg_received_total counter",
        "grpc_client_msg_sent_total counter",
        "server_client_api_http_requests_total counter",
        "server_client_api_http_request_duration_seconds histogram",
    ] {
        assert!(
            exposition.contains(&format!("# TYPE {family}\n")),
            "no `{family}` in {exposition}"
        );
    }
    assert_eq!(promtool::check_metrics(&exposition), Vec::<String>::new());

    prometheus.wait_for_value(
        "up{job=\"enclave-coordinator\"}",
        "a successful scrape",
        |up| up == 1.0,
    );
    // Prometheus' own scrapes, counted by client_golang's self-metrics.
    let scrapes =
        "promhttp_metric_handler_requests_total{job=\"enclave-coordinator\",code=\"200\"}";
    let counted = prometheus.wait_for_value(scrapes, "counted scrapes", |n| n >= 1.0);
    prometheus.wait_for_value(scrapes, "more counted scrapes", |n| n > counted);
    prometheus.wait_for_value(
        "promhttp_metric_handler_requests_in_flight{job=\"enclave-coordinator\"}",
        "the scrape itself in flight",
        |n| n == 1.0,
    );
    prometheus.wait_for_value("coordinator_state", "accepting marbles", |state| {
        state == 3.0
    });
    prometheus.wait_for_value(
        "min_over_time(coordinator_state[5m])",
        "an earlier state",
        |state| state < 3.0,
    );
    let version = prometheus.wait_for(
        "coordinator_version_info{version=\"0.1.0\"}",
        "the version",
        |s| s.len() == 1,
    );
    assert!(!version[0].label("commit").is_empty(), "{version:?}");
    prometheus.wait_for_value(
        "coordinator_manifest_generation",
        "a manifest",
        |generation| generation >= 1.0,
    );

    // Activations: attempts outnumber successes, because some quotes are bad.
    prometheus.wait_for_value(
        "sum(rate(marble_activations_success_total[1m])) / sum(rate(marble_activations_total[1m]))",
        "a success ratio below 1",
        |ratio| ratio > 0.0 && ratio < 1.0,
    );
    let per_marble = prometheus.wait_for("marble_activations_total", "several marbles", |s| {
        s.len() >= 3
    });
    assert!(
        per_marble
            .iter()
            .all(|s| !s.label("type").is_empty() && s.label("uuid").len() == 36),
        "{per_marble:?}"
    );
    let reasons = prometheus.wait_for(
        "sum by (reason) (coordinator_attestation_failures_total) > 0",
        "attestation failures",
        |s| !s.is_empty(),
    );
    let known = [
        "invalid_quote",
        "unknown_measurement",
        "tcb_out_of_date",
        "unknown_marble_type",
    ];
    assert!(
        reasons.iter().all(|s| known.contains(&s.label("reason"))),
        "{reasons:?}"
    );

    // go-grpc-middleware series for both APIs.
    let services = prometheus.wait_for(
        "sum by (grpc_service) (rate(grpc_server_started_total[1m])) > 0",
        "calls on both APIs",
        |s| s.len() == 2,
    );
    let mut names: Vec<&str> = services.iter().map(|s| s.label("grpc_service")).collect();
    names.sort();
    assert_eq!(names, ["coordinator.v1.MeshAPI", "coordinator.v1.UserAPI"]);
    prometheus.wait_for_value(
        "sum(grpc_server_handled_total{grpc_method=\"Activate\",grpc_code=\"PermissionDenied\"})",
        "refused activations",
        |n| n >= 1.0,
    );
    prometheus.wait_for(
        "sum by (grpc_method) (rate(grpc_server_msg_received_total{grpc_service=\"coordinator.v1.UserAPI\"}[1m]))",
        "user API messages",
        |s| s.iter().any(|s| s.label("grpc_method") == "GetManifest" && s.value > 0.0),
    );

    // The demo's clients see the same calls from their side: every refused
    // activation the server counted, the marbles counted as refused.
    prometheus.wait_for(
        "sum by (grpc_service) (rate(grpc_client_started_total[1m])) > 0",
        "client calls on both APIs",
        |s| s.len() == 2,
    );
    let refused = |side: &str| {
        format!(
            "sum(grpc_{side}_handled_total{{grpc_method=\"Activate\",grpc_code=\"PermissionDenied\"}})"
        )
    };
    prometheus.wait_for_value(&refused("client"), "refusals seen by the marbles", |n| {
        n >= 1.0
    });
    prometheus.wait_for_value(
        &format!("{} - {}", refused("server"), refused("client")),
        "as many refusals on both sides",
        |difference| difference.abs() <= 1.0,
    );

    // The client API's HTTP series.
    prometheus.wait_for_value(
        "sum(rate(server_client_api_http_requests_total{route=\"/status\",status=\"200\"}[1m]))",
        "status polls",
        |rate| rate > 0.0,
    );
    prometheus.wait_for_value(
        "histogram_quantile(0.95, sum by (le) (rate(server_client_api_http_request_duration_seconds_bucket{route=\"/status\"}[1m])))",
        "a p95 client API latency",
        |p95| p95 > 0.0 && p95 < 1.0,
    );

    // Ready now, and `/status` of the exporter says why.
    assert_eq!(get(exporter, "/readyz", &[]).unwrap().status, 200);
    let status: serde_json::Value =
        serde_json::from_str(&get(exporter, "/status", &[]).unwrap().body).unwrap();
    assert_eq!(status["states"]["coordinator_state"]["code"], 3, "{status}");
    assert_eq!(
        status["states"]["coordinator_state"]["state"], "accepting marbles",
        "{status}"
    );

    let alerts = prometheus.checked_alert_names();
    assert_eq!(alerts.len(), 7, "{alerts:?}");
    prometheus.check_dashboard(&monitoring("enclave-coordinator.json"));
    assert!(coordinator.is_running(), "{:?}", coordinator.output());
}
