//! Per-call cost of one instrumented call: request counter by method and
//! status, duration histogram by method, in-flight gauge by method.
//!
//! Every contender does the same trivial work and records the same three
//! series, in one process and one run, so the ratios are comparable:
//!
//! - `floor`: hand-written, two `Instant::now()` and five atomic adds, no
//!   labels, no recorder: the least any instrumentation can cost;
//! - `vitals`: `#[instrument_rpc]` under metrics-exporter-prometheus
//!   installed as the global recorder;
//! - `metrics_macros`: `counter!` / `histogram!` / `gauge!` written by hand
//!   in the fn, same recorder;
//! - `autometrics`: `#[autometrics(track_concurrency)]`, same recorder;
//! - `prometheus_client`: `Family::get_or_create` per call with enum labels,
//!   its own registry;
//! - `measured`: measured 0.0.22's vecs keyed by fixed-cardinality enum
//!   label groups (see `instrument_rpc/measured_call.rs`).
//!
//! The recorder the facade users share is chosen by `VITALS_BENCH_RECORDER`:
//! `stock` (default) is metrics-exporter-prometheus's own recorder, which the
//! alternatives are normally used with; `vitals` is the `vitals-prometheus`
//! exporter's store (per-thread cells for every series), which is what a
//! vitals service runs; `vitals-exemplars` is that store with an exemplar
//! source on every counter and histogram.
//!
//! Run with `cargo bench -p vitals-bench-rpc --bench instrument_rpc`;
//! figures go in BENCHMARKS.md.

use std::hint::black_box;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use criterion::{Criterion, criterion_group};

#[path = "instrument_rpc/measured_call.rs"]
mod measured_call;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{
    counter::Counter, family::Family, gauge::Gauge, histogram::Histogram,
};

const BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

fn work(x: u64) -> u64 {
    black_box(x).wrapping_mul(31).wrapping_add(7)
}

// ------------------------------------------------------------------ floor

static FLOOR_REQUESTS: AtomicU64 = AtomicU64::new(0);
static FLOOR_DURATION_COUNT: AtomicU64 = AtomicU64::new(0);
static FLOOR_DURATION_NANOS: AtomicU64 = AtomicU64::new(0);
static FLOOR_IN_FLIGHT: AtomicI64 = AtomicI64::new(0);

fn floor_call(x: u64) -> u64 {
    FLOOR_IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    let start = Instant::now();
    let result = work(x);
    let elapsed = start.elapsed();
    FLOOR_REQUESTS.fetch_add(1, Ordering::Relaxed);
    FLOOR_DURATION_COUNT.fetch_add(1, Ordering::Relaxed);
    FLOOR_DURATION_NANOS.fetch_add(elapsed.as_nanos() as u64, Ordering::Relaxed);
    FLOOR_IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    result
}

// ------------------------------------------------------------------ vitals

#[vitals::instrument_rpc(prefix = "bench_vitals", method = "Call")]
fn vitals_call(x: u64) -> u64 {
    work(x)
}

// ------------------------------------------------------------------ metrics macros

fn metrics_macros_call(x: u64) -> u64 {
    let in_flight = metrics::gauge!("bench_raw_requests_in_flight", "method" => "Call");
    in_flight.increment(1.0);
    let start = Instant::now();
    let result = work(x);
    metrics::histogram!("bench_raw_request_duration_seconds", "method" => "Call")
        .record(start.elapsed().as_secs_f64());
    metrics::counter!("bench_raw_requests_total", "method" => "Call", "status" => "ok")
        .increment(1);
    in_flight.decrement(1.0);
    result
}

// ------------------------------------------------------------------ autometrics

#[autometrics::autometrics(track_concurrency)]
fn autometrics_call(x: u64) -> u64 {
    work(x)
}

// ------------------------------------------------------------------ prometheus-client

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
enum Method {
    Call,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
enum Status {
    Ok,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: Method,
    status: Status,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    method: Method,
}

struct ClientMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<MethodLabels, Histogram>,
    in_flight: Family<MethodLabels, Gauge>,
}

fn client_metrics() -> &'static ClientMetrics {
    static METRICS: OnceLock<ClientMetrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let metrics = ClientMetrics {
            requests: Family::default(),
            duration: Family::new_with_constructor(|| Histogram::new(BUCKETS)),
            in_flight: Family::default(),
        };
        let mut registry = prometheus_client::registry::Registry::default();
        registry.register(
            "bench_client_requests",
            "requests",
            metrics.requests.clone(),
        );
        registry.register(
            "bench_client_request_duration_seconds",
            "duration",
            metrics.duration.clone(),
        );
        registry.register(
            "bench_client_requests_in_flight",
            "in flight",
            metrics.in_flight.clone(),
        );
        metrics
    })
}

fn prometheus_client_call(x: u64) -> u64 {
    let metrics = client_metrics();
    let method = MethodLabels {
        method: Method::Call,
    };
    metrics.in_flight.get_or_create(&method).inc();
    let start = Instant::now();
    let result = work(x);
    metrics
        .duration
        .get_or_create(&method)
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: Method::Call,
            status: Status::Ok,
        })
        .inc();
    metrics.in_flight.get_or_create(&method).dec();
    result
}

// ------------------------------------------------------------------ harness

/// Installs the shared global recorder; returns a way to render it.
fn install_recorder() -> Box<dyn Fn() -> String> {
    match std::env::var("VITALS_BENCH_RECORDER").as_deref() {
        Ok(choice @ ("vitals" | "vitals-exemplars")) => {
            let mut builder =
                vitals_prometheus::Exporter::builder(vitals_prometheus::build_info!())
                    .default_buckets(&BUCKETS)
                    .expect("valid buckets")
                    .process_metrics(false);
            if choice == "vitals-exemplars" {
                // What a trace-context source adds per call, without the
                // cost of finding the span (that is the tracer's).
                builder = builder.exemplars(|labels| {
                    labels.push("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
                });
            }
            let exporter = builder.install().expect("the only global recorder");
            println!("recorder: vitals-prometheus store ({choice})");
            Box::new(move || exporter.render(vitals_prometheus::Format::Text))
        }
        Ok("stock") | Err(_) => {
            let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .expect("valid buckets")
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).expect("the only global recorder");
            vitals::global_recorder_installed();
            println!("recorder: metrics-exporter-prometheus");
            Box::new(move || handle.render())
        }
        Ok(other) => {
            panic!(
                "unknown `VITALS_BENCH_RECORDER` value `{other}`; expected `stock`, `vitals` or `vitals-exemplars`"
            )
        }
    }
}

fn per_call(c: &mut Criterion) {
    let render = install_recorder();
    let mut group = c.benchmark_group("per_call");
    group.bench_function("floor", |b| b.iter(|| floor_call(black_box(3))));
    group.bench_function("vitals", |b| b.iter(|| vitals_call(black_box(3))));
    group.bench_function("metrics_macros", |b| {
        b.iter(|| metrics_macros_call(black_box(3)))
    });
    group.bench_function("autometrics", |b| b.iter(|| autometrics_call(black_box(3))));
    group.bench_function("prometheus_client", |b| {
        b.iter(|| prometheus_client_call(black_box(3)))
    });
    group.bench_function("measured", |b| b.iter(|| measured_call::call(black_box(3))));
    group.finish();

    // Two threads calling the same fn at once: the same series, so the same
    // cache lines. Reported per call, per thread.
    let mut contended = c.benchmark_group("contended_2_threads");
    let contenders: [(&str, Call); 5] = [
        ("floor", floor_call),
        ("vitals", vitals_call),
        ("metrics_macros", metrics_macros_call),
        ("prometheus_client", prometheus_client_call),
        ("measured", measured_call::call),
    ];
    for (name, call) in contenders {
        contended.bench_function(name, |b| {
            b.iter_custom(|iterations| two_threads(iterations, call))
        });
    }
    contended.finish();

    // Each contender must have recorded, or its figure means nothing.
    let text = render();
    for series in [
        "bench_vitals_requests_total",
        "bench_raw_requests_total",
        "function_calls_total",
    ] {
        assert!(
            text.contains(series),
            "`{series}` missing from the exposition"
        );
    }
    assert!(FLOOR_REQUESTS.load(Ordering::Relaxed) > 0);
    let client = client_metrics()
        .requests
        .get_or_create(&RequestLabels {
            method: Method::Call,
            status: Status::Ok,
        })
        .get();
    assert!(client > 0);
    let measured = measured_call::render();
    assert!(
        measured.contains("bench_measured_requests{method=\"call\",status=\"ok\"}"),
        "measured recorded nothing:\n{measured}"
    );
}

/// Runs `iterations` calls on each of two threads started together; the
/// wall time of the slower one, so the figure is per call per thread.
fn two_threads(iterations: u64, call: Call) -> std::time::Duration {
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for i in 0..iterations {
                        black_box(call(black_box(i)));
                    }
                    start.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("bench thread"))
            .max()
            .unwrap_or_default()
    })
}

criterion_group!(benches, per_call);

/// One contender's instrumented fn.
type Call = fn(u64) -> u64;

const CONTENDERS: [&str; 6] = [
    "floor",
    "vitals",
    "metrics_macros",
    "autometrics",
    "prometheus_client",
    "measured",
];

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios();
}

/// Prints each contender's median per call and its ratio to the floor and
/// to vitals, for each group, from the estimates criterion has just written.
fn print_ratios() {
    let Some(criterion_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
    else {
        return;
    };
    let median = |group: &str, name: &str| -> Option<f64> {
        let path = criterion_dir
            .join(group)
            .join(name)
            .join("new/estimates.json");
        let json = std::fs::read_to_string(path).ok()?;
        let after = &json[json.find("\"median\"")?..];
        let after = &after[after.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
        after[..after.find([',', '}'])?].trim().parse().ok()
    };
    for group in ["per_call", "contended_2_threads"] {
        let (Some(floor), Some(vitals)) = (median(group, "floor"), median(group, "vitals")) else {
            continue; // not measured in this run (e.g. `--test` mode or a filter)
        };
        println!();
        println!("{group}:");
        println!("| contender | median ns/call | × floor | × vitals |");
        println!("|---|---:|---:|---:|");
        for name in CONTENDERS {
            if let Some(ns) = median(group, name) {
                println!(
                    "| {name} | {ns:.1} | {:.2} | {:.2} |",
                    ns / floor,
                    ns / vitals
                );
            }
        }
    }
}
