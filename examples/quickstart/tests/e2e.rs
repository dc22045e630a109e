//! End to end: the quickstart prints its URL first, then a real Prometheus
//! scraping it every second sees both protocols' calls, their errors and
//! latencies, the phase and the exporter's extras.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Prometheus, ScrapeJob, get, promtool, wait_for_body};

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
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
        body.contains("method=\"SayHello\",status=\"InvalidArgument\"")
            && body.contains("method=\"GetUser\",status=\"404\"")
    });
    assert_eq!(promtool::check_metrics(&exposition), Vec::<String>::new());
    for family in [
        "quickstart_requests_total counter",
        "quickstart_request_duration_seconds histogram",
        "quickstart_requests_in_flight gauge",
        "quickstart_phase gauge",
        "quickstart_build_info gauge",
        "process_resident_memory_bytes gauge",
    ] {
        assert!(
            exposition.contains(&format!("# TYPE {family}\n")),
            "no `{family}`"
        );
    }

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
    let calls = prometheus.wait_for(
        "sum by (method) (rate(quickstart_requests_total[1m]))",
        "both protocols",
        |s| s.len() == 2 && s.iter().all(|s| s.value > 0.0),
    );
    assert!(
        calls.iter().any(|s| s.label("method") == "SayHello"),
        "{calls:?}"
    );
    // Every 7th user is missing; every 5th greeting is blank.
    prometheus.wait_for_value(
        "sum(rate(quickstart_requests_total{method=\"GetUser\",status=\"404\"}[1m])) / sum(rate(quickstart_requests_total{method=\"GetUser\"}[1m]))",
        "the 404 ratio",
        |ratio| ratio > 0.05 && ratio < 0.3,
    );
    prometheus.wait_for_value(
        "sum(rate(quickstart_requests_total{method=\"SayHello\",status=\"InvalidArgument\"}[1m])) / sum(rate(quickstart_requests_total{method=\"SayHello\"}[1m]))",
        "the InvalidArgument ratio",
        |ratio| ratio > 0.1 && ratio < 0.35,
    );
    // One GetUser in 13 sleeps 120 ms: p99 lands in the 0.1-0.25 s bucket.
    prometheus.wait_for_value(
        "histogram_quantile(0.99, sum by (le) (rate(quickstart_request_duration_seconds_bucket{method=\"GetUser\"}[1m])))",
        "a p99 latency",
        |p99| p99 > 0.1 && p99 <= 0.25,
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
            "QuickstartHighErrorRatio",
            "QuickstartNotServing",
            "QuickstartSlow"
        ]
    );
    prometheus.check_dashboard(&monitoring("quickstart.json"));
    assert!(quickstart.is_running());
}
