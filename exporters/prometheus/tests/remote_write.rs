//! Remote write against real receivers on loopback: Debian's Prometheus
//! with `--web.enable-remote-write-receiver` (PromQL over the written
//! samples equals `/metrics`; a receiver stopped and restarted mid-run
//! loses nothing that fit in the queue), and a receiver of ours that
//! answers 400, 503 or 200 on demand (a 4xx is never retried and is
//! counted; a 5xx is retried; a full queue drops the oldest, counted).
//!
//! Needs the Debian package `prometheus`; the test fails naming it when
//! missing.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ChildGuard, TempDir, eventually, free_port, get, start_prometheus};
use vitals_prometheus::{BuildInfo, Exporter, Format, RemoteWrite};

fn exporter(name: &'static str) -> Exporter {
    let builder = Exporter::builder(BuildInfo::new(name, "1.0.0")).scrape_metrics(false);
    #[cfg(feature = "process")]
    let builder = builder.process_metrics(false);
    builder.build().unwrap()
}

/// The value of the sample `series` (name and labels exactly as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// A Prometheus that receives remote writes and scrapes nothing.
fn remote_write_receiver(dir: &TempDir, address: SocketAddr) -> ChildGuard {
    start_prometheus(
        dir,
        address,
        "global:\n  scrape_interval: 15s\n",
        &["--web.enable-remote-write-receiver"],
    )
}

async fn ready(prometheus: SocketAddr) {
    let up = eventually(Duration::from_secs(30), || async {
        tokio::net::TcpStream::connect(prometheus).await.ok()?;
        (get(prometheus, "/-/ready", &[]).await.status == 200).then_some(())
    })
    .await;
    assert!(up.is_some(), "Prometheus did not become ready");
}

/// `/api/v1/query` of `expression`: every result's `[timestamp, value]`
/// pairs (`values` for a range selector, `value` for an instant one).
async fn query(prometheus: SocketAddr, expression: &str) -> Vec<(f64, f64)> {
    let encoded: String = expression
        .bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    let body = get(prometheus, &format!("/api/v1/query?query={encoded}"), &[])
        .await
        .body;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let point = |pair: &serde_json::Value| -> Option<(f64, f64)> {
        Some((pair[0].as_f64()?, pair[1].as_str()?.parse().ok()?))
    };
    json["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|result| {
            let mut points: Vec<(f64, f64)> = result["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(point)
                .collect();
            points.extend(point(&result["value"]));
            points
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_holds_what_metrics_shows_and_loses_nothing_across_a_restart() {
    let exporter = exporter("rw");
    let jobs = metrics::with_local_recorder(
        exporter.recorder(),
        || metrics::counter!("rw_jobs_total", "kind" => "build"),
    );
    let dir = TempDir::new("prometheus-remote-write");
    let prometheus: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let mut receiver = Some(remote_write_receiver(&dir, prometheus));
    ready(prometheus).await;

    let writer = exporter
        .start_remote_write(
            RemoteWrite::new(&format!("http://{prometheus}/api/v1/write"))
                .unwrap()
                .interval(Duration::from_millis(200))
                .external_label("job", "rw")
                .unwrap()
                .external_label("instance", "rw-1")
                .unwrap(),
        )
        .unwrap();
    let record_for = |duration: Duration| {
        let jobs = jobs.clone();
        async move {
            let end = tokio::time::Instant::now() + duration;
            while tokio::time::Instant::now() < end {
                jobs.increment(1);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let series = "rw_jobs_total{instance=\"rw-1\",job=\"rw\",kind=\"build\"}";
    let shown = |exporter: &Exporter| {
        sample(
            &exporter.render(Format::Text),
            "rw_jobs_total{kind=\"build\"}",
        )
        .unwrap()
    };

    // Written while recording; then, once recording stops, PromQL reads
    // exactly what `/metrics` shows.
    record_for(Duration::from_secs(2)).await;
    let expected = shown(&exporter);
    let agreed = eventually(Duration::from_secs(10), || async {
        let value = query(prometheus, series).await.first()?.1;
        (value == expected).then_some(value)
    })
    .await;
    assert_eq!(
        agreed,
        Some(expected),
        "PromQL never showed /metrics' {expected}"
    );

    // The receiver goes away while the service keeps recording and
    // rendering; when it is back, the queued renders arrive.
    drop(receiver.take());
    record_for(Duration::from_secs(2)).await;
    let down = exporter.render(Format::Text);
    assert!(
        sample(&down, "vitals_remote_write_retried_samples_total").unwrap() > 0.0,
        "{down}"
    );
    assert!(
        sample(&down, "vitals_remote_write_pending_requests").unwrap() >= 2.0,
        "{down}"
    );
    receiver = Some(remote_write_receiver(&dir, prometheus));
    ready(prometheus).await;
    let expected = shown(&exporter);
    let caught_up = eventually(Duration::from_secs(30), || async {
        let value = query(prometheus, series).await.first()?.1;
        (value == expected).then_some(value)
    })
    .await;
    assert_eq!(
        caught_up,
        Some(expected),
        "the queued renders never arrived"
    );
    // Every 200 ms render is there, the outage (over 2 s) included: no gap
    // of even a second (a loaded machine may delay a render by a few ticks).
    let points = query(prometheus, &format!("{series}[1m]")).await;
    let gaps: Vec<f64> = points
        .windows(2)
        .map(|pair| pair[1].0 - pair[0].0)
        .collect();
    assert!(points.len() >= 25, "{points:?}");
    assert!(
        gaps.iter().all(|gap| *gap < 1.0),
        "a gap in the written samples: {gaps:?}"
    );
    assert!(
        points.windows(2).all(|pair| pair[0].1 <= pair[1].1),
        "the counter went back: {points:?}"
    );
    let after = exporter.render(Format::Text);
    for reason in ["queue_full", "rejected"] {
        assert_eq!(
            sample(
                &after,
                &format!("vitals_remote_write_dropped_samples_total{{reason=\"{reason}\"}}")
            ),
            Some(0.0),
            "{after}"
        );
    }
    assert_eq!(writer.finish().await, 0);
    drop(receiver);
}

/// A receiver of ours: answers with `status`, counts requests and keeps
/// the headers and decoded size of the last one.
struct FakeReceiver {
    address: SocketAddr,
    status: Arc<AtomicU16>,
    requests: Arc<AtomicUsize>,
    last: Arc<Mutex<Option<(http::HeaderMap, usize)>>>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeReceiver {
    async fn start() -> Self {
        let status = Arc::new(AtomicU16::new(400));
        let requests = Arc::new(AtomicUsize::new(0));
        let last = Arc::new(Mutex::new(None));
        let app = axum::Router::new().route(
            "/api/v1/write",
            axum::routing::post({
                let (status, requests, last) = (
                    Arc::clone(&status),
                    Arc::clone(&requests),
                    Arc::clone(&last),
                );
                move |headers: http::HeaderMap, body: axum::body::Bytes| async move {
                    requests.fetch_add(1, Ordering::SeqCst);
                    let decoded = snap::raw::Decoder::new()
                        .decompress_vec(&body)
                        .map_or(0, |request| request.len());
                    *last.lock().unwrap() = Some((headers, decoded));
                    http::StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            address,
            status,
            requests,
            last,
            server,
        }
    }
}

impl Drop for FakeReceiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_is_dropped_and_counted_a_5xx_is_retried_and_a_full_queue_drops_the_oldest() {
    let exporter = exporter("fake");
    metrics::with_local_recorder(exporter.recorder(), || {
        metrics::counter!("fake_jobs_total").increment(3);
    });
    let receiver = FakeReceiver::start().await;
    let writer = exporter
        .start_remote_write(
            RemoteWrite::new(&format!("http://{}/api/v1/write", receiver.address))
                .unwrap()
                .interval(Duration::from_millis(100))
                .bearer_token("s3cret")
                .unwrap()
                .max_pending_requests(3),
        )
        .unwrap();
    let counter = |text: &str, name: &str| sample(text, name).unwrap_or(f64::NAN);

    // 400: every render is sent once and dropped as rejected.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let requests_at_400 = receiver.requests.load(Ordering::SeqCst);
    let text = exporter.render(Format::Text);
    let rejected = counter(
        &text,
        "vitals_remote_write_dropped_samples_total{reason=\"rejected\"}",
    );
    assert!(rejected > 0.0, "{text}");
    assert_eq!(
        counter(&text, "vitals_remote_write_retried_samples_total"),
        0.0,
        "{text}"
    );
    assert_eq!(
        counter(&text, "vitals_remote_write_sent_samples_total"),
        0.0,
        "{text}"
    );
    // Each render holds the same series, so the rejected samples say how
    // many renders were sent: each exactly once (one may be counted on one
    // side and not yet on the other).
    let per_render = text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .count() as f64;
    let renders = (rejected / per_render) as usize;
    assert_eq!(
        rejected % per_render,
        0.0,
        "{rejected} rejected, {per_render} per render"
    );
    assert!(
        requests_at_400.abs_diff(renders) <= 1,
        "{requests_at_400} requests for {renders} renders"
    );
    {
        let last = receiver.last.lock().unwrap();
        let (headers, decoded) = last.as_ref().unwrap();
        assert_eq!(headers["content-encoding"], "snappy");
        assert_eq!(headers["content-type"], "application/x-protobuf");
        assert_eq!(headers["x-prometheus-remote-write-version"], "0.1.0");
        assert_eq!(headers["authorization"], "Bearer s3cret");
        assert!(*decoded > 0);
    }

    // 503: retried with backoff; renders queue up to 3, then the oldest go.
    receiver.status.store(503, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let text = exporter.render(Format::Text);
    assert!(
        counter(&text, "vitals_remote_write_retried_samples_total") > 0.0,
        "{text}"
    );
    assert!(
        counter(
            &text,
            "vitals_remote_write_dropped_samples_total{reason=\"queue_full\"}"
        ) > 0.0,
        "{text}"
    );
    assert_eq!(
        counter(&text, "vitals_remote_write_pending_requests"),
        3.0,
        "{text}"
    );

    // 200: the queue empties.
    receiver.status.store(200, Ordering::SeqCst);
    let drained = eventually(Duration::from_secs(35), || async {
        let text = exporter.render(Format::Text);
        (counter(&text, "vitals_remote_write_pending_requests") == 0.0
            && counter(&text, "vitals_remote_write_sent_samples_total") > 0.0)
            .then_some(())
    })
    .await;
    assert!(drained.is_some(), "{}", exporter.render(Format::Text));
    assert_eq!(writer.finish().await, 0);
}
