//! End to end: the quickstart prints its URL first, then a real Prometheus
//! scraping it every second sees both layers' series (HTTP by route, gRPC by
//! method, errors and latencies), the instrumented store call, the phase and
//! the exporter's extras, and none of its own scrapes counted as traffic.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Prometheus, ScrapeJob, get, promtool, wait_for_body};

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
}

/// What `git args` prints about this crate's checkout, if git runs here.
fn git(args: &[&str]) -> Option<String> {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    Some(String::from_utf8(output.stdout).ok()?.trim().to_owned())
}

#[test]
fn help_names_every_knob() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_quickstart"),
        &["--grpc-address", "--demo-load"],
    );
}

#[test]
fn the_demo_s_series_answer_over_a_real_prometheus() {
    let mut quickstart = Child::spawn(env!("CARGO_BIN_EXE_quickstart"), &["127.0.0.1:0"], &[]);
    let first = quickstart.wait_for_line("http://", Duration::from_secs(30));
    assert_eq!(quickstart.stdout()[0], first, "the URL is the first line");
    let url = first
        .strip_prefix("quickstart is serving; open http://")
        .expect("the URL line");
    let address: SocketAddr = url.trim_end_matches('/').parse().unwrap();

    let exposition = wait_for_body(address, "/metrics", &[], |body| {
        body.contains("grpc_method=\"SayHello\",grpc_code=\"InvalidArgument\"} ")
            && body.contains("route=\"/users/{id}\",status=\"404\"} ")
            && body.contains("method=\"find_user\",status=\"not_found\"} ")
    });
    assert_eq!(promtool::check_metrics(&exposition), Vec::<String>::new());
    for family in [
        "http_server_requests_total counter",
        "http_server_request_duration_seconds histogram",
        "http_server_active_requests gauge",
        "grpc_server_started_total counter",
        "grpc_server_handled_total counter",
        "grpc_server_handling_seconds histogram",
        "quickstart_store_requests_total counter",
        "quickstart_store_request_duration_seconds histogram",
        "quickstart_store_requests_in_flight gauge",
        "quickstart_phase gauge",
        "quickstart_build_info gauge",
        "process_resident_memory_bytes gauge",
    ] {
        assert!(
            exposition.contains(&format!("# TYPE {family}\n")),
            "no `{family}`"
        );
    }
    // build.rs's `vitals_build::emit_build_info()` named the commit built,
    // which is still checked out: cargo reran it if HEAD moved since.
    let build_info = exposition
        .lines()
        .find(|line| line.starts_with("quickstart_build_info{"))
        .expect("a build_info sample");
    let revision = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    let branch =
        git(&["rev-parse", "--abbrev-ref", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    assert!(
        build_info.contains(&format!("revision=\"{revision}\"")),
        "{build_info}"
    );
    assert!(
        build_info.contains(&format!("branch=\"{branch}\"")),
        "{build_info}"
    );

    let rules = monitoring("alerts.yml");
    promtool::check_rules(&rules);
    let prometheus = Prometheus::start(&[ScrapeJob::new("quickstart", address)], &[rules]);
    prometheus.wait_for_value("up{job=\"quickstart\"}", "a scrape", |up| up == 1.0);
    prometheus.wait_for_value(
        "quickstart_phase{quickstart_phase=\"serving\"}",
        "the serving phase",
        |v| v == 1.0,
    );
    assert_eq!(get(address, "/readyz", &[]).unwrap().status, 200);
    // Both layers and the inner call see traffic.
    for (query, what) in [
        (
            "sum(rate(http_server_requests_total{route=\"/users/{id}\"}[1m]))",
            "HTTP requests",
        ),
        (
            "sum(rate(grpc_server_handled_total{grpc_method=\"SayHello\"}[1m]))",
            "gRPC calls",
        ),
        (
            "sum(rate(quickstart_store_requests_total{method=\"find_user\"}[1m]))",
            "store calls",
        ),
    ] {
        prometheus.wait_for_value(query, what, |rate| rate > 0.0);
    }
    // Every 7th user is missing: a 404 at the route, `not_found` in the store.
    prometheus.wait_for_value(
        "sum(rate(http_server_requests_total{route=\"/users/{id}\",status=\"404\"}[1m])) / sum(rate(http_server_requests_total{route=\"/users/{id}\"}[1m]))",
        "the 404 ratio",
        |ratio| ratio > 0.05 && ratio < 0.3,
    );
    prometheus.wait_for_value(
        "sum(rate(quickstart_store_requests_total{status=\"not_found\"}[1m])) / sum(rate(quickstart_store_requests_total[1m]))",
        "the not-found ratio",
        |ratio| ratio > 0.05 && ratio < 0.3,
    );
    // Every fifth greeting is blank.
    prometheus.wait_for_value(
        "sum(rate(grpc_server_handled_total{grpc_method=\"SayHello\",grpc_code=\"InvalidArgument\"}[1m])) / sum(rate(grpc_server_handled_total{grpc_method=\"SayHello\"}[1m]))",
        "the InvalidArgument ratio",
        |ratio| ratio > 0.1 && ratio < 0.35,
    );
    // One lookup in 13 sleeps 120 ms: p99 lands in the 0.1-0.25 s bucket,
    // at the route and in the store.
    prometheus.wait_for_value(
        "histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{route=\"/users/{id}\"}[1m])))",
        "a p99 latency at the route",
        |p99| p99 > 0.1 && p99 <= 0.25,
    );
    prometheus.wait_for_value(
        "histogram_quantile(0.99, sum by (le) (rate(quickstart_store_request_duration_seconds_bucket[1m])))",
        "a p99 latency in the store",
        |p99| p99 > 0.1 && p99 <= 0.25,
    );
    // The layer is on the merged router, yet Prometheus' scrapes of
    // `/metrics` are not counted as application traffic.
    let scrapes = prometheus
        .query("http_server_requests_total{route=\"/metrics\"}")
        .expect("a valid query");
    assert!(
        scrapes.is_empty(),
        "scrapes counted as traffic: {scrapes:?}"
    );
    prometheus.wait_for_value(
        "quickstart_build_info{version=\"0.1.0\"}",
        "build info",
        |v| v == 1.0,
    );
    let alerts = prometheus.checked_alert_names();
    assert_eq!(
        alerts,
        [
            "QuickstartDown",
            "QuickstartGrpcErrors",
            "QuickstartHttpErrors",
            "QuickstartNotServing",
            "QuickstartSlow"
        ]
    );
    prometheus.check_dashboard(&monitoring("quickstart.json"));
    assert!(quickstart.is_running());
}
