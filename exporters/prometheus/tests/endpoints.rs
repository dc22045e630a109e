//! `/metrics` over real HTTP against the global recorder: content types and
//! negotiation, series pre-created at zero, buckets, build info, process
//! metrics, and the router merged into an application's own.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::{Running, get};
use prometheus_parse::{Sample, Scrape, Value};
use vitals::catalogue::{LabelDescriptor, LabelValues, MetricDescriptor, MetricKind, Origin};
use vitals::instrument_rpc;
use vitals_prometheus::{BuildInfo, Exporter, Format};

const OPENMETRICS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

#[derive(Debug)]
struct OutOfStock;

#[instrument_rpc(prefix = "shop", method = "Checkout", buckets = [0.1, 0.5, 2])]
fn checkout(in_stock: bool) -> Result<u32, OutOfStock> {
    if in_stock { Ok(1) } else { Err(OutOfStock) }
}

struct Catalog;

#[instrument_rpc(prefix = "catalog", rename_all = "PascalCase", labels(region = "eu"))]
impl Catalog {
    fn list_items(&self) -> Vec<u32> {
        vec![1, 2]
    }
    fn get_item(&self, id: u32) -> Result<u32, String> {
        if id == 0 {
            Err("no such item".to_owned())
        } else {
            Ok(id)
        }
    }
}

static JOB_LABELS: [LabelDescriptor; 1] = [LabelDescriptor::new(
    "kind",
    LabelValues::Known(&["build", "prove"]),
)];

/// The exporter, installed once for this test binary (one global recorder per process).
fn exporter() -> &'static Exporter {
    static EXPORTER: OnceLock<Exporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        // Declared at run time, before install, so its buckets apply.
        vitals::catalogue::declare(MetricDescriptor::new(
            "jobs_duration_seconds",
            MetricKind::Histogram,
            "Time a job takes, from start to its outcome.",
            Some(vitals::catalogue::Unit::Seconds),
            &JOB_LABELS,
            &[1.0, 5.0, 30.0, 300.0],
            Origin {
                module: module_path!(),
                file: file!(),
                line: line!(),
            },
        ));
        Exporter::builder(
            BuildInfo::new("shop", "2.1.0")
                .with_revision("4f2a9c1")
                .with_branch("main"),
        )
        .listen_address(([127, 0, 0, 1], 0))
        .install()
        .expect("install the exporter")
    })
}

fn parse(body: &str) -> Vec<Sample> {
    Scrape::parse(body.lines().map(|line| Ok(line.to_owned())))
        .expect("the exposition parses")
        .samples
}

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    samples.iter().find(|sample| {
        sample.metric == name
            && sample.labels.len() == labels.len()
            && labels
                .iter()
                .all(|(key, value)| sample.labels.get(key) == Some(value))
    })
}

fn scalar(sample: &Sample) -> f64 {
    match sample.value {
        Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => value,
        ref other => panic!("{} is not a scalar: {other:?}", sample.metric),
    }
}

fn buckets(sample: &Sample) -> Vec<(f64, f64)> {
    match &sample.value {
        Value::Histogram(counts) => counts
            .iter()
            .map(|count| (count.less_than, count.count))
            .collect(),
        other => panic!("{} is not a histogram: {other:?}", sample.metric),
    }
}

#[tokio::test]
async fn text_format_is_the_default_with_its_exact_content_type() {
    let server = Running::exporter(exporter()).await;
    for accept in [
        None,
        Some("text/plain"),
        Some("*/*"),
        Some("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.2"),
    ] {
        let headers: Vec<(&str, &str)> =
            accept.map(|value| ("accept", value)).into_iter().collect();
        let answer = get(server.address, "/metrics", &headers).await;
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.header("content-type"),
            "text/plain; version=0.0.4; charset=utf-8",
            "Accept: {accept:?}"
        );
        assert!(!answer.body.contains("# EOF"));
        assert!(!parse(&answer.body).is_empty());
    }
}

#[tokio::test]
async fn openmetrics_when_the_scraper_asks_for_it() {
    let server = Running::exporter(exporter()).await;
    let answer = get(
        server.address,
        "/metrics",
        &[("accept", OPENMETRICS_ACCEPT)],
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert_eq!(answer.header("vary"), "Accept, Accept-Encoding");
    assert!(answer.body.ends_with("# EOF\n"), "{}", answer.body);
    // Counter families are named without `_total`; their samples keep it.
    assert!(
        answer.body.contains("# TYPE shop_requests counter\n"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("\nshop_requests_total{"),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("\n\n"));
}

#[tokio::test]
async fn series_exist_at_zero_before_the_first_call_then_count_calls_in_declared_buckets() {
    let exporter = exporter();
    let server = Running::exporter(exporter).await;
    let before = parse(&get(server.address, "/metrics", &[]).await.body);

    // Every known label combination of every declared family is there, at zero.
    let mut checked = 0;
    for family in vitals::catalogue().families() {
        for series in family.known_series() {
            let sample = find(&before, family.name(), &series).unwrap_or_else(|| {
                panic!(
                    "{} {series:?} is missing before the first call",
                    family.name()
                )
            });
            match family.kind() {
                MetricKind::Histogram => {
                    assert!(buckets(sample).iter().all(|(_, count)| *count == 0.0))
                }
                _ => assert_eq!(scalar(sample), 0.0, "{} {series:?}", family.name()),
            }
            checked += 1;
        }
    }
    assert!(
        find(
            &before,
            "shop_requests_total",
            &[("method", "Checkout"), ("status", "error")]
        )
        .is_some()
    );
    assert!(find(&before, "jobs_duration_seconds", &[("kind", "prove")]).is_some());
    assert!(checked >= 10, "only {checked} series were checked");

    checkout(true).unwrap();
    checkout(true).unwrap();
    checkout(false).unwrap_err();
    Catalog.get_item(3).unwrap();
    vitals::__private::metrics::histogram!("jobs_duration_seconds", "kind" => "prove").record(12.0);

    let after = parse(&get(server.address, "/metrics", &[]).await.body);
    let ok = find(
        &after,
        "shop_requests_total",
        &[("method", "Checkout"), ("status", "ok")],
    )
    .unwrap();
    assert_eq!(scalar(ok), 2.0);
    let error = find(
        &after,
        "shop_requests_total",
        &[("method", "Checkout"), ("status", "error")],
    )
    .unwrap();
    assert_eq!(scalar(error), 1.0);

    // Per-metric buckets: the attribute's, the run-time declaration's.
    let checkout_buckets = buckets(
        find(
            &after,
            "shop_request_duration_seconds",
            &[("method", "Checkout")],
        )
        .unwrap(),
    );
    let bounds: Vec<f64> = checkout_buckets.iter().map(|(bound, _)| *bound).collect();
    assert_eq!(bounds, [0.1, 0.5, 2.0, f64::INFINITY]);
    assert_eq!(checkout_buckets.last().unwrap().1, 3.0);
    let job_buckets = buckets(find(&after, "jobs_duration_seconds", &[("kind", "prove")]).unwrap());
    assert_eq!(
        job_buckets,
        [
            (1.0, 0.0),
            (5.0, 0.0),
            (30.0, 1.0),
            (300.0, 1.0),
            (f64::INFINITY, 1.0)
        ]
    );
    let item = find(
        &after,
        "catalog_request_duration_seconds",
        &[("method", "GetItem"), ("region", "eu")],
    )
    .unwrap();
    assert_eq!(buckets(item).last().unwrap().1, 1.0);
}

#[tokio::test]
async fn undeclared_histograms_are_histograms_never_summaries() {
    let server = Running::exporter(exporter()).await;
    vitals::__private::metrics::histogram!("adhoc_wait_seconds").record(0.3);
    let body = get(server.address, "/metrics", &[]).await.body;
    assert!(
        body.contains("# TYPE adhoc_wait_seconds histogram"),
        "{body}"
    );
    assert!(!body.contains("quantile="), "{body}");
    let samples = parse(&body);
    let bounds: Vec<f64> = buckets(find(&samples, "adhoc_wait_seconds", &[]).unwrap())
        .iter()
        .map(|(b, _)| *b)
        .collect();
    let mut expected = vitals_prometheus::DEFAULT_BUCKETS.to_vec();
    expected.push(f64::INFINITY);
    assert_eq!(bounds, expected);
}

#[tokio::test]
async fn build_info_names_the_application() {
    let server = Running::exporter(exporter()).await;
    let body = get(server.address, "/metrics", &[]).await.body;
    let samples = parse(&body);
    let info = samples
        .iter()
        .find(|sample| sample.metric == "shop_build_info")
        .expect("shop_build_info is exported");
    assert_eq!(scalar(info), 1.0);
    assert_eq!(info.labels.get("version"), Some("2.1.0"));
    assert_eq!(info.labels.get("revision"), Some("4f2a9c1"));
    assert_eq!(info.labels.get("branch"), Some("main"));
    let rustc = info.labels.get("rustc_version").unwrap();
    let expected =
        std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version")
            .output()
            .map(|output| {
                String::from_utf8_lossy(&output.stdout)
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default();
    assert!(
        !expected.is_empty() && rustc == expected,
        "rustc_version `{rustc}`, expected `{expected}`"
    );
    assert!(!body.contains("vitals_build_info") && !body.contains("vitals_prometheus_build_info"));
    assert!(body.contains("# HELP shop_build_info "), "{body}");
}

#[cfg(feature = "process")]
#[tokio::test]
async fn process_metrics_are_present_and_refreshed_at_each_scrape() {
    let server = Running::exporter(exporter()).await;
    let first = parse(&get(server.address, "/metrics", &[]).await.body);
    for name in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
        "process_threads",
        "process_max_fds",
        "process_virtual_memory_bytes",
    ] {
        assert!(find(&first, name, &[]).is_some(), "{name} is missing");
    }
    assert!(scalar(find(&first, "process_resident_memory_bytes", &[]).unwrap()) > 1_000_000.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let start = scalar(find(&first, "process_start_time_seconds", &[]).unwrap());
    assert!(
        start <= now + 1.0 && start > now - 3600.0,
        "start {start}, now {now}"
    );

    let open_before = scalar(find(&first, "process_open_fds", &[]).unwrap());
    let files: Vec<std::fs::File> = (0..200)
        .map(|_| std::fs::File::open("Cargo.toml").unwrap())
        .collect();
    let second = parse(&get(server.address, "/metrics", &[]).await.body);
    let open_after = scalar(find(&second, "process_open_fds", &[]).unwrap());
    drop(files);
    assert!(
        open_after >= open_before + 150.0,
        "open fds {open_before} then {open_after}"
    );
}

#[tokio::test]
async fn the_router_merges_into_an_application_router() {
    let app = axum::Router::new()
        .route("/hello", axum::routing::get(|| async { "hello" }))
        .merge(exporter().router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    assert_eq!(get(address, "/hello", &[]).await.body, "hello");
    let metrics = get(address, "/metrics", &[]).await;
    assert_eq!(metrics.header("content-type"), Format::Text.content_type());
    assert!(metrics.body.contains("shop_build_info"));
    assert_eq!(get(address, "/livez", &[]).await.body, "ok");
    assert_eq!(get(address, "/nope", &[]).await.status, 404);
    server.abort();
}

#[test]
fn a_second_install_is_a_clear_error() {
    let _ = exporter();
    let error = Exporter::builder(BuildInfo::new("again", "1"))
        .install()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "a global `metrics` recorder is already installed; `install` must be the first to set one"
    );
    // Every family the catalogue knows was checked for conflicts at install.
    let names: BTreeSet<&str> = vitals::catalogue()
        .families()
        .iter()
        .map(|family| family.name())
        .collect();
    assert!(names.contains("shop_requests_total") && names.contains("jobs_duration_seconds"));
}

#[tokio::test]
async fn metrics_are_gzipped_when_the_scraper_asks() {
    use std::io::Read as _;

    let server = Running::exporter(exporter()).await;
    let plain = get(server.address, "/metrics", &[]).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.header("vary"), "Accept, Accept-Encoding");

    // What Prometheus sends.
    let gzipped = get(
        server.address,
        "/metrics",
        &[("accept-encoding", "gzip"), ("accept", OPENMETRICS_ACCEPT)],
    )
    .await;
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.header("content-encoding"), "gzip");
    assert!(gzipped.bytes.len() < plain.bytes.len());
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(gzipped.bytes.as_slice())
        .read_to_string(&mut decoded)
        .expect("a gzip stream");
    assert!(decoded.ends_with("# EOF\n"), "{decoded}");
    assert!(
        decoded.contains("# TYPE shop_requests counter\n"),
        "{decoded}"
    );

    // Refused explicitly: plain.
    let refused = get(
        server.address,
        "/metrics",
        &[("accept-encoding", "gzip;q=0")],
    )
    .await;
    assert_eq!(refused.header("content-encoding"), "");
    assert!(!parse(&refused.body).is_empty());
}
