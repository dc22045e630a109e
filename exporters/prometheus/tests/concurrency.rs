//! Recording from several threads while the store renders and runs its
//! upkeep: scrapes see counts only grow, recording is never held up, and no
//! observation or increment is lost, through HTTP and in the store itself.

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

/// Writers in the direct store test; each records at least
/// `MIN_OBSERVATIONS` observations and keeps going until `MIN_RENDERS`
/// renders have overlapped them.
const WRITERS: usize = 4;
const MIN_OBSERVATIONS: usize = 50_000;
const MIN_RENDERS: usize = 20;
/// Bucket bounds of `store_work_seconds`.
const BOUNDS: [f64; 4] = [0.5, 1.0, 2.0, 4.0];
/// Observed in turn; binary fractions, so every sum is exact in `f64`.
const VALUES: [f64; 5] = [0.25, 0.5, 1.5, 3.0, 6.0];

/// The value of the sample `series` (name and labels exactly as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// What `count` observations cycling through [`VALUES`] add up to: the
/// cumulative count per bound (then `+Inf`) and the sum.
fn expected(count: usize) -> (Vec<f64>, f64) {
    let observed = || (0..count).map(|i| VALUES[i % VALUES.len()]);
    let mut cumulative: Vec<f64> = BOUNDS
        .iter()
        .map(|bound| observed().filter(|value| value <= bound).count() as f64)
        .collect();
    cumulative.push(count as f64);
    (cumulative, observed().sum())
}

/// The histogram `name{labels}` in `text`: cumulative bucket counts (then
/// `+Inf`), `_count` and `_sum`; `None` for a missing sample.
fn histogram(text: &str, labels: &str) -> (Vec<Option<f64>>, Option<f64>, Option<f64>) {
    let separator = if labels.is_empty() { "" } else { "," };
    let buckets = BOUNDS
        .iter()
        .map(ToString::to_string)
        .chain(std::iter::once("+Inf".to_owned()))
        .map(|bound| {
            sample(
                text,
                &format!("store_work_seconds_bucket{{{labels}{separator}le=\"{bound}\"}}"),
            )
        })
        .collect();
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    (
        buckets,
        sample(text, &format!("store_work_seconds_count{braces}")),
        sample(text, &format!("store_work_seconds_sum{braces}")),
    )
}

/// The default store under concurrent writers, renders and upkeeps: the
/// writers share one histogram series and one counter, and each also has a
/// series of its own, while another thread renders (text and OpenMetrics)
/// and runs upkeep without pause. Intermediate renders must be consistent
/// (counts only grow, `_count` equals `+Inf`) and the final one must hold
/// exactly what was recorded. A store that drains buffered observations at
/// render or upkeep and drops some (as the stock recorder's histograms can),
/// or that loses racing updates, fails here.
#[test]
fn concurrent_recording_rendering_and_upkeep_lose_nothing() {
    let exporter = Exporter::builder(BuildInfo::new("store", "1.0.0"))
        .buckets_for_metric("store_work_seconds", &BOUNDS)
        .unwrap()
        .build()
        .unwrap();
    let store = exporter.store();
    let writing = AtomicUsize::new(WRITERS);
    let renders = AtomicUsize::new(0);
    let recorded: Vec<usize> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (exporter, writing, renders) = (&exporter, &writing, &renders);
                scope.spawn(move || {
                    let mut recorded = 0;
                    metrics::with_local_recorder(exporter.recorder(), || {
                        let shared = metrics::histogram!("store_work_seconds");
                        let own = metrics::histogram!("store_work_seconds", "writer" => writer.to_string());
                        let calls = metrics::counter!("store_work_total");
                        while recorded < MIN_OBSERVATIONS
                            || renders.load(Ordering::Acquire) < MIN_RENDERS
                        {
                            let value = VALUES[recorded % VALUES.len()];
                            shared.record(value);
                            own.record(value);
                            calls.increment(1);
                            recorded += 1;
                        }
                    });
                    writing.fetch_sub(1, Ordering::AcqRel);
                    recorded
                })
            })
            .collect();
        scope.spawn(|| {
            let mut last_count = 0.0;
            while writing.load(Ordering::Acquire) > 0 {
                let text = store.render_text();
                let (buckets, count, _) = histogram(&text, "");
                if let Some(count) = count {
                    assert_eq!(
                        buckets.last().copied().flatten(),
                        Some(count),
                        "`_count` is not the `+Inf` bucket in\n{text}"
                    );
                    assert!(
                        count >= last_count,
                        "the count went from {last_count} to {count}"
                    );
                    last_count = count;
                }
                store.run_upkeep();
                let _ = store.render_openmetrics();
                renders.fetch_add(1, Ordering::AcqRel);
            }
        });
        writers
            .into_iter()
            .map(|writer| writer.join().unwrap())
            .collect()
    });

    let text = store.render_text();
    let renders = renders.into_inner();
    let mut shared = (vec![0.0; BOUNDS.len() + 1], 0.0, 0.0);
    for (writer, &count) in recorded.iter().enumerate() {
        let (buckets, sum) = expected(count);
        assert_eq!(
            histogram(&text, &format!("writer=\"{writer}\"")),
            (
                buckets.iter().copied().map(Some).collect(),
                Some(count as f64),
                Some(sum)
            ),
            "writer {writer}'s series after {renders} concurrent renders"
        );
        // The shared series holds every writer's observations.
        for (total, bucket) in shared.0.iter_mut().zip(&buckets) {
            *total += bucket;
        }
        shared.1 += count as f64;
        shared.2 += sum;
    }
    assert_eq!(
        histogram(&text, ""),
        (
            shared.0.into_iter().map(Some).collect(),
            Some(shared.1),
            Some(shared.2)
        ),
        "the shared series after {renders} concurrent renders"
    );
    let total: usize = recorded.iter().sum();
    assert_eq!(sample(&text, "store_work_total"), Some(total as f64));
}

/// Gauges keep per-thread cells of increments: `increment`/`decrement`
/// from many threads (some of which end before the scrape) must add up
/// exactly, a render in the middle must never see a value no interleaving
/// could produce, and `set` from one thread must win over the increments
/// other threads made before it.
#[test]
fn gauges_are_exact_across_threads_and_set_wins_over_earlier_increments() {
    let exporter = Exporter::builder(BuildInfo::new("store", "1.0.0"))
        .build()
        .unwrap();
    let store = exporter.store();
    let value = |text: &str| sample(text, "store_active");
    let gauge =
        metrics::with_local_recorder(exporter.recorder(), || metrics::gauge!("store_active"));
    let writing = AtomicUsize::new(WRITERS);
    std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            let (gauge, writing) = (gauge.clone(), &writing);
            scope.spawn(move || {
                for _ in 0..MIN_OBSERVATIONS {
                    gauge.increment(1.0);
                    gauge.decrement(1.0);
                }
                gauge.increment(1.0);
                writing.fetch_sub(1, Ordering::AcqRel);
            });
        }
        scope.spawn(|| {
            while writing.load(Ordering::Acquire) > 0 {
                let seen = value(&store.render_text()).expect("the gauge is exported");
                // Each writer holds 0 or 1 during its loop and 1 after it.
                assert!(
                    (0.0..=WRITERS as f64).contains(&seen),
                    "the gauge read {seen}"
                );
            }
        });
    });
    assert_eq!(value(&store.render_text()), Some(WRITERS as f64));

    // `set` on another thread than the incrementers: it wins over them.
    std::thread::scope(|scope| {
        scope.spawn(|| gauge.set(10.0));
    });
    assert_eq!(value(&store.render_text()), Some(10.0));
    // Then short-lived threads add +2 each; their cells outlive them.
    for _ in 0..8 {
        let gauge = gauge.clone();
        std::thread::spawn(move || {
            for _ in 0..5 {
                gauge.increment(1.0);
            }
            for _ in 0..3 {
                gauge.decrement(1.0);
            }
        })
        .join()
        .unwrap();
    }
    assert_eq!(value(&store.render_text()), Some(26.0));
    gauge.set(3.0);
    gauge.increment(0.5);
    assert_eq!(value(&store.render_text()), Some(3.5));
}

/// Counters recorded by threads that have since ended keep their counts:
/// a thread's cells pass to the next thread that takes its slot, and are
/// never counted twice or dropped, whichever way that races a render.
#[test]
fn counts_of_ended_threads_are_kept_exactly() {
    let exporter = Exporter::builder(BuildInfo::new("store", "1.0.0"))
        .build()
        .unwrap();
    let store = exporter.store();
    let counter = metrics::with_local_recorder(exporter.recorder(), || {
        metrics::counter!("store_done_total")
    });
    let spawning = AtomicBool::new(true);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut last = 0.0;
            while spawning.load(Ordering::Acquire) {
                let seen = sample(&store.render_text(), "store_done_total").unwrap_or(0.0);
                assert!(seen >= last, "the count went from {last} to {seen}");
                last = seen;
            }
        });
        for _ in 0..200 {
            let counter = counter.clone();
            std::thread::spawn(move || counter.increment(3))
                .join()
                .unwrap();
        }
        spawning.store(false, Ordering::Release);
    });
    assert_eq!(
        sample(&store.render_text(), "store_done_total"),
        Some(600.0)
    );
    let openmetrics = store.render_openmetrics();
    assert!(
        openmetrics.contains("\nstore_done_total 600\n"),
        "{openmetrics}"
    );
}
