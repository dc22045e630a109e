//! Assert what code records, without installing a global recorder.
//!
//! The counterpart of client_golang's `testutil`: run code under a
//! [`CapturingRecorder`], then ask for one series by name and labels.
//!
//! ```
//! #[vitals::instrument_rpc(prefix = "billing")]
//! fn charge(cents: u64) -> Result<(), String> {
//!     if cents > 0 { Ok(()) } else { Err("nothing to charge".into()) }
//! }
//!
//! let recorded = vitals::testing::capture(|| {
//!     charge(100).unwrap();
//!     charge(0).unwrap_err();
//! });
//! assert_eq!(recorded.counter("billing_requests_total", &[("method", "charge"), ("status", "ok")]), Some(1));
//! assert_eq!(recorded.counter("billing_requests_total", &[("method", "charge"), ("status", "error")]), Some(1));
//! // A series that was never recorded is `None`, not zero.
//! assert_eq!(recorded.counter("billing_requests_total", &[("method", "refund"), ("status", "ok")]), None);
//! ```
//!
//! Async code is captured with [`capture_async`]; the recorder is set around
//! every poll, so the future may move between threads.
//!
//! Both set a *local* recorder, which only the code they run sees. A server
//! spawned on the runtime (axum, tonic: hyper handles each request in a
//! task of its own) records outside it, so a local capture around a spawned
//! server sees nothing of its requests. For those, [`capture_process`]
//! captures the whole process (it installs a global recorder, once) and
//! reports what changed during the capture.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! #[vitals::instrument_rpc(prefix = "billing")]
//! async fn refund() {}
//!
//! let recorded = vitals::testing::capture_async(async { refund().await }).await;
//! assert_eq!(recorded.counter("billing_requests_total", &[("method", "refund"), ("status", "ok")]), Some(1));
//! # }
//! ```

mod captured;
mod process;
mod recorder;

pub use self::captured::{Captured, Series, Value};
pub use self::process::{ProcessCapture, capture_process};
pub use self::recorder::{CapturingRecorder, WithRecorder, with_local_recorder_async};

/// Runs `f` with a fresh [`CapturingRecorder`] as this thread's recorder and
/// returns what it recorded.
pub fn capture(f: impl FnOnce()) -> Captured {
    let recorder = CapturingRecorder::new();
    recorder.run(f);
    recorder.snapshot()
}

/// Drives `future` with a fresh [`CapturingRecorder`] set around every poll
/// and returns what it recorded.
pub async fn capture_async<F: std::future::Future>(future: F) -> Captured {
    let recorder = CapturingRecorder::new();
    recorder.run_async(future).await;
    recorder.snapshot()
}
