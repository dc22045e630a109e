//! The gRPC client variants: the same tonic client bare, with vitals'
//! `GrpcClientMetricsLayer` and with tonic-prometheus-layer's
//! `MetricsChannel`, calling a bare server.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tonic::transport::Channel;
use tower::Layer;

use crate::Settings;
use crate::grpc::proto::echo_client::EchoClient;
use crate::grpc::proto::echo_server::EchoServer;
use crate::grpc::proto::{DESCRIPTOR_SET, EchoRequest};
use crate::grpc::{Bench, serve};
use crate::stats::Measured;

const VARIANTS: [&str; 3] = [
    "tonic client, no layer",
    "tonic client + vitals GrpcClientMetricsLayer",
    "tonic client + tonic_prometheus_layer 0.3 MetricsChannel",
];

fn vitals_layer() -> vitals::middleware::grpc::GrpcClientMetricsLayer {
    vitals::middleware::grpc::GrpcClientMetricsLayer::builder()
        .service("vitals.test.v1.Echo", DESCRIPTOR_SET)
        .build()
        .expect("a valid layer")
}

fn request() -> EchoRequest {
    EchoRequest {
        message: "ada".to_owned(),
        ..EchoRequest::default()
    }
}

/// `count` unary calls through one client, one after another.
async fn calls<T>(mut client: EchoClient<T>, count: usize)
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    for _ in 0..count {
        client.unary(request()).await.expect("the call succeeds");
    }
}

/// Sends `count` unary calls from variant `variant`'s clients over
/// `connections` HTTP/2 connections; the mean time per call.
async fn drive(
    variant: usize,
    layer: &vitals::middleware::grpc::GrpcClientMetricsLayer,
    address: SocketAddr,
    count: usize,
    connections: usize,
) -> Duration {
    let mut channels = Vec::new();
    for _ in 0..connections {
        let channel = Channel::from_shared(format!("http://{address}"))
            .expect("a valid URI")
            .connect()
            .await
            .expect("the server is up");
        channels.push(channel);
    }
    let started = Instant::now();
    let tasks: Vec<_> = channels
        .into_iter()
        .enumerate()
        .map(|(task, channel)| {
            let share = (task..count).step_by(connections).count();
            let layer = layer.clone();
            tokio::spawn(async move {
                match variant {
                    0 => calls(EchoClient::new(channel), share).await,
                    1 => calls(EchoClient::new(layer.layer(channel)), share).await,
                    _ => {
                        let channel = tonic_prometheus_layer::MetricsChannel::new(channel);
                        calls(EchoClient::new(channel), share).await;
                    }
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
    let address = serve(0, &servers);
    for variant in 0..VARIANTS.len() {
        let warm = settings.requests / 10 + 100;
        drive(variant, &layer, address, warm, settings.concurrency).await;
    }
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        for (variant, measured) in measured.iter_mut().enumerate() {
            let per_call = drive(
                variant,
                &layer,
                address,
                settings.requests,
                settings.concurrency,
            )
            .await;
            measured.per_request.push(per_call);
        }
    }
    measured
}

/// The mean time per call of `count` calls through `client`.
async fn timed<T>(client: EchoClient<T>, count: usize) -> Duration
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    let started = Instant::now();
    calls(client, count).await;
    started.elapsed() / u32::try_from(count).unwrap_or(u32::MAX)
}

/// The generated client calling the server's `Routes` directly: no
/// sockets, so the client layer's own cost is not buried in loopback noise.
pub(crate) async fn in_process(settings: Settings) -> Vec<Measured> {
    let layer = vitals_layer();
    let routes = || tonic::service::Routes::new(EchoServer::new(Bench));
    let bare = || EchoClient::new(routes());
    let with_vitals = || EchoClient::new(layer.layer(routes()));
    let with_other = || EchoClient::new(tonic_prometheus_layer::MetricsChannel::new(routes()));
    let warm = settings.requests / 10 + 100;
    timed(bare(), warm).await;
    timed(with_vitals(), warm).await;
    timed(with_other(), warm).await;
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        measured[0]
            .per_request
            .push(timed(bare(), settings.requests).await);
        measured[1]
            .per_request
            .push(timed(with_vitals(), settings.requests).await);
        measured[2]
            .per_request
            .push(timed(with_other(), settings.requests).await);
    }
    measured
}
