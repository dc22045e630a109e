//! Families declared at run time carry the application's call site, so a
//! catalogue conflict names the two lines to reconcile.

use vitals::MetricEnum;
use vitals::jobs::JobTracker;
use vitals::middleware::grpc::{GrpcMethod, GrpcMetricsLayer, GrpcType};
use vitals::middleware::http::HttpMetricsLayer;

/// The conflicts of metric `name`, as the exporter reports them.
fn conflicts_of(name: &str) -> Vec<String> {
    vitals::catalogue()
        .conflicts()
        .into_iter()
        .filter(|conflict| conflict.name == name)
        .map(|conflict| conflict.to_string())
        .collect()
}

fn assert_names_both_lines(name: &str, first: u32, other: u32) {
    let conflicts = conflicts_of(name);
    let expected = format!(
        "{file}:{first} and {file}:{other}",
        file = file!().replace('\\', "/")
    );
    assert!(
        conflicts.iter().any(|text| text.contains(&expected)),
        "{conflicts:?} should name {expected}"
    );
}

#[test]
#[rustfmt::skip] // each build on the line after its `line!()`
fn two_http_layers_with_different_buckets_name_their_call_sites() {
    let first = line!() + 1;
    let _fast = HttpMetricsLayer::builder().prefix("sites_http").duration_buckets(&[0.1, 1.0]).build().unwrap();
    let other = line!() + 1;
    let _slow = HttpMetricsLayer::builder().prefix("sites_http").duration_buckets(&[1.0, 10.0]).build().unwrap();
    assert_names_both_lines("sites_http_request_duration_seconds", first, other);
}

#[test]
#[rustfmt::skip] // each build on the line after its `line!()`
fn two_grpc_layers_with_different_buckets_name_their_call_sites() {
    let method = || [GrpcMethod::new("sites.v1.Svc", "Get", GrpcType::Unary)];
    let first = line!() + 1;
    let _fast = GrpcMetricsLayer::builder().namespace("sites").methods(method()).buckets(&[0.1, 1.0]).build().unwrap();
    let other = line!() + 1;
    let _slow = GrpcMetricsLayer::builder().namespace("sites").methods(method()).buckets(&[1.0, 10.0]).build().unwrap();
    assert_names_both_lines("sites_grpc_server_handling_seconds", first, other);
}

#[derive(Clone, Copy, Debug)]
struct Only;

impl MetricEnum for Only {
    const LABEL_VALUES: &'static [&'static str] = &["only"];
    fn index(&self) -> usize {
        0
    }
}

#[test]
#[rustfmt::skip] // each build on the line after its `line!()`
fn two_job_trackers_with_different_buckets_name_their_call_sites() {
    let first = line!() + 1;
    let _fast = JobTracker::<Only, Only>::builder("sites_jobs").buckets(&[0.1, 1.0]).build().unwrap();
    let other = line!() + 1;
    let _slow = JobTracker::<Only, Only>::builder("sites_jobs").buckets(&[1.0, 10.0]).build().unwrap();
    assert_names_both_lines("sites_jobs_job_duration_seconds", first, other);
}
