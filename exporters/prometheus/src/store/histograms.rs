//! Exact, lock-free histograms with fixed buckets.
//!
//! The stock recorder buffers every observation in a `metrics-util`
//! `AtomicBucket` and drains it at upkeep or scrape. Draining while other
//! threads record loses observations: `clear_with` can detach a block a
//! writer has just installed but not yet linked, and an in-flight write to
//! a detached block is never read (measured: up to hundreds of samples per
//! 800 k with four writers and one drainer on two cores). Buffering also
//! costs 16.5 bytes per observation until the next drain.
//!
//! Here each series is a fixed array of atomic bucket counters plus an
//! atomic sum: one `fetch_add` and one compare-and-swap per observation, no
//! allocation, nothing to drain, and a scrape reads the counters without
//! stopping writers. `_count` is the sum of the buckets, so it always
//! equals the `+Inf` bucket, as OpenMetrics parsers require.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use metrics::{Histogram, HistogramFn, Key, KeyName, SharedString};

use crate::store::config::{StoreConfig, checked_buckets};

/// One histogram series.
#[derive(Debug)]
struct Series {
    bounds: Arc<[f64]>,
    /// Non-cumulative counts; the last one is the `+Inf` overflow.
    counts: Box<[AtomicU64]>,
    /// `f64` bits.
    sum: AtomicU64,
}

impl Series {
    fn new(bounds: Arc<[f64]>) -> Self {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        Self {
            bounds,
            counts,
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }
}

impl HistogramFn for Series {
    fn record(&self, value: f64) {
        // `le` semantics: the first bound at or above the value.
        let index = if value.is_nan() {
            self.bounds.len()
        } else {
            self.bounds.partition_point(|bound| *bound < value)
        };
        self.counts[index].fetch_add(1, Ordering::Relaxed);
        let mut current = self.sum.load(Ordering::Relaxed);
        loop {
            let next = (f64::from_bits(current) + value).to_bits();
            match self.sum.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
    }
}

/// A series with its labels rendered as `k="v",...`.
type LabelledSeries = (String, Arc<Series>);

/// Every histogram series, with the bucket layout per metric name.
#[derive(Debug)]
pub(crate) struct Histograms {
    default_bounds: Arc<[f64]>,
    bounds: HashMap<String, Arc<[f64]>>,
    series: RwLock<HashMap<Key, Arc<Series>>>,
    help: RwLock<HashMap<String, SharedString>>,
}

impl Histograms {
    pub(crate) fn new(config: &StoreConfig) -> Self {
        Self {
            default_bounds: config.default_buckets.as_slice().into(),
            bounds: config
                .buckets
                .iter()
                .map(|(name, bounds)| (name.clone(), bounds.as_slice().into()))
                .collect(),
            series: RwLock::default(),
            help: RwLock::default(),
        }
    }

    pub(crate) fn describe(&self, name: KeyName, help: SharedString) {
        self.help
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.as_str().to_owned(), help);
    }

    pub(crate) fn register(&self, key: &Key) -> Histogram {
        if let Some(series) = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
        {
            return Histogram::from_arc(Arc::clone(series));
        }
        let bounds = match self.bounds.get(key.name()) {
            Some(bounds) => Arc::clone(bounds),
            None => {
                declared_after_build(key.name()).unwrap_or_else(|| Arc::clone(&self.default_bounds))
            }
        };
        let mut series = self.series.write().unwrap_or_else(PoisonError::into_inner);
        let entry = series
            .entry(key.clone())
            .or_insert_with(|| Arc::new(Series::new(bounds)));
        Histogram::from_arc(Arc::clone(entry))
    }

    /// Appends every histogram family in text format 0.0.4, sorted by name
    /// and labels so consecutive scrapes list series in the same order.
    pub(crate) fn render(&self, out: &mut String) {
        let snapshot: Vec<(Key, Arc<Series>)> = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(key, series)| (key.clone(), Arc::clone(series)))
            .collect();
        // Name -> (rendered labels, series); both sorted for stable output.
        let mut families: BTreeMap<String, Vec<LabelledSeries>> = BTreeMap::new();
        for (key, series) in snapshot {
            let labels: Vec<String> = key
                .labels()
                .map(|label| {
                    format!(
                        "{}=\"{}\"",
                        sanitize_label(label.key()),
                        escape_value(label.value())
                    )
                })
                .collect();
            families
                .entry(sanitize_name(key.name()))
                .or_default()
                .push((labels.join(","), series));
        }
        let help = self.help.read().unwrap_or_else(PoisonError::into_inner);
        for (name, mut series) in families {
            series.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(text) = help.get(&name) {
                let _ = writeln!(out, "# HELP {name} {}", escape_help(text));
            }
            let _ = writeln!(out, "# TYPE {name} histogram");
            for (labels, series) in series {
                let separator = if labels.is_empty() { "" } else { "," };
                let mut cumulative = 0_u64;
                for (index, count) in series.counts.iter().enumerate() {
                    cumulative += count.load(Ordering::Relaxed);
                    let bound = series
                        .bounds
                        .get(index)
                        .map_or_else(|| "+Inf".to_owned(), |bound| bound.to_string());
                    let _ = writeln!(
                        out,
                        "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {cumulative}"
                    );
                }
                let braces = if labels.is_empty() {
                    String::new()
                } else {
                    format!("{{{labels}}}")
                };
                let sum = f64::from_bits(series.sum.load(Ordering::Relaxed));
                let _ = writeln!(out, "{name}_sum{braces} {sum}");
                let _ = writeln!(out, "{name}_count{braces} {cumulative}");
            }
            out.push('\n');
        }
    }
}

/// Metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`, other characters become `_`.
fn sanitize_name(name: &str) -> String {
    name.char_indices()
        .map(|(index, c)| {
            let valid = c.is_ascii_alphabetic()
                || c == '_'
                || c == ':'
                || (index > 0 && c.is_ascii_digit());
            if valid { c } else { '_' }
        })
        .collect()
}

/// Label names: `[a-zA-Z_][a-zA-Z0-9_]*`, other characters become `_`.
fn sanitize_label(name: &str) -> String {
    name.char_indices()
        .map(|(index, c)| {
            let valid = c.is_ascii_alphabetic() || c == '_' || (index > 0 && c.is_ascii_digit());
            if valid { c } else { '_' }
        })
        .collect()
}

fn escape_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The buckets of a histogram declared in the catalogue after the exporter
/// was built (a job tracker or middleware layer created after `install()`),
/// so late declarations keep their buckets instead of silently getting the
/// default. Looked up whenever a series of a metric the store has no bounds
/// for is created, never when recording. Invalid run-time declarations fall
/// back to the default, with a warning.
fn declared_after_build(name: &str) -> Option<Arc<[f64]>> {
    let catalogue = vitals::catalogue();
    let declared = catalogue.descriptors().iter().find(|descriptor| {
        descriptor.name() == name
            && descriptor.kind() == vitals::catalogue::MetricKind::Histogram
            && !descriptor.buckets().is_empty()
    })?;
    match checked_buckets(name, declared.buckets()) {
        Ok(bounds) => Some(bounds.into()),
        Err(error) => {
            tracing::warn!(%error, "using the default buckets");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histograms() -> Histograms {
        Histograms::new(&StoreConfig {
            default_buckets: vec![1.0, 5.0],
            buckets: vec![("latency_seconds".to_owned(), vec![0.1, 0.5])],
        })
    }

    #[test]
    fn renders_cumulative_buckets_sum_and_count() {
        let histograms = histograms();
        histograms.describe(
            KeyName::from("latency_seconds"),
            SharedString::from("Time \\ taken.\nPer call."),
        );
        let key = Key::from_parts(
            "latency_seconds",
            vec![metrics::Label::new("method", "Get\"x\"")],
        );
        let handle = histograms.register(&key);
        for value in [0.05, 0.1, 0.3, 2.0, f64::NAN] {
            handle.record(value);
        }
        let _unused = histograms.register(&Key::from_name("jobs_seconds"));
        let mut out = String::new();
        histograms.render(&mut out);
        assert_eq!(
            out,
            "# TYPE jobs_seconds histogram\n\
             jobs_seconds_bucket{le=\"1\"} 0\njobs_seconds_bucket{le=\"5\"} 0\njobs_seconds_bucket{le=\"+Inf\"} 0\n\
             jobs_seconds_sum 0\njobs_seconds_count 0\n\n\
             # HELP latency_seconds Time \\\\ taken.\\nPer call.\n# TYPE latency_seconds histogram\n\
             latency_seconds_bucket{method=\"Get\\\"x\\\"\",le=\"0.1\"} 2\n\
             latency_seconds_bucket{method=\"Get\\\"x\\\"\",le=\"0.5\"} 3\n\
             latency_seconds_bucket{method=\"Get\\\"x\\\"\",le=\"+Inf\"} 5\n\
             latency_seconds_sum{method=\"Get\\\"x\\\"\"} NaN\nlatency_seconds_count{method=\"Get\\\"x\\\"\"} 5\n\n"
        );
    }

    #[test]
    fn a_key_registered_twice_is_one_series() {
        let histograms = histograms();
        let key = Key::from_name("jobs_seconds");
        histograms.register(&key).record(3.0);
        histograms.register(&key).record(4.0);
        let mut out = String::new();
        histograms.render(&mut out);
        assert!(out.contains("jobs_seconds_bucket{le=\"5\"} 2\n"), "{out}");
        assert!(out.contains("jobs_seconds_sum 7\n"), "{out}");
    }
}
