//! The remote-write loop: render, queue, send, retry.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::Full;
use metrics::{Counter, Gauge, Key, KeyName, Label, Level, Metadata, SharedString, Unit};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::negotiate::Format;
use crate::outbound::{self, OutboundError};
use crate::remote_write::config::RemoteWrite;
use crate::remote_write::exposition::samples;
use crate::remote_write::write_request::encode;
use crate::shared::Shared;

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// One render, ready to send.
struct Pending {
    body: Bytes,
    samples: u64,
}

/// The writer's own counters, in the exporter's store.
struct Counters {
    sent: Counter,
    retried: Counter,
    queue_full: Counter,
    rejected: Counter,
    pending: Gauge,
}

impl Counters {
    fn new(shared: &Shared) -> Self {
        let recorder = shared.store.recorder();
        let describe = |name: &'static str, help: &'static str| {
            recorder.describe_counter(
                KeyName::from_const_str(name),
                Some(Unit::Count),
                SharedString::const_str(help),
            );
        };
        describe(
            "vitals_remote_write_sent_samples_total",
            "Samples the remote-write receiver accepted.",
        );
        describe(
            "vitals_remote_write_retried_samples_total",
            "Samples sent again after a connection error, a timeout or a 5xx answer.",
        );
        describe(
            "vitals_remote_write_dropped_samples_total",
            "Samples never written: the queue was full (reason=\"queue_full\") or the receiver refused them with a 4xx answer (reason=\"rejected\").",
        );
        recorder.describe_gauge(
            KeyName::from_const_str("vitals_remote_write_pending_requests"),
            None,
            SharedString::const_str("Renders waiting to be written."),
        );
        let counter =
            |name: &'static str| recorder.register_counter(&Key::from_static_name(name), &METADATA);
        let dropped = |reason: &'static str| {
            let key = Key::from_static_parts(
                "vitals_remote_write_dropped_samples_total",
                std::slice::from_ref(Box::leak(Box::new(Label::from_static_parts(
                    "reason", reason,
                )))),
            );
            recorder.register_counter(&key, &METADATA)
        };
        let counters = Self {
            sent: counter("vitals_remote_write_sent_samples_total"),
            retried: counter("vitals_remote_write_retried_samples_total"),
            queue_full: dropped("queue_full"),
            rejected: dropped("rejected"),
            pending: recorder.register_gauge(
                &Key::from_static_name("vitals_remote_write_pending_requests"),
                &METADATA,
            ),
        };
        // Exported at zero from the start, so `rate()` and alerts see them.
        for counter in [
            &counters.sent,
            &counters.retried,
            &counters.queue_full,
            &counters.rejected,
        ] {
            counter.increment(0);
        }
        counters.pending.set(0.0);
        counters
    }
}

/// What became of one attempt to send a request.
enum Outcome {
    Accepted,
    /// A 4xx answer: sending it again would get the same.
    Rejected,
    /// No answer, a timeout or a 5xx answer: try again later.
    Retry,
}

/// A running remote-write loop; [`finish`](Self::finish) writes a last time
/// and stops it.
#[derive(Debug)]
pub struct RemoteWriter {
    stop: oneshot::Sender<()>,
    task: JoinHandle<usize>,
}

impl RemoteWriter {
    pub(crate) fn start(shared: Arc<Shared>, config: RemoteWrite) -> Self {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(shared, config, stopped));
        Self { stop, task }
    }

    /// Renders once more, keeps trying to write what is pending for up to
    /// the request timeout, and stops. Returns how many renders could not
    /// be written (0 when the receiver took everything).
    pub async fn finish(self) -> usize {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(left) => left,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => 0,
        }
    }
}

async fn run(
    shared: Arc<Shared>,
    config: RemoteWrite,
    mut stopped: oneshot::Receiver<()>,
) -> usize {
    let counters = Counters::new(&shared);
    let mut queue: VecDeque<Pending> = VecDeque::new();
    let mut ticks = tokio::time::interval(config.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut backoff = FIRST_BACKOFF;
    let mut retry_at: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                enqueue(&shared, &config, &counters, &mut queue).await;
                if retry_at.is_none() {
                    retry_at = drain(&config, &counters, &mut queue, &mut backoff).await;
                }
            }
            () = sleep_until(retry_at) => {
                retry_at = drain(&config, &counters, &mut queue, &mut backoff).await;
            }
            _ = &mut stopped => break,
        }
    }
    // The last render, and one more round of attempts within the timeout.
    enqueue(&shared, &config, &counters, &mut queue).await;
    let deadline = Instant::now() + config.timeout;
    while !queue.is_empty() && Instant::now() < deadline {
        if let Some(at) = drain(&config, &counters, &mut queue, &mut backoff).await {
            tokio::time::sleep_until(at.min(deadline)).await;
        }
    }
    queue.len()
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Renders the store now and queues it, dropping the oldest render past
/// the queue's bound.
async fn enqueue(
    shared: &Arc<Shared>,
    config: &RemoteWrite,
    counters: &Counters,
    queue: &mut VecDeque<Pending>,
) {
    let external = config.external_labels.clone();
    let rendered = shared
        .off_thread(move |shared| {
            let timestamp_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_millis() as i64);
            let samples = samples(&shared.render(Format::Text));
            let count = samples.len() as u64;
            Pending {
                body: encode(samples, &external, timestamp_ms).into(),
                samples: count,
            }
        })
        .await;
    let Some(pending) = rendered else { return };
    queue.push_back(pending);
    while queue.len() > config.max_pending {
        if let Some(dropped) = queue.pop_front() {
            counters.queue_full.increment(dropped.samples);
        }
    }
    counters.pending.set(queue.len() as f64);
}

/// Sends queued renders, oldest first, until one must be retried; returns
/// when to retry it.
async fn drain(
    config: &RemoteWrite,
    counters: &Counters,
    queue: &mut VecDeque<Pending>,
    backoff: &mut Duration,
) -> Option<Instant> {
    let mut retry_at = None;
    while let Some(pending) = queue.front() {
        match send(config, pending.body.clone()).await {
            Outcome::Accepted => {
                counters.sent.increment(pending.samples);
                *backoff = FIRST_BACKOFF;
                queue.pop_front();
            }
            Outcome::Rejected => {
                counters.rejected.increment(pending.samples);
                queue.pop_front();
            }
            Outcome::Retry => {
                counters.retried.increment(pending.samples);
                retry_at = Some(Instant::now() + *backoff);
                *backoff = (*backoff * 2).min(MAX_BACKOFF);
                break;
            }
        }
    }
    counters.pending.set(queue.len() as f64);
    retry_at
}

async fn send(config: &RemoteWrite, body: Bytes) -> Outcome {
    let mut request = http::Request::post(config.path.as_str())
        .header(header::HOST, config.authority.as_str())
        .header(header::CONTENT_TYPE, "application/x-protobuf")
        .header(header::CONTENT_ENCODING, "snappy")
        .header(
            header::USER_AGENT,
            concat!("vitals-prometheus/", env!("CARGO_PKG_VERSION")),
        )
        .header("X-Prometheus-Remote-Write-Version", "0.1.0");
    if let Some(authorization) = &config.authorization {
        request = request.header(header::AUTHORIZATION, authorization.as_str());
    }
    let Ok(request) = request.body(Full::new(body)) else {
        // Path and headers were checked when the target was configured.
        return Outcome::Rejected;
    };
    let answer =
        tokio::time::timeout(config.timeout, outbound::send(&config.authority, request)).await;
    match answer {
        Ok(Ok((status, _))) if status.is_success() => Outcome::Accepted,
        Ok(Ok((status, body)))
            if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS =>
        {
            tracing::warn!(url = %config.url, %status, body = %outbound::excerpt(&body), "remote write rejected; not retried");
            Outcome::Rejected
        }
        Ok(Ok((status, body))) => {
            tracing::warn!(url = %config.url, %status, body = %outbound::excerpt(&body), "remote write failed; retrying");
            Outcome::Retry
        }
        Ok(Err(OutboundError::Connect(error))) => {
            tracing::warn!(url = %config.url, %error, "remote-write receiver unreachable; retrying");
            Outcome::Retry
        }
        Ok(Err(OutboundError::Http(error))) => {
            tracing::warn!(url = %config.url, %error, "remote write failed; retrying");
            Outcome::Retry
        }
        Err(_) => {
            tracing::warn!(url = %config.url, "remote write timed out; retrying");
            Outcome::Retry
        }
    }
}
