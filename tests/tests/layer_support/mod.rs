//! Shared by the layer test binaries: one global Prometheus recorder per
//! binary, and queries on its rendered text.

#![allow(dead_code, unreachable_pub)] // each test binary uses part of it

pub mod echo;
pub mod grpc_series;

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The generated code of `proto/echo.proto`.
pub mod proto {
    tonic::include_proto!("vitals.test.v1");

    /// The encoded `FileDescriptorSet` of `echo.proto`.
    pub const DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
}

/// Serves `router` on a fresh loopback port; the server task ends with the
/// test's runtime.
pub async fn serve_router(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// Installs the binary's global recorder (once) and returns its handle.
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).expect("no other global recorder in this binary");
        vitals::global_recorder_installed();
        handle
    })
}

/// The value of the series `name{labels}` in the rendered text, if present.
pub fn value(name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    value_in(&recorder().render(), name, labels)
}

/// The value of the series `name{labels}` in `text`, if present.
pub fn value_in(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut wanted: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    wanted.sort();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (series, number) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = match series.split_once('{') {
                Some((series_name, rest)) => (series_name, parse_labels(rest.strip_suffix('}')?)),
                None => (series, Vec::new()),
            };
            (series_name == name && series_labels == wanted)
                .then(|| number.parse().ok())
                .flatten()
        })
}

fn parse_labels(text: &str) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = text
        .split("\",")
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (key, value) = pair.split_once("=\"")?;
            Some((key.to_owned(), value.trim_end_matches('"').to_owned()))
        })
        .collect();
    labels.sort();
    labels
}

/// Every series of metric `name` in the rendered text, as lines.
pub fn series_of(name: &str) -> Vec<String> {
    recorder()
        .render()
        .lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .map(str::to_owned)
        .collect()
}

/// Waits until `name{labels}` reaches `expected`: the server records when it
/// has finished with a response, which can be just after the client has
/// read it. Bounded; the caller asserts the exact values afterwards.
pub async fn settle(name: &str, labels: &[(&str, &str)], expected: f64) {
    for _ in 0..1000 {
        if value(name, labels) == Some(expected) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
