//! The HTTP client variants: hyper-util's client bare and with vitals'
//! `HttpClientMetricsLayer`, calling a bare axum server.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{Layer, ServiceExt};

use crate::Settings;
use crate::http::{router, serve};
use crate::stats::Measured;

const VARIANTS: [&str; 2] = [
    "hyper-util client, no layer",
    "hyper-util client + vitals HttpClientMetricsLayer",
];

/// In process there is no client: the layer wraps the router.
const IN_PROCESS_VARIANTS: [&str; 2] = [
    "axum router called directly, no layer",
    "axum router + vitals HttpClientMetricsLayer",
];

fn vitals_layer() -> vitals::middleware::http_client::HttpClientMetricsLayer {
    vitals::middleware::http_client::HttpClientMetricsLayer::builder()
        .build()
        .expect("a valid layer")
}

/// `count` GET requests through `client`, one after another, bodies read.
async fn requests<S, B>(client: &S, address: SocketAddr, count: usize)
where
    S: tower::Service<http::Request<Empty<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    for request in 0..count {
        let request = http::Request::get(format!("http://{address}/users/{request}"))
            .body(Empty::new())
            .expect("a valid request");
        let response = client.clone().oneshot(request).await.expect("an answer");
        response.into_body().collect().await.expect("a body");
    }
}

/// Sends `count` requests from variant `variant`'s clients over
/// `connections` keep-alive connections; the mean time per request.
async fn drive(
    variant: usize,
    layer: &vitals::middleware::http_client::HttpClientMetricsLayer,
    address: SocketAddr,
    count: usize,
    connections: usize,
) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|task| {
            let share = (task..count).step_by(connections).count();
            let layer = layer.clone();
            tokio::spawn(async move {
                let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
                if variant == 0 {
                    requests(&client, address, share).await;
                } else {
                    requests(&layer.layer(client), address, share).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("the client task completes");
    }
    started.elapsed() / u32::try_from(count).unwrap_or(u32::MAX)
}

pub(crate) async fn loopback(settings: Settings, servers: tokio::runtime::Handle) -> Vec<Measured> {
    let layer = vitals_layer();
    let address = serve(router(0), &servers);
    for variant in 0..VARIANTS.len() {
        let warm = settings.requests / 10 + 100;
        drive(variant, &layer, address, warm, settings.concurrency).await;
    }
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        for (variant, measured) in measured.iter_mut().enumerate() {
            let per_request = drive(
                variant,
                &layer,
                address,
                settings.requests,
                settings.concurrency,
            )
            .await;
            measured.per_request.push(per_request);
        }
    }
    measured
}

/// The mean time per request of `count` requests through `client`.
async fn timed<S, B>(client: &S, count: usize) -> Duration
where
    S: tower::Service<http::Request<Empty<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let address = SocketAddr::from(([127, 0, 0, 1], 8080));
    let started = Instant::now();
    requests(client, address, count).await;
    started.elapsed() / u32::try_from(count).unwrap_or(u32::MAX)
}

/// The layer around the server's router itself (absolute URIs, no
/// sockets): the client layer's own cost.
pub(crate) async fn in_process(settings: Settings) -> Vec<Measured> {
    let bare = router(0);
    let with_vitals = vitals_layer().layer(router(0));
    let warm = settings.requests / 10 + 100;
    timed(&bare, warm).await;
    timed(&with_vitals, warm).await;
    let mut measured: Vec<Measured> = IN_PROCESS_VARIANTS
        .iter()
        .map(|name| Measured::new(name))
        .collect();
    for _ in 0..settings.rounds {
        measured[0]
            .per_request
            .push(timed(&bare, settings.requests).await);
        measured[1]
            .per_request
            .push(timed(&with_vitals, settings.requests).await);
    }
    measured
}
