//! A global allocator that counts this thread's allocations, for the
//! zero-allocation tests. A test binary opts in with
//! `#[global_allocator] static ALLOCATOR: CountingAllocator = CountingAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to the system allocator, counting allocations per thread.
pub struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
#[allow(unsafe_code)] // a test allocator: implementing `GlobalAlloc` requires `unsafe`
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations made by this thread so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// Warm-up calls of [`allocations_per_call`], not counted.
pub const WARM_UP: u64 = 10;
/// Calls [`allocations_per_call`] counts, after its warm-up.
pub const CALLS: u64 = 200;

/// Allocations this thread makes per `call`, after [`WARM_UP`] calls (so
/// handles, caches and pools exist). Run it on a current-thread runtime:
/// only this thread's allocations are counted.
pub async fn allocations_per_call<F: std::future::Future<Output = ()>>(
    mut call: impl FnMut() -> F,
) -> u64 {
    for _ in 0..WARM_UP {
        call().await;
    }
    let before = allocations();
    for _ in 0..CALLS {
        call().await;
    }
    (allocations() - before) / CALLS
}
