//! The HTTP variants: the same axum router bare, with vitals' layer and
//! with axum-prometheus'.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::ServiceExt;

use crate::Settings;
use crate::stats::Measured;

const VARIANTS: [&str; 4] = [
    "axum, no layer",
    "axum + a no-op layer (axum's own cost of `Router::layer`)",
    "axum + vitals HttpMetricsLayer",
    "axum + axum-prometheus 0.10",
];

/// Variant `variant`'s router (0: no layer).
pub(crate) fn router(variant: usize) -> Router {
    let router = Router::new().route("/users/{id}", get(|| async { "ada" }));
    match variant {
        0 => router,
        // A layer that returns the service unchanged still makes axum box
        // each route's future and response body once more.
        1 => router.layer(tower::layer::util::Identity::new()),
        2 => router.layer(vitals::middleware::http::HttpMetricsLayer::new()),
        _ => router.layer(axum_prometheus::PrometheusMetricLayer::new()),
    }
}

/// Serves `router` on a loopback port.
pub(crate) fn serve(router: Router, servers: &tokio::runtime::Handle) -> SocketAddr {
    let (listener, address) = crate::loopback_listener();
    servers.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        axum::serve(listener, router).await
    });
    address
}

/// Sends `count` requests over `connections` keep-alive connections and
/// answers the mean time per request.
async fn drive(address: SocketAddr, count: usize, connections: usize) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|task| {
            tokio::spawn(async move {
                let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
                for request in (task..count).step_by(connections) {
                    let uri = format!("http://{address}/users/{request}")
                        .parse()
                        .expect("a valid uri");
                    let response = client.get(uri).await.expect("an answer");
                    response.into_body().collect().await.expect("a body");
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
    let mut addresses = Vec::new();
    for variant in 0..VARIANTS.len() {
        let address = serve(router(variant), &servers);
        drive(address, settings.requests / 10 + 100, settings.concurrency).await; // warm-up
        addresses.push(address);
    }
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        for (variant, address) in addresses.iter().enumerate() {
            measured[variant]
                .per_request
                .push(drive(*address, settings.requests, settings.concurrency).await);
        }
    }
    measured
}

async fn call_in_process(router: &Router, count: usize) -> Duration {
    let started = Instant::now();
    for request in 0..count {
        let request = http::Request::get(format!("/users/{request}"))
            .body(axum::body::Body::empty())
            .expect("valid");
        let response = router.clone().oneshot(request).await.expect("infallible");
        response.into_body().collect().await.expect("a body");
    }
    started.elapsed() / u32::try_from(count).unwrap_or(u32::MAX)
}

pub(crate) async fn in_process(settings: Settings) -> Vec<Measured> {
    let routers: Vec<Router> = (0..VARIANTS.len()).map(router).collect();
    for router in &routers {
        call_in_process(router, settings.requests / 10 + 100).await;
    }
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        for (variant, router) in routers.iter().enumerate() {
            measured[variant]
                .per_request
                .push(call_in_process(router, settings.requests).await);
        }
    }
    measured
}
