//! Render cost of one scrape, at two sizes, in one process:
//!
//! - large: 100 counter families of 1,000 series each (two labels), plus
//!   10 histogram families of 500 series (12 buckets): 100,000 + 5,000;
//! - small: a tenth of each, 10,000 + 500.
//!
//! Contenders: the `vitals-prometheus` store (text 0.0.4, OpenMetrics, and
//! text then gzip at the level `/metrics` uses), the stock
//! metrics-exporter-prometheus recorder, and prometheus-client 0.24's text
//! encoder. Each holds the same series with the same values.
//!
//! Before the benches it prints the exposition sizes (plain and gzipped) and
//! the resident memory each store takes per counter series.
//!
//! Run with `cargo bench -p vitals-bench-render --bench render`; figures go
//! in BENCHMARKS.md.

use std::hint::black_box;
use std::io::Write as _;

use criterion::{Criterion, criterion_group};
use metrics::{Key, Label, Level, Metadata, Recorder};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::{counter::Counter, family::Family, histogram::Histogram};
use vitals_prometheus::{BuildInfo, Exporter};

const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static METADATA: Metadata<'static> = Metadata::new("bench", Level::INFO, None);

/// A size: counter families x series each, histogram families x series each.
#[derive(Clone, Copy)]
struct Size {
    name: &'static str,
    counter_families: usize,
    counters_per_family: usize,
    histogram_families: usize,
    histograms_per_family: usize,
}

const LARGE: Size = Size {
    name: "100k_counters_5k_histograms",
    counter_families: 100,
    counters_per_family: 1000,
    histogram_families: 10,
    histograms_per_family: 500,
};
const SMALL: Size = Size {
    name: "10k_counters_500_histograms",
    counter_families: 10,
    counters_per_family: 1000,
    histogram_families: 1,
    histograms_per_family: 500,
};

/// The two labels of series `i`.
fn labels(i: usize) -> [(String, String); 2] {
    [
        ("method".to_owned(), format!("Method{}", i % 50)),
        ("shard".to_owned(), format!("{}", i / 50)),
    ]
}

/// Registers every series of `size` in `recorder` with values.
fn fill_facade(recorder: &dyn Recorder, size: Size) {
    for family in 0..size.counter_families {
        let name = format!("bench_calls_{family}_total");
        for i in 0..size.counters_per_family {
            let labels: Vec<Label> = labels(i)
                .into_iter()
                .map(|(key, value)| Label::new(key, value))
                .collect();
            let key = Key::from_parts(name.clone(), labels);
            recorder
                .register_counter(&key, &METADATA)
                .increment(i as u64 + 1);
        }
    }
    for family in 0..size.histogram_families {
        let name = format!("bench_wait_{family}_seconds");
        for i in 0..size.histograms_per_family {
            let labels: Vec<Label> = labels(i)
                .into_iter()
                .map(|(key, value)| Label::new(key, value))
                .collect();
            let histogram =
                recorder.register_histogram(&Key::from_parts(name.clone(), labels), &METADATA);
            for value in [0.003, 0.07, 0.7, 4.0] {
                histogram.record(value);
            }
        }
    }
}

fn vitals_store(size: Size) -> Exporter {
    let exporter = Exporter::builder(BuildInfo::new("bench", "1"))
        .default_buckets(&BUCKETS)
        .expect("valid buckets")
        .process_metrics(false)
        .scrape_metrics(false)
        .build()
        .expect("an exporter");
    fill_facade(exporter.recorder(), size);
    exporter
}

fn stock_store(size: Size) -> metrics_exporter_prometheus::PrometheusHandle {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&BUCKETS)
        .expect("valid buckets")
        .build_recorder();
    fill_facade(&recorder, size);
    recorder.handle()
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Labels {
    method: String,
    shard: String,
}

fn client_registry(size: Size) -> prometheus_client::registry::Registry {
    let mut registry = prometheus_client::registry::Registry::default();
    for family in 0..size.counter_families {
        let counters = Family::<Labels, Counter>::default();
        for i in 0..size.counters_per_family {
            let [(_, method), (_, shard)] = labels(i);
            counters
                .get_or_create(&Labels { method, shard })
                .inc_by(i as u64 + 1);
        }
        registry.register(format!("bench_calls_{family}"), "Calls.", counters);
    }
    for family in 0..size.histogram_families {
        let histograms = Family::<Labels, Histogram>::new_with_constructor(
            (|| Histogram::new(BUCKETS)) as fn() -> Histogram,
        );
        for i in 0..size.histograms_per_family {
            let [(_, method), (_, shard)] = labels(i);
            let histogram = histograms.get_or_create(&Labels { method, shard });
            for value in [0.003, 0.07, 0.7, 4.0] {
                histogram.observe(value);
            }
        }
        registry.register(format!("bench_wait_{family}_seconds"), "Waits.", histograms);
    }
    registry
}

fn client_render(registry: &prometheus_client::registry::Registry) -> String {
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, registry).expect("encodes");
    out
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).expect("into a Vec");
    encoder.finish().expect("into a Vec")
}

/// Resident set size of this process, from `/proc/self/status`.
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<usize>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Resident bytes per counter series that `make` costs, for 100,000 series.
fn bytes_per_series<T>(make: impl FnOnce(Size) -> T) -> (f64, T) {
    let size = Size {
        name: "memory",
        counter_families: 100,
        counters_per_family: 1000,
        histogram_families: 0,
        histograms_per_family: 0,
    };
    let before = resident_bytes();
    let kept = make(size);
    let grown = resident_bytes().saturating_sub(before);
    (grown as f64 / 100_000.0, kept)
}

fn report_memory() {
    // First thing in the process, each kept alive while the next is made,
    // so no one reuses memory another freed.
    let (vitals, kept_vitals) = bytes_per_series(vitals_store);
    let (stock, kept_stock) = bytes_per_series(stock_store);
    let (client, kept_client) = bytes_per_series(client_registry);
    println!(
        "resident bytes per counter series (100,000 series, two labels): vitals {vitals:.0}, stock {stock:.0}, prometheus-client {client:.0}"
    );
    drop((kept_vitals, kept_stock, kept_client));
}

fn report_sizes() {
    for size in [LARGE, SMALL] {
        let vitals = vitals_store(size);
        let text = vitals.store().render_text();
        let stock = stock_store(size).render();
        let client = client_render(&client_registry(size));
        println!(
            "{}: vitals text {} B ({} B gzipped), openmetrics {} B; stock {} B; prometheus-client {} B",
            size.name,
            text.len(),
            gzip(&text).len(),
            vitals.store().render_openmetrics().len(),
            stock.len(),
            client.len(),
        );
    }
}

fn render(c: &mut Criterion) {
    report_sizes();
    for size in [LARGE, SMALL] {
        let vitals = vitals_store(size);
        let store = vitals.store();
        let stock = stock_store(size);
        let client = client_registry(size);
        let mut group = c.benchmark_group(size.name);
        group.sample_size(10);
        group.bench_function("vitals_text", |b| b.iter(|| black_box(store.render_text())));
        group.bench_function("vitals_openmetrics", |b| {
            b.iter(|| black_box(store.render_openmetrics()))
        });
        group.bench_function("vitals_text_gzip", |b| {
            b.iter(|| black_box(gzip(&store.render_text())))
        });
        group.bench_function("stock", |b| b.iter(|| black_box(stock.render())));
        group.bench_function("prometheus_client", |b| {
            b.iter(|| black_box(client_render(&client)))
        });
        group.finish();
    }
}

criterion_group!(benches, render);

fn main() {
    report_memory();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
