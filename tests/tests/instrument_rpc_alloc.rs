//! After warm-up, an instrumented call allocates nothing.
//!
//! A counting global allocator counts this thread's allocations while
//! instrumented sync and async fns run under a global recorder whose own
//! handles do not allocate (`CapturingRecorder`), so every allocation counted
//! would be the instrumentation's own.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use support::alloc::{CountingAllocator, allocations};
use vitals::instrument_rpc;
use vitals::testing::CapturingRecorder;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[instrument_rpc(prefix = "alloc", buckets = [0.001, 0.1])]
fn sync_call(code: u8) -> tonic::Code {
    // `tonic::Code`, not `tonic::Status`: building a `Status` allocates its
    // message, which would be the body's allocation, not the instrumentation's.
    match code {
        0 => tonic::Code::Ok,
        1 => tonic::Code::NotFound,
        _ => tonic::Code::Internal,
    }
}

#[instrument_rpc(prefix = "alloc")]
async fn async_call(fail: bool) -> Result<(), &'static str> {
    if fail { Err("no") } else { Ok(()) }
}

fn poll_to_completion<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[test]
fn no_allocation_per_call_after_warm_up() {
    let recorder = CapturingRecorder::new();
    metrics::set_global_recorder(recorder.clone()).expect("first global recorder");
    vitals::global_recorder_installed();

    // Warm-up: the first call of each site and status resolves its handles.
    for code in 0..3 {
        let _ = sync_call(code);
    }
    poll_to_completion(async_call(false)).unwrap();
    poll_to_completion(async_call(true)).unwrap_err();

    const CALLS: u64 = 10_000;
    let before = allocations();
    for call in 0..CALLS {
        let _ = sync_call((call % 3) as u8);
        let _ = poll_to_completion(async_call(call % 3 == 0));
    }
    let allocated = allocations() - before;
    assert_eq!(
        allocated, 0,
        "{allocated} allocations in {CALLS} instrumented call pairs"
    );

    // The same calls under a local recorder resolve handles per call and do
    // allocate: the count above covers the instrumentation's path.
    let local = CapturingRecorder::new();
    let before = allocations();
    metrics::with_local_recorder(&local, || sync_call(0));
    assert!(
        allocations() > before,
        "resolving handles per call allocates"
    );

    let snapshot = recorder.snapshot();
    let sync_calls: u64 = ["OK", "NotFound", "Internal"]
        .iter()
        .map(|status| {
            snapshot
                .counter(
                    "alloc_requests_total",
                    &[("method", "sync_call"), ("status", status)],
                )
                .unwrap()
        })
        .sum();
    assert_eq!(sync_calls, 3 + CALLS);
    let async_calls = snapshot
        .counter(
            "alloc_requests_total",
            &[("method", "async_call"), ("status", "ok")],
        )
        .unwrap()
        + snapshot
            .counter(
                "alloc_requests_total",
                &[("method", "async_call"), ("status", "error")],
            )
            .unwrap();
    assert_eq!(async_calls, 2 + CALLS);
}

#[test]
fn the_counting_allocator_counts() {
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(5u64));
    assert!(
        allocations() > before,
        "the allocator must see this allocation"
    );
    drop(boxed);
}
