//! Capturing what a spawned in-process server records.
//!
//! [`capture`](super::capture) and [`capture_async`](super::capture_async)
//! set a *local* recorder: on this thread, or around the polls of one
//! future. A server spawned with `tokio::spawn` (axum, tonic) handles each
//! connection and request in tasks of its own, which never see that
//! recorder, so a local capture around a spawned server records nothing
//! (and zero series a layer pre-creates at build time can make `Some(0)`
//! look like an answer). [`capture_process`] installs one
//! [`CapturingRecorder`] as the process's global recorder, the first time
//! it is called, and measures what changes from the call to
//! [`ProcessCapture::finish`]: whatever task or thread records it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::captured::{Captured, Value};
use super::recorder::CapturingRecorder;

/// The process's capturing recorder, installed by the first [`capture_process`].
static PROCESS: OnceLock<CapturingRecorder> = OnceLock::new();

/// Starts capturing what the whole process records: code on any thread, a
/// server spawned on any runtime, its connection tasks.
///
/// The first call installs a [`CapturingRecorder`] as the global recorder
/// (it panics if the process already has another global recorder: use this
/// in test binaries that install none). Tests of one binary share that
/// recorder and run in parallel, so each capture reports only what changed
/// since it started ([`ProcessCapture::finish`]) and each test should use
/// metric names or labels of its own, as with any process-wide registry.
///
/// ```
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)] async fn main() {
/// let capture = vitals::testing::capture_process();
/// // Recorded in a spawned task, which a local capture would not see.
/// tokio::spawn(async { metrics::counter!("doc_spawned_total").increment(2) })
///     .await
///     .unwrap();
/// let recorded = capture.finish();
/// assert_eq!(recorded.counter("doc_spawned_total", &[]), Some(2));
/// # }
/// ```
pub fn capture_process() -> ProcessCapture {
    let recorder = PROCESS.get_or_init(|| {
        let recorder = CapturingRecorder::new();
        metrics::set_global_recorder(recorder.clone()).unwrap_or_else(|_| {
            panic!(
                "`capture_process` installs the global recorder, but this process already has \
                 one: capture with that recorder, or run this test in a binary of its own"
            )
        });
        crate::global_recorder_installed();
        recorder
    });
    ProcessCapture {
        recorder,
        baseline: recorder.snapshot(),
    }
}

/// A running [`capture_process`]; [`finish`](Self::finish) says what changed.
#[must_use = "a capture reports nothing until `finish` is called"]
pub struct ProcessCapture {
    recorder: &'static CapturingRecorder,
    baseline: Captured,
}

impl ProcessCapture {
    /// What was recorded since the capture started: counters and histograms
    /// as the difference from the start, gauges at their current value.
    /// A series registered during the capture is present even at zero (a
    /// layer built during the test pre-created it); a series that existed
    /// before and did not change is absent.
    pub fn finish(self) -> Captured {
        let now = self.recorder.snapshot();
        let values: BTreeMap<_, _> = now
            .iter()
            .filter_map(|(series, value)| {
                let changed = match self.baseline.value_of(series) {
                    None => value.clone(),
                    Some(before) => since(before, value)?,
                };
                Some((series.clone(), changed))
            })
            .collect();
        Captured::new(values, now.descriptions().clone())
    }
}

/// The change from `before` to `now`, or `None` if there is none.
fn since(before: &Value, now: &Value) -> Option<Value> {
    match (before, now) {
        (Value::Counter(before), Value::Counter(now)) => {
            (now != before).then(|| Value::Counter(now - before))
        }
        (Value::Gauge(before), Value::Gauge(now)) => {
            (now.to_bits() != before.to_bits()).then_some(Value::Gauge(*now))
        }
        (
            Value::Histogram {
                count: count_before,
                sum: sum_before,
                ..
            },
            Value::Histogram {
                count,
                sum,
                min,
                max,
            },
        ) => (count != count_before).then(|| Value::Histogram {
            count: count - count_before,
            sum: sum - sum_before,
            // Extremes of the whole life of the series: a capture cannot
            // tell those of its own observations apart.
            min: *min,
            max: *max,
        }),
        _ => Some(now.clone()),
    }
}
