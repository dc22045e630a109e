//! The dashboard's rows: per family and label set (method, route, ...),
//! the request rate and error ratio from counter deltas and the latency
//! quantiles from histogram bucket deltas between two scrapes.
//!
//! A request counter is a counter with an outcome label
//! ([`STATUS_LABELS`]) or a name ending in `_requests_total`; a latency
//! histogram is a histogram whose name ends in `_seconds`. Both are keyed
//! by a base name (`http_server_requests_total` and
//! `http_server_request_duration_seconds` are both `http_server`;
//! `grpc_server_handled_total` and `grpc_server_handling_seconds` are
//! `grpc_server`) and their labels without the outcome and `le`, so one row
//! joins a method's counts and its latency.

use std::collections::{BTreeMap, HashMap};

use crate::exposition::{Exposition, Kind, Sample, number};
use crate::quantile::histogram_quantile;
use crate::status::{STATUS_LABELS, is_error};

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The base name (`http_server`, `grpc_server`, `quickstart_store`).
    pub family: String,
    /// The labels that tell rows apart, `name=value` separated by spaces.
    pub labels: String,
    /// Requests counted since the service started.
    pub total: f64,
    /// Requests per second between the last two scrapes.
    pub rate: Option<f64>,
    /// The share of those requests that were errors (0 to 1).
    pub error_ratio: Option<f64>,
    /// The median latency in seconds between the last two scrapes.
    pub p50: Option<f64>,
    /// The 95th percentile latency in seconds.
    pub p95: Option<f64>,
    /// The 99th percentile latency in seconds.
    pub p99: Option<f64>,
}

#[derive(Default)]
struct Accumulator {
    labels: String,
    counted: bool,
    total: f64,
    delta: f64,
    error_delta: f64,
    histogram_total: f64,
    histogram_delta: f64,
    /// Bucket bound -> count observed between the scrapes.
    buckets: BTreeMap<u64, (f64, f64)>,
}

/// The rows of `current`, with rates and quantiles over the `seconds` since
/// `previous` (none until a second scrape), sorted by family and labels.
pub fn rows(previous: Option<&Exposition>, current: &Exposition, seconds: f64) -> Vec<Row> {
    let before: Option<HashMap<String, f64>> = previous.map(|previous| {
        previous
            .samples
            .iter()
            .map(|sample| (identity(sample), sample.value))
            .collect()
    });
    let delta = |sample: &Sample| -> f64 {
        match before
            .as_ref()
            .and_then(|before| before.get(&identity(sample)))
        {
            // A counter that fell was reset: all of it is new.
            Some(&then) if sample.value >= then => sample.value - then,
            _ => sample.value,
        }
    };
    let mut accumulators: BTreeMap<(String, String), Accumulator> = BTreeMap::new();
    for sample in &current.samples {
        let Some((family, kind)) = classify(current, sample) else {
            continue;
        };
        let (key, shown) = key_labels(sample);
        let entry = accumulators.entry((family.clone(), key)).or_default();
        if entry.labels.is_empty() {
            entry.labels = shown;
        }
        match kind {
            Role::Requests => {
                let change = delta(sample);
                entry.counted = true;
                entry.total += sample.value;
                entry.delta += change;
                if status_of(sample).is_some_and(is_error) {
                    entry.error_delta += change;
                }
            }
            Role::Bucket => {
                let Some(bound) = sample.label("le").and_then(number) else {
                    continue;
                };
                let slot = entry.buckets.entry(bound.to_bits()).or_insert((bound, 0.0));
                slot.1 += delta(sample);
            }
            Role::Count => {
                entry.histogram_total += sample.value;
                entry.histogram_delta += delta(sample);
            }
        }
    }
    let seconds = seconds.max(f64::MIN_POSITIVE);
    accumulators
        .into_iter()
        .map(|((family, _), entry)| {
            let (total, delta) = if entry.counted {
                (entry.total, entry.delta)
            } else {
                (entry.histogram_total, entry.histogram_delta)
            };
            let between = previous.is_some();
            let buckets: Vec<(f64, f64)> = entry.buckets.values().copied().collect();
            let quantile = |q| between.then(|| histogram_quantile(q, &buckets)).flatten();
            Row {
                family,
                labels: entry.labels,
                total,
                rate: between.then_some(delta / seconds),
                error_ratio: (between && entry.counted && delta > 0.0)
                    .then(|| entry.error_delta / delta),
                p50: quantile(0.5),
                p95: quantile(0.95),
                p99: quantile(0.99),
            }
        })
        .collect()
}

enum Role {
    Requests,
    Bucket,
    Count,
}

/// The base name and role of a sample that feeds a row.
fn classify(exposition: &Exposition, sample: &Sample) -> Option<(String, Role)> {
    let (family, kind) = match exposition.family_of(&sample.name) {
        Some((family, kind)) => (family.to_owned(), kind),
        // Untyped: by suffix alone.
        None if sample.name.ends_with("_bucket") && sample.label("le").is_some() => (
            sample.name.trim_end_matches("_bucket").to_owned(),
            Kind::Histogram,
        ),
        None if sample.name.ends_with("_total") => (sample.name.clone(), Kind::Counter),
        None => return None,
    };
    match kind {
        Kind::Counter => {
            let name = sample.name.strip_suffix("_total")?;
            let requests = status_of(sample).is_some() || name.ends_with("_requests");
            requests.then(|| {
                (
                    strip_any(name, &["_requests", "_handled", "_calls"]),
                    Role::Requests,
                )
            })
        }
        Kind::Histogram => {
            let base = family.strip_suffix("_seconds")?;
            let base = base.strip_suffix("_duration").unwrap_or(base);
            let base = strip_any(base, &["_request", "_handling", "_call"]);
            if sample.name.ends_with("_bucket") {
                Some((base, Role::Bucket))
            } else if sample.name.ends_with("_count") {
                Some((base, Role::Count))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn strip_any(name: &str, suffixes: &[&str]) -> String {
    suffixes
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name)
        .to_owned()
}

fn status_of(sample: &Sample) -> Option<&str> {
    STATUS_LABELS.iter().find_map(|label| sample.label(label))
}

/// The row key (labels sorted) and the labels as shown (as written),
/// without `le` and the outcome.
fn key_labels(sample: &Sample) -> (String, String) {
    let mut kept: Vec<(&str, &str)> = sample
        .labels
        .iter()
        .filter(|(name, _)| name != "le" && !STATUS_LABELS.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let join = |labels: &[(&str, &str)]| {
        labels
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let shown = join(&kept);
    kept.sort_unstable();
    (join(&kept), shown)
}

/// A sample's name and every label, as one string.
fn identity(sample: &Sample) -> String {
    let mut labels: Vec<&(String, String)> = sample.labels.iter().collect();
    labels.sort_unstable();
    let mut identity = sample.name.clone();
    for (name, value) in labels {
        identity.push('\u{1}');
        identity.push_str(name);
        identity.push('=');
        identity.push_str(value);
    }
    identity
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::parse;

    fn scrape(ok: u32, failed: u32, fast: u32, slow: u32) -> Exposition {
        let all = fast + slow;
        parse(&format!(
            "# TYPE http_server_requests_total counter\n\
             http_server_requests_total{{method=\"GET\",route=\"/users/{{id}}\",status=\"200\"}} {ok}\n\
             http_server_requests_total{{method=\"GET\",route=\"/users/{{id}}\",status=\"500\"}} {failed}\n\
             # TYPE http_server_request_duration_seconds histogram\n\
             http_server_request_duration_seconds_bucket{{method=\"GET\",route=\"/users/{{id}}\",status=\"200\",le=\"0.01\"}} {fast}\n\
             http_server_request_duration_seconds_bucket{{method=\"GET\",route=\"/users/{{id}}\",status=\"200\",le=\"0.1\"}} {all}\n\
             http_server_request_duration_seconds_bucket{{method=\"GET\",route=\"/users/{{id}}\",status=\"200\",le=\"+Inf\"}} {all}\n\
             http_server_request_duration_seconds_count{{method=\"GET\",route=\"/users/{{id}}\",status=\"200\"}} {all}\n\
             # TYPE grpc_server_started_total counter\n\
             grpc_server_started_total{{grpc_method=\"SayHello\"}} 7\n\
             # TYPE grpc_server_handled_total counter\n\
             grpc_server_handled_total{{grpc_method=\"SayHello\",grpc_code=\"OK\"}} 7\n\
             # TYPE grpc_server_handling_seconds histogram\n\
             grpc_server_handling_seconds_bucket{{grpc_method=\"SayHello\",le=\"+Inf\"}} 7\n\
             # TYPE process_open_fds gauge\n\
             process_open_fds 9\n"
        ))
        .unwrap()
    }

    #[test]
    fn one_row_per_family_and_labels_joining_counts_and_latency() {
        let rows = rows(None, &scrape(10, 2, 10, 2), 1.0);
        let names: Vec<(&str, &str)> = rows
            .iter()
            .map(|row| (row.family.as_str(), row.labels.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("grpc_server", "grpc_method=SayHello"),
                ("http_server", "method=GET route=/users/{id}"),
            ]
        );
        let http = &rows[1];
        assert_eq!(http.total, 12.0);
        assert_eq!(http.rate, None, "no rate from one scrape");
        assert_eq!(http.p99, None);
    }

    #[test]
    fn rates_errors_and_quantiles_come_from_deltas() {
        // Between the scrapes, 2 s apart: 30 OK and 10 failed requests;
        // latencies 20 fast (under 10 ms), 20 slow (10 to 100 ms).
        let rows = rows(Some(&scrape(10, 2, 10, 2)), &scrape(40, 12, 30, 22), 2.0);
        let http = &rows[1];
        assert_eq!(http.total, 52.0);
        assert_eq!(http.rate, Some(20.0));
        assert_eq!(http.error_ratio, Some(0.25));
        // Rank 20 of 40 is the top of the first bucket.
        assert_eq!(http.p50, Some(0.01));
        // Rank 38 of 40: 18 of the second bucket's 20.
        let p95 = http.p95.unwrap();
        assert!((p95 - (0.01 + 0.09 * 18.0 / 20.0)).abs() < 1e-12, "{p95}");
        let grpc = &rows[0];
        assert_eq!(grpc.rate, Some(0.0), "7 then 7: idle");
        assert_eq!(grpc.error_ratio, None, "no requests, no ratio");
        assert_eq!(grpc.p50, None);
    }

    #[test]
    fn a_counter_that_fell_was_reset() {
        let rows = rows(Some(&scrape(100, 50, 150, 0)), &scrape(4, 0, 4, 0), 1.0);
        assert_eq!(rows[1].rate, Some(4.0));
        assert_eq!(rows[1].error_ratio, Some(0.0));
    }

    #[test]
    fn a_histogram_without_a_counter_counts_from_its_count() {
        let text = "# TYPE jobs_duration_seconds histogram\n\
                    jobs_duration_seconds_bucket{kind=\"a\",le=\"1\"} N\n\
                    jobs_duration_seconds_bucket{kind=\"a\",le=\"+Inf\"} N\n\
                    jobs_duration_seconds_count{kind=\"a\"} N\n";
        let before = parse(&text.replace('N', "3")).unwrap();
        let after = parse(&text.replace('N', "8")).unwrap();
        let rows = rows(Some(&before), &after, 1.0);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].family, "jobs");
        assert_eq!(rows[0].rate, Some(5.0));
        assert_eq!(rows[0].error_ratio, None);
        assert_eq!(rows[0].p50, Some(0.5));
    }
}
