//! The `measured` contender: measured's `CounterVec`, `HistogramVec` and
//! `GaugeVec` keyed by fixed-cardinality enum label groups (its fastest
//! form: a label group is an index, no hashing), its own metric group.

use std::sync::OnceLock;
use std::time::Instant;

use measured::metric::histogram::Thresholds;
use measured::text::TextEncoder;
use measured::{
    CounterVec, FixedCardinalityLabel, GaugeVec, HistogramVec, LabelGroup, MetricGroup,
};

#[derive(Clone, Copy, FixedCardinalityLabel)]
enum Method {
    Call,
}

// `Error` is never recorded here, but it is a value of the label set, as
// in the other contenders.
#[allow(dead_code)]
#[derive(Clone, Copy, FixedCardinalityLabel)]
enum Status {
    Ok,
    Error,
}

#[derive(LabelGroup)]
#[label(set = RequestSet)]
struct Request {
    method: Method,
    status: Status,
}

#[derive(LabelGroup)]
#[label(set = MethodSet)]
struct ByMethod {
    method: Method,
}

/// The three series every contender records. measured's thresholds are
/// exponential or linear only: 14 buckets from 5 ms doubling, where the
/// others have the Prometheus defaults (the bucket search is a loop over
/// all 14 either way).
#[derive(MetricGroup)]
#[metric(new())]
struct Metrics {
    /// requests
    bench_measured_requests: CounterVec<RequestSet>,
    /// duration
    #[metric(metadata = Thresholds::exponential_buckets(0.005, 2.0))]
    bench_measured_request_duration_seconds: HistogramVec<MethodSet, 14>,
    /// in flight
    bench_measured_requests_in_flight: GaugeVec<MethodSet>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

pub(crate) fn call(x: u64) -> u64 {
    let metrics = metrics();
    let method = || ByMethod {
        method: Method::Call,
    };
    metrics.bench_measured_requests_in_flight.inc(method());
    let start = Instant::now();
    let result = super::work(x);
    metrics
        .bench_measured_request_duration_seconds
        .observe(method(), start.elapsed().as_secs_f64());
    metrics.bench_measured_requests.inc(Request {
        method: Method::Call,
        status: Status::Ok,
    });
    metrics.bench_measured_requests_in_flight.dec(method());
    result
}

/// measured's own text exposition of the three series.
pub(crate) fn render() -> String {
    let mut encoder = TextEncoder::new(Vec::new());
    metrics()
        .collect_group_into(&mut encoder)
        .expect("writing into a Vec cannot fail");
    let _ = encoder.flush();
    String::from_utf8_lossy(&encoder.writer).into_owned()
}
