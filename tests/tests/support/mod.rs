//! Helpers shared by the behaviour tests.

#![allow(dead_code)] // each test binary uses a different subset
#![allow(unreachable_pub)] // `pub` here means "shared by the test files", which are separate crates

pub mod alloc;
pub mod spans;

use std::future::Future;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};

/// Bucket bounds for every histogram, so they render as histograms, not summaries.
const TEST_BUCKETS: &[f64] = &[0.001, 0.01, 0.1, 1.0, 10.0];

fn recorder() -> PrometheusRecorder {
    PrometheusBuilder::new()
        .set_buckets(TEST_BUCKETS)
        .expect("valid buckets")
        .build_recorder()
}

/// Runs `f` under a fresh Prometheus recorder and returns the rendered text.
pub fn render(f: impl FnOnce()) -> String {
    let recorder = recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, f);
    handle.render()
}

/// Drives `future` under a fresh Prometheus recorder and returns the rendered text.
pub async fn render_async(future: impl Future<Output = ()>) -> String {
    let recorder = recorder();
    let handle = recorder.handle();
    vitals::testing::with_local_recorder_async(&recorder, future).await;
    handle.render()
}

/// The sample lines of metric `name` (exactly that name: `foo_bucket` is not
/// `foo`), with labels sorted by name and lines sorted, so assertions do not
/// depend on the exporter's hash-map order.
pub fn samples(text: &str, name: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(canonical)
        .filter(|(metric, _)| metric == name)
        .map(|(_, line)| line)
        .collect();
    lines.sort();
    lines
}

/// `(name, line with sorted labels)` of one sample line.
fn canonical(line: &str) -> Option<(String, String)> {
    let (series, value) = line.rsplit_once(' ')?;
    let Some((name, labels)) = series.split_once('{') else {
        return Some((series.to_owned(), line.to_owned()));
    };
    let labels = labels.strip_suffix('}')?;
    let mut pairs = split_labels(labels);
    pairs.sort();
    Some((
        name.to_owned(),
        format!("{name}{{{}}} {value}", pairs.join(",")),
    ))
}

/// Splits `a="x",b="y,z"` at the commas outside quotes.
fn split_labels(labels: &str) -> Vec<String> {
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in labels.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                pairs.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.is_empty() {
        pairs.push(current);
    }
    pairs
}
