//! `#[instrument_rpc]` under a global recorder installed while the program
//! runs: calls before it are dropped, calls after it are recorded, counts
//! stay exact under concurrency, and local recorders still take precedence.
//!
//! One test, because a process has one global recorder and the order of
//! these steps matters.

use std::sync::Barrier;

use vitals::instrument_rpc;
use vitals::testing::CapturingRecorder;

#[instrument_rpc(prefix = "global")]
fn handle(fail: bool) -> Result<(), String> {
    if fail { Err("failed".into()) } else { Ok(()) }
}

#[instrument_rpc(prefix = "global")]
async fn handle_async(fail: bool) -> Result<(), String> {
    tokio::task::yield_now().await;
    if fail { Err("failed".into()) } else { Ok(()) }
}

const THREADS: u64 = 8;
const CALLS_PER_THREAD: u64 = 20_000;

#[test]
fn global_recorder_lifecycle() {
    // 1. No recorder yet: calls work and are dropped.
    for _ in 0..5 {
        handle(false).unwrap();
    }

    // 2. Install the global recorder while the program runs.
    let recorder = CapturingRecorder::new();
    metrics::set_global_recorder(recorder.clone()).expect("first global recorder");
    let ok = [("method", "handle"), ("status", "ok")];
    let error = [("method", "handle"), ("status", "error")];
    let in_flight = [("method", "handle")];

    handle(false).unwrap();
    handle(true).unwrap_err();
    let snapshot = recorder.snapshot();
    assert_eq!(
        snapshot.counter("global_requests_total", &ok),
        Some(1),
        "{snapshot}"
    );
    assert_eq!(
        snapshot.counter("global_requests_total", &error),
        Some(1),
        "{snapshot}"
    );

    // 3. Many threads on the same series: not one increment lost.
    let barrier = Barrier::new(THREADS as usize);
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let barrier = &barrier;
            scope.spawn(move || {
                barrier.wait();
                for call in 0..CALLS_PER_THREAD {
                    let _ = handle((call + thread) % 4 == 0);
                }
            });
        }
    });
    let errors_per_thread = CALLS_PER_THREAD / 4;
    let snapshot = recorder.snapshot();
    assert_eq!(
        snapshot.counter("global_requests_total", &ok),
        Some(1 + THREADS * (CALLS_PER_THREAD - errors_per_thread)),
        "{snapshot}"
    );
    assert_eq!(
        snapshot.counter("global_requests_total", &error),
        Some(1 + THREADS * errors_per_thread)
    );
    assert_eq!(
        snapshot.histogram_count("global_request_duration_seconds", &in_flight),
        Some(2 + THREADS * CALLS_PER_THREAD)
    );
    assert_eq!(
        snapshot.gauge("global_requests_in_flight", &in_flight),
        Some(0.0)
    );

    // 4. Async calls spread over a multi-threaded runtime.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..1_000)
            .map(|call| tokio::spawn(handle_async(call % 10 == 0)))
            .collect();
        for task in tasks {
            let _ = task.await.unwrap();
        }
    });
    let snapshot = recorder.snapshot();
    let async_ok = [("method", "handle_async"), ("status", "ok")];
    let async_error = [("method", "handle_async"), ("status", "error")];
    assert_eq!(
        snapshot.counter("global_requests_total", &async_ok),
        Some(900)
    );
    assert_eq!(
        snapshot.counter("global_requests_total", &async_error),
        Some(100)
    );
    assert_eq!(
        snapshot.gauge("global_requests_in_flight", &[("method", "handle_async")]),
        Some(0.0)
    );

    // 5. A local recorder still takes precedence on its thread.
    let before = recorder.snapshot().counter("global_requests_total", &ok);
    let local = vitals::testing::capture(|| handle(false).unwrap());
    assert_eq!(local.counter("global_requests_total", &ok), Some(1));
    assert_eq!(
        recorder.snapshot().counter("global_requests_total", &ok),
        before,
        "the global recorder must not see it"
    );
}
