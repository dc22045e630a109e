//! Exemplars end to end: handlers recording inside OpenTelemetry-traced
//! `tracing` spans, a real Prometheus (Debian's, with
//! `--enable-feature=exemplar-storage`) scraping OpenMetrics, and its
//! `/api/v1/query_exemplars` answering with the trace ids the service
//! recorded; plus what an exemplar source may not break: the 128-character
//! limit, non-finite observations, text 0.0.4.
//!
//! Needs the Debian packages `prometheus` and `python3-prometheus-client`;
//! the tests fail naming them when missing.

mod common;
#[path = "common/python.rs"]
mod python;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use common::{Running, TempDir, eventually, free_port, get, start_prometheus};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use vitals::instrument_rpc;
use vitals_prometheus::{BuildInfo, Exporter, Format, exemplars};

#[instrument_rpc(prefix = "traced", method = "Lookup")]
async fn lookup(n: u64) -> Result<u64, ()> {
    tokio::task::yield_now().await;
    if n % 4 == 0 { Err(()) } else { Ok(n) }
}

/// The exemplars Prometheus holds for `series` over the last minute:
/// every `trace_id` label.
async fn exemplar_trace_ids(prometheus: SocketAddr, series: &str) -> HashSet<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let path = format!(
        "/api/v1/query_exemplars?query={series}&start={}&end={}",
        now - 60,
        now + 60
    );
    if tokio::net::TcpStream::connect(prometheus).await.is_err() {
        return HashSet::new();
    }
    let body = get(prometheus, &path, &[]).await.body;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|series| series["exemplars"].as_array().cloned().unwrap_or_default())
        .filter_map(|exemplar| exemplar["labels"]["trace_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn prometheus_stores_the_trace_ids_of_the_calls_it_scraped() {
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("exemplars-test")));
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let exporter = Exporter::builder(BuildInfo::new("traced", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .exemplars(exemplars::trace_context)
        .install()
        .unwrap();
    let server = Running::exporter(&exporter).await;

    let dir = TempDir::new("prometheus-exemplars");
    let prometheus: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
         scrape_configs:\n  - job_name: traced\n    static_configs:\n      - targets: ['{}']\n",
        server.address
    );
    let _prometheus = start_prometheus(
        &dir,
        prometheus,
        &config,
        &["--enable-feature=exemplar-storage"],
    );

    // Calls keep coming, each in its own traced span, until Prometheus
    // holds exemplars of both the counter and the histogram.
    let mut recorded = HashSet::new();
    let found = eventually(Duration::from_secs(30), || {
        let span = tracing::info_span!("lookup");
        let trace_id = span.context().span().span_context().trace_id().to_string();
        recorded.insert(trace_id);
        let n = recorded.len() as u64;
        async move {
            let _ = lookup(n).instrument(span).await;
            let counter = exemplar_trace_ids(prometheus, "traced_requests_total").await;
            let buckets =
                exemplar_trace_ids(prometheus, "traced_request_duration_seconds_bucket").await;
            (!counter.is_empty() && !buckets.is_empty()).then_some((counter, buckets))
        }
    })
    .await;
    let Some((counter, buckets)) = found else {
        let targets = get(prometheus, "/api/v1/targets", &[]).await.body;
        panic!("Prometheus stored no exemplars; targets: {targets}");
    };
    // Every exemplar Prometheus has is a trace the service recorded in.
    for trace_id in counter.iter().chain(&buckets) {
        assert!(
            recorded.contains(trace_id),
            "exemplar {trace_id} is none of the {} recorded traces",
            recorded.len()
        );
    }

    // The HTTP layer, inside tower-http's TraceLayer (which creates the
    // request span and enters it whenever the response and its body are
    // polled): its counter and histogram carry the request's trace id.
    let app = axum::Router::new()
        .route(
            "/orders",
            axum::routing::get(|| async {
                tracing::Span::current()
                    .context()
                    .span()
                    .span_context()
                    .trace_id()
                    .to_string()
            }),
        )
        .layer(vitals::middleware::HttpMetricsLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    let api = tokio::spawn(async move { axum::serve(listener, app).await });
    let trace_id = get(address, "/orders", &[]).await.body;
    assert_eq!(trace_id.len(), 32, "{trace_id}");
    let openmetrics = exporter.render(Format::OpenMetrics);
    let exemplar = format!("trace_id=\"{trace_id}\"");
    for series in [
        "http_server_requests_total{",
        "http_server_request_duration_seconds_bucket{",
    ] {
        assert!(
            openmetrics
                .lines()
                .any(|line| line.starts_with(series) && line.contains(&exemplar)),
            "no `{series}` line carries {exemplar}:\n{openmetrics}"
        );
    }
    api.abort();
    let _ = provider.shutdown();
}

#[test]
fn oversized_exemplars_non_finite_values_and_state_sets_keep_the_exposition_valid() {
    let exporter = Exporter::builder(BuildInfo::new("bounded", "1.0.0"))
        .process_metrics(false)
        .exemplars(|labels| {
            labels.push("trace_id", &"a".repeat(32));
            // Over the limit together with the trace id: refused, whole.
            labels.push("comment", &"\"quoted\"\n".repeat(20));
        })
        .build()
        .unwrap();
    metrics::with_local_recorder(exporter.recorder(), || {
        metrics::counter!("bounded_calls_total").increment(2);
        let histogram = metrics::histogram!("bounded_wait_seconds");
        histogram.record(0.2);
        histogram.record(f64::NAN);
        histogram.record(f64::INFINITY);
        // A state enum's series, as `#[metric_enum(state = ..)]` writes them.
        metrics::gauge!("bounded_state", "bounded_state" => "up").set(1.0);
        metrics::gauge!("bounded_state", "bounded_state" => "down").set(0.0);
    });
    let openmetrics = exporter.render(Format::OpenMetrics);
    let trace = format!("trace_id=\"{}\"", "a".repeat(32));
    // Each exemplar ends with the time it was recorded.
    assert!(
        openmetrics.contains(&format!("bounded_calls_total 2 # {{{trace}}} 2 ")),
        "{openmetrics}"
    );
    assert!(
        openmetrics.contains(&format!(
            "bounded_wait_seconds_bucket{{le=\"0.25\"}} 1 # {{{trace}}} 0.2 "
        )),
        "{openmetrics}"
    );
    // NaN and +Inf landed in `+Inf` without an exemplar.
    assert!(
        openmetrics.contains("bounded_wait_seconds_bucket{le=\"+Inf\"} 3\n"),
        "{openmetrics}"
    );
    // ...and out of the sum, which stays a number.
    assert!(
        openmetrics.contains("bounded_wait_seconds_sum 0.2\n"),
        "{openmetrics}"
    );
    assert!(!openmetrics.contains("comment"), "{openmetrics}");
    assert!(
        openmetrics.contains("# TYPE bounded_state stateset\n"),
        "{openmetrics}"
    );
    // The Python client's OpenMetrics parser checks exemplars (the limit
    // included) and state sets.
    let families = python::python_parse(Format::OpenMetrics, &openmetrics);
    assert!(
        families.iter().any(|name| name == "bounded_calls"),
        "{families:?}"
    );
    // Text 0.0.4 has no exemplar syntax.
    let text = exporter.render(Format::Text);
    assert!(!text.contains(" # {"), "{text}");
    python::python_parse(Format::Text, &text);
}
