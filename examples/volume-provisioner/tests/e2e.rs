//! End to end over mutual TLS: the provisioner under its own demo load,
//! scraped every second by a real Prometheus presenting a client
//! certificate and the bearer token, answers the guide's PromQL; scrapes
//! without the certificate or the token fail.

mod tls;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::{Child, Prometheus, ScrapeJob, TempDir, free_port, promtool};
use tls::{Certificates, https_get};

const TOKEN: &str = "provisioner-api-token";

fn monitoring(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("monitoring")
        .join(file)
}

#[test]
fn help_names_every_knob() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_volume-provisioner"),
        &[
            "--tls-cert",
            "--tls-key",
            "--client-ca",
            "PROVISIONER_API_TOKEN",
            "--demo-load",
        ],
    );
}

#[test]
fn the_guide_s_queries_answer_over_mutual_tls() {
    let dir = TempDir::new("provisioner-tls");
    let certs = Certificates::generate(dir.path());
    let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let mut provisioner = Child::spawn(
        env!("CARGO_BIN_EXE_volume-provisioner"),
        &[
            "--listen",
            &address.to_string(),
            "--tls-cert",
            &path(&certs.server_cert),
            "--tls-key",
            &path(&certs.server_key),
            "--client-ca",
            &path(&certs.ca),
            "--demo-load",
        ],
        &[("PROVISIONER_API_TOKEN", TOKEN)],
    );
    let line = provisioner.wait_for_line("metrics: https://", Duration::from_secs(30));
    assert_eq!(line, format!("metrics: https://{address}/metrics"));

    // Health: the guide's JSON on all three paths, with a client certificate.
    let client = certs.client(true);
    for probe in ["/health", "/healthz", "/livez"] {
        let (status, body) = https_get(address, client.clone(), probe, &[]).unwrap();
        assert_eq!(status, 200, "{probe}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body, serde_json::json!({"status": "healthy"}), "{probe}");
    }
    // Without a client certificate the handshake fails; without the token, 401.
    assert!(https_get(address, certs.client(false), "/health", &[]).is_err());
    assert_eq!(
        https_get(address, client.clone(), "/metrics", &[])
            .unwrap()
            .0,
        401
    );
    let bearer = format!("Bearer {TOKEN}");
    let authorized = [("Authorization", bearer.as_str())];
    let (status, exposition) = https_get(address, client.clone(), "/metrics", &authorized).unwrap();
    assert_eq!(status, 200);
    assert_eq!(promtool::check_metrics(&exposition), Vec::<String>::new());
    for family in [
        "libvirt_volume_provisioner_requests_total counter",
        "libvirt_volume_provisioner_requests_duration_seconds histogram",
        "libvirt_volume_provisioner_jobs_total counter",
        "libvirt_volume_provisioner_active_jobs gauge",
        "libvirt_volume_provisioner_job_duration_seconds histogram",
        "process_resident_memory_bytes gauge",
    ] {
        assert!(
            exposition.contains(&format!("# TYPE {family}\n")),
            "no `{family}` in {exposition}"
        );
    }

    let tls = |with_client: bool| {
        let mut yaml = format!(
            "scheme: https\ntls_config:\n  ca_file: '{}'\n",
            path(&certs.ca)
        );
        if with_client {
            yaml += &format!(
                "  cert_file: '{}'\n  key_file: '{}'\n",
                path(&certs.client_cert),
                path(&certs.client_key)
            );
        }
        yaml
    };
    let token = format!("authorization:\n  credentials: '{TOKEN}'\n");
    let rules = monitoring("alerts.yml");
    promtool::check_rules(&rules);
    let prometheus = Prometheus::start(
        &[
            ScrapeJob::new("libvirt-volume-provisioner", address).with(&(tls(true) + &token)),
            ScrapeJob::new("no-client-certificate", address).with(&(tls(false) + &token)),
            ScrapeJob::new("no-token", address).with(&tls(true)),
        ],
        &[rules],
    );
    prometheus.wait_for_value(
        "up{job=\"libvirt-volume-provisioner\"}",
        "a scrape over mutual TLS",
        |up| up == 1.0,
    );
    prometheus.wait_for_value(
        "up{job=\"no-client-certificate\"}",
        "a refused handshake",
        |up| up == 0.0,
    );
    prometheus.wait_for_value("up{job=\"no-token\"}", "a refused scrape", |up| up == 0.0);

    let job = "{job=\"libvirt-volume-provisioner\"}";
    let m = |expression: &str| expression.replace("{JOB}", job);
    // Request rate, by endpoint/method/status.
    let rates = prometheus.wait_for(
        &m("rate(libvirt_volume_provisioner_requests_total{JOB}[5m])"),
        "requests",
        |s| {
            s.iter().any(|s| {
                s.label("endpoint") == "/api/v1/volumes"
                    && s.label("method") == "POST"
                    && s.label("status") == "202"
                    && s.value > 0.0
            })
        },
    );
    assert!(
        rates
            .iter()
            .all(|s| s.label("endpoint").starts_with("/api/v1/")),
        "{rates:?}"
    );
    // Errors: a full storage pool answers 507.
    prometheus.wait_for(
        "rate(libvirt_volume_provisioner_requests_total{job=\"libvirt-volume-provisioner\",status=~\"5..\"}[5m])",
        "5xx answers",
        |s| s.iter().any(|s| s.label("status") == "507" && s.value > 0.0),
    );
    prometheus.wait_for_value(
        "sum(increase(libvirt_volume_provisioner_jobs_total{job=\"libvirt-volume-provisioner\",status=\"failed\"}[10m]))",
        "failed jobs",
        |n| n > 0.0,
    );
    // Success ratio of ended jobs: most complete, some fail or are cancelled.
    prometheus.wait_for_value(
        "sum(rate(libvirt_volume_provisioner_jobs_total{job=\"libvirt-volume-provisioner\",status=\"completed\"}[5m])) / sum(rate(libvirt_volume_provisioner_jobs_total{job=\"libvirt-volume-provisioner\",status!=\"started\"}[5m]))",
        "a job success ratio",
        |ratio| ratio > 0.5 && ratio < 1.0,
    );
    prometheus.wait_for(
        &m("histogram_quantile(0.95, rate(libvirt_volume_provisioner_requests_duration_seconds_bucket{JOB}[5m]))"),
        "a p95 request latency",
        |s| s.iter().any(|s| s.value > 0.0 && s.value < 1.0),
    );
    prometheus.wait_for_value(
        &m("histogram_quantile(0.95, rate(libvirt_volume_provisioner_job_duration_seconds_bucket{JOB}[5m]))"),
        "a p95 job duration",
        |p95| p95 > 0.5 && p95 <= 10.0,
    );
    prometheus.wait_for_value(
        &m("libvirt_volume_provisioner_active_jobs{JOB}"),
        "active jobs",
        |n| (0.0..=30.0).contains(&n),
    );
    prometheus.wait_for_value(
        &m("process_resident_memory_bytes{JOB}"),
        "process memory",
        |bytes| bytes > 1e6,
    );

    // The demo client's own view, through HttpClientMetricsLayer: what it
    // sent and what the provisioner answered, created volumes and refusals.
    let answers = prometheus.wait_for(
        &m("sum by (http_request_method, http_response_status_code) (http_client_requests_total{JOB})"),
        "the demo client's requests",
        |s| {
            let seen = |method: &str, status: &str| {
                s.iter().any(|s| {
                    s.label("http_request_method") == method
                        && s.label("http_response_status_code") == status
                        && s.value > 0.0
                })
            };
            seen("POST", "202") && seen("GET", "404") && seen("POST", "400")
        },
    );
    assert!(
        answers
            .iter()
            .all(|s| s.label("http_response_status_code").len() == 3),
        "{answers:?}"
    );
    prometheus.wait_for(
        &m("sum by (server_address, server_port) (http_client_requests_total{JOB})"),
        "one server, as configured",
        |s| s.len() == 1 && s[0].label("server_address") == "volume-provisioner",
    );
    prometheus.wait_for_value(
        &m("histogram_quantile(0.95, sum by (le) (rate(http_client_request_duration_seconds_bucket{JOB}[5m])))"),
        "a p95 client latency",
        |p95| p95 > 0.0 && p95 < 5.0,
    );

    // Structured JSON logs with the guide's fields.
    let log = provisioner.wait_for_line("Starting image download", Duration::from_secs(10));
    let log: serde_json::Value =
        serde_json::from_str(&log).unwrap_or_else(|error| panic!("not JSON ({error}): {log}"));
    assert_eq!(
        (log["level"].as_str(), log["component"].as_str()),
        (Some("info"), Some("provisioner")),
        "{log}"
    );
    for field in ["timestamp", "job_id", "correlation_id", "image_url"] {
        assert!(
            log[field].as_str().is_some_and(|value| !value.is_empty()),
            "no `{field}` in {log}"
        );
    }

    let alerts = prometheus.checked_alert_names();
    assert_eq!(
        alerts,
        [
            "VolumeProvisionerDown",
            "VolumeProvisionerHighActiveJobs",
            "VolumeProvisionerHighErrorRate",
            "VolumeProvisionerHighLatency",
            "VolumeProvisionerJobFailures",
        ]
    );
    prometheus.check_dashboard(&monitoring("libvirt-volume-provisioner.json"));
    assert!(provisioner.is_running());
}
