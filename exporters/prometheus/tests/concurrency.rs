//! Scrapes running during heavy recording from several threads: recording
//! keeps going while scrapes render, scrapes see counts only grow, and no
//! increment is lost.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Running, get};
use vitals::instrument_rpc;
use vitals_prometheus::{BuildInfo, Exporter};

const THREADS: u64 = 4;
/// Each recording thread makes at least this many calls...
const MIN_CALLS_PER_THREAD: u64 = 20_000;
/// ...and keeps going until this many scrapes have completed.
const SCRAPES: usize = 8;

#[instrument_rpc(prefix = "load", method = "Work")]
fn work(i: u64) -> Result<u64, ()> {
    if i % 10 == 0 { Err(()) } else { Ok(i) }
}

fn value_of(body: &str, series: &str) -> Option<f64> {
    let scrape =
        prometheus_parse::Scrape::parse(body.lines().map(|line| Ok(line.to_owned()))).ok()?;
    scrape.samples.iter().find_map(|sample| {
        let labels = if sample.labels.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", sample.labels)
        };
        let name = format!("{}{labels}", sample.metric);
        let value = match sample.value {
            prometheus_parse::Value::Counter(value) | prometheus_parse::Value::Untyped(value) => {
                value
            }
            _ => f64::NAN,
        };
        (name == series).then_some(value)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrapes_during_heavy_recording_lose_nothing_and_block_nothing() {
    let exporter = Exporter::builder(BuildInfo::new("load", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .install()
        .unwrap();
    // A large exposition, so each render takes real time.
    for i in 0..500 {
        metrics::gauge!("load_filler", "n" => i.to_string()).set(1.0);
    }
    let server = Running::exporter(&exporter).await;
    let address = server.address;

    let done = Arc::new(AtomicBool::new(false));
    let scrapes = Arc::new(AtomicUsize::new(0));
    let scraper = {
        let (done, scrapes) = (Arc::clone(&done), Arc::clone(&scrapes));
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while !done.load(Ordering::Acquire) {
                let body = get(address, "/metrics", &[]).await.body;
                seen.push(value_of(&body, "load_raw_total").unwrap_or(0.0));
                scrapes.fetch_add(1, Ordering::AcqRel);
            }
            seen
        })
    };

    let recorders: Vec<_> = (0..THREADS)
        .map(|_| {
            let scrapes = Arc::clone(&scrapes);
            std::thread::spawn(move || {
                let raw = metrics::counter!("load_raw_total");
                let mut slowest = Duration::ZERO;
                let (mut calls, mut errors) = (0_u64, 0_u64);
                while calls < MIN_CALLS_PER_THREAD || scrapes.load(Ordering::Acquire) < SCRAPES {
                    let started = Instant::now();
                    errors += u64::from(work(calls).is_err());
                    raw.increment(1);
                    slowest = slowest.max(started.elapsed());
                    calls += 1;
                }
                (calls, errors, slowest)
            })
        })
        .collect();
    let results = tokio::task::spawn_blocking(move || {
        recorders
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    done.store(true, Ordering::Release);
    let seen = scraper.await.unwrap();
    let total: u64 = results.iter().map(|(calls, _, _)| calls).sum();
    let errors: u64 = results.iter().map(|(_, errors, _)| errors).sum();
    let slowest = results
        .iter()
        .map(|(_, _, slowest)| *slowest)
        .max()
        .unwrap();

    // Scrapes ran while recording was going on and saw it progress.
    let intermediate = seen
        .iter()
        .filter(|value| **value > 0.0 && **value < total as f64)
        .count();
    assert!(
        intermediate >= SCRAPES - 2,
        "only {intermediate} scrapes overlapped the recording: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|pair| pair[0] <= pair[1]),
        "a count went backwards: {seen:?}"
    );
    // No call waited on a scrape for long (a generous bound: the machine is shared).
    assert!(
        slowest < Duration::from_millis(500),
        "a recording call took {slowest:?}"
    );

    // Exact final counts: nothing lost.
    let body = get(address, "/metrics", &[]).await.body;
    assert_eq!(value_of(&body, "load_raw_total"), Some(total as f64));
    assert_eq!(
        value_of(
            &body,
            "load_requests_total{method=\"Work\",status=\"error\"}"
        ),
        Some(errors as f64)
    );
    assert_eq!(
        value_of(&body, "load_requests_total{method=\"Work\",status=\"ok\"}"),
        Some((total - errors) as f64)
    );
    let histogram =
        prometheus_parse::Scrape::parse(body.lines().map(|line| Ok(line.to_owned()))).unwrap();
    let durations = histogram
        .samples
        .iter()
        .find(|sample| sample.metric == "load_request_duration_seconds")
        .expect("the duration histogram is exported");
    match &durations.value {
        prometheus_parse::Value::Histogram(buckets) => {
            assert_eq!(buckets.last().unwrap().count, total as f64)
        }
        other => panic!("not a histogram: {other:?}"),
    }
    assert!(
        body.contains("load_requests_in_flight{method=\"Work\"} 0\n"),
        "in-flight gauge not back to 0"
    );
}
