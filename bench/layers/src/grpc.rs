//! The gRPC variants: the same tonic server bare, with vitals' layer and
//! with tonic-prometheus-layer's.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tonic::{Request, Response, Status};
use tower::{Layer, ServiceExt};

use crate::Settings;
use crate::stats::Measured;

/// The generated code of the tests' `echo.proto`.
#[allow(unreachable_pub)] // generated items are `pub` inside this private module
pub(crate) mod proto {
    tonic::include_proto!("vitals.test.v1");

    /// Its encoded `FileDescriptorSet`.
    pub(crate) const DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
}

use proto::echo_client::EchoClient;
use proto::echo_server::{Echo, EchoServer};
use proto::{EchoReply, EchoRequest};

const VARIANTS: [&str; 3] = [
    "tonic, no layer",
    "tonic + vitals GrpcMetricsLayer",
    "tonic + tonic_prometheus_layer 0.3",
];

/// Answers `Unary`; the streaming methods are not benchmarked.
#[derive(Clone, Copy)]
pub(crate) struct Bench;

type Replies =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<EchoReply, Status>> + Send>>;

#[tonic::async_trait]
impl Echo for Bench {
    async fn unary(&self, request: Request<EchoRequest>) -> Result<Response<EchoReply>, Status> {
        Ok(Response::new(EchoReply {
            message: request.into_inner().message,
            index: 0,
        }))
    }

    async fn collect(
        &self,
        _: Request<tonic::Streaming<EchoRequest>>,
    ) -> Result<Response<EchoReply>, Status> {
        Err(Status::unimplemented("not benchmarked"))
    }

    type ExpandStream = Replies;

    async fn expand(&self, _: Request<EchoRequest>) -> Result<Response<Replies>, Status> {
        Err(Status::unimplemented("not benchmarked"))
    }

    type ChatStream = Replies;

    async fn chat(
        &self,
        _: Request<tonic::Streaming<EchoRequest>>,
    ) -> Result<Response<Replies>, Status> {
        Err(Status::unimplemented("not benchmarked"))
    }
}

fn vitals_layer() -> vitals::middleware::grpc::GrpcMetricsLayer {
    vitals::middleware::grpc::GrpcMetricsLayer::builder()
        .service::<EchoServer<Bench>>(proto::DESCRIPTOR_SET)
        .build()
        .expect("a valid layer")
}

/// Serves variant `variant` (0: no layer) on a loopback port.
pub(crate) fn serve(variant: usize, servers: &tokio::runtime::Handle) -> SocketAddr {
    let (listener, address) = crate::loopback_listener();
    let layer = (variant == 1).then(vitals_layer);
    servers.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
        let service = EchoServer::new(Bench);
        let served = match (variant, layer) {
            (0, _) => {
                tonic::transport::Server::builder()
                    .add_service(service)
                    .serve_with_incoming(incoming)
                    .await
            }
            (_, Some(layer)) => {
                tonic::transport::Server::builder()
                    .layer(layer)
                    .add_service(service)
                    .serve_with_incoming(incoming)
                    .await
            }
            _ => {
                tonic::transport::Server::builder()
                    .layer(tonic_prometheus_layer::MetricsLayer::new())
                    .add_service(service)
                    .serve_with_incoming(incoming)
                    .await
            }
        };
        served.expect("the server runs until the process ends");
    });
    address
}

/// Sends `count` unary calls over `connections` HTTP/2 connections and
/// answers the mean time per call.
async fn drive(address: SocketAddr, count: usize, connections: usize) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|task| {
            tokio::spawn(async move {
                let mut client = EchoClient::connect(format!("http://{address}"))
                    .await
                    .expect("the server is up");
                for _ in (task..count).step_by(connections) {
                    let request = EchoRequest {
                        message: "ada".to_owned(),
                        ..EchoRequest::default()
                    };
                    client.unary(request).await.expect("the call succeeds");
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
        let address = serve(variant, &servers);
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

/// One length-prefixed `EchoRequest`, as a unary call's request body.
fn encoded_request() -> Bytes {
    let message = prost::Message::encode_to_vec(&EchoRequest {
        message: "ada".to_owned(),
        ..EchoRequest::default()
    });
    let mut body = vec![0];
    body.extend_from_slice(&u32::try_from(message.len()).expect("small").to_be_bytes());
    body.extend_from_slice(&message);
    Bytes::from(body)
}

async fn call_in_process<S, B>(service: &S, count: usize) -> Duration
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let body = encoded_request();
    let started = Instant::now();
    for _ in 0..count {
        let request = http::Request::post("/vitals.test.v1.Echo/Unary")
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(Full::new(body.clone()))
            .expect("a valid request");
        let response = service.clone().oneshot(request).await.expect("infallible");
        response.into_body().collect().await.expect("a body");
    }
    started.elapsed() / u32::try_from(count).unwrap_or(u32::MAX)
}

pub(crate) async fn in_process(settings: Settings) -> Vec<Measured> {
    let routes = || tonic::service::Routes::new(EchoServer::new(Bench));
    let bare = routes();
    let with_vitals = vitals_layer().layer(routes());
    let with_other = tonic_prometheus_layer::MetricsLayer::new().layer(routes());
    let warm = settings.requests / 10 + 100;
    call_in_process(&bare, warm).await;
    call_in_process(&with_vitals, warm).await;
    call_in_process(&with_other, warm).await;
    let mut measured: Vec<Measured> = VARIANTS.iter().map(|name| Measured::new(name)).collect();
    for _ in 0..settings.rounds {
        measured[0]
            .per_request
            .push(call_in_process(&bare, settings.requests).await);
        measured[1]
            .per_request
            .push(call_in_process(&with_vitals, settings.requests).await);
        measured[2]
            .per_request
            .push(call_in_process(&with_other, settings.requests).await);
    }
    measured
}
