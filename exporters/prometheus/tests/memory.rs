//! Histogram memory stays bounded when nobody scrapes: observations are
//! counted into fixed buckets, not buffered until a drain (the stock
//! recorder buffers 16.5 bytes per observation, 33 MB for this test).

use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, Format};

/// Resident set size of this process, from `/proc/self/status`.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .expect("VmRSS line");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[test]
fn two_million_unscraped_observations_take_no_memory() {
    let exporter = Exporter::builder(BuildInfo::new("mem", "1"))
        .health(HealthRegistry::new())
        .build()
        .unwrap();
    let histogram = metrics::with_local_recorder(exporter.recorder(), || {
        metrics::histogram!("mem_wait_seconds")
    });
    histogram.record(0.01);
    let before = resident_bytes();
    for i in 0..2_000_000_u32 {
        histogram.record(f64::from(i % 1000) / 100.0);
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 4 * 1024 * 1024,
        "2 M observations grew the process by {grown} bytes"
    );
    let text = exporter.render(Format::Text);
    assert!(text.contains("mem_wait_seconds_count 2000001\n"), "{text}");
}
