//! `/debug/pprof/heap`: jemalloc's heap profile (the sampled allocations
//! live now, with their stacks) in pprof's gzipped protobuf format, as Go's
//! `net/http/pprof` serves it; `go tool pprof http://host:port/debug/pprof/heap`
//! reads it.
//!
//! It needs the application's global allocator to be `tikv-jemallocator`
//! (feature `profiling`) started with profiling on, as
//! `examples/replicated-log/src/main.rs` does (and compiles):
//!
//! ```text
//! #[global_allocator]
//! static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
//!
//! // jemalloc reads its options from this symbol before `main`.
//! #[allow(unsafe_code, non_upper_case_globals)]
//! #[unsafe(export_name = "_rjem_malloc_conf")]
//! static malloc_conf: &[u8] = b"prof:true,prof_active:true,lg_prof_sample:19\0";
//! ```
//!
//! (or `_RJEM_MALLOC_CONF=prof:true` in the environment). Otherwise the
//! endpoint answers 501 saying so.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

const OFF: &str = "heap profiling is off: the process's allocator must be `tikv-jemallocator` \
                   (feature `profiling`) started with `prof:true` in its `malloc_conf` or in \
                   `_RJEM_MALLOC_CONF`\n";

pub(super) async fn heap() -> Response {
    // Read first: `PROF_CTL` expects jemalloc to know the option.
    if !tikv_jemalloc_ctl::profiling::prof::read().unwrap_or(false) {
        return (StatusCode::NOT_IMPLEMENTED, OFF).into_response();
    }
    let Some(control) = jemalloc_pprof::PROF_CTL.as_ref().map(Arc::clone) else {
        return (StatusCode::NOT_IMPLEMENTED, OFF).into_response();
    };
    let dumped = tokio::task::spawn_blocking(move || {
        let mut control = control.blocking_lock();
        if !control.activated() {
            return Err("heap profiling is not active: `prof_active` is false".to_owned());
        }
        control.dump_pprof().map_err(|error| error.to_string())
    })
    .await;
    match dumped {
        Ok(Ok(body)) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"heap.pb.gz\"",
                ),
            ],
            body,
        )
            .into_response(),
        Ok(Err(reason)) => {
            tracing::error!(%reason, "the heap profile failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the heap profile failed: {reason}\n"),
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "the heap profile's task failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the heap profile failed\n",
            )
                .into_response()
        }
    }
}
