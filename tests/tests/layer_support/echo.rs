//! The `Echo` service the gRPC layer tests run, and a server on loopback.

use std::net::SocketAddr;
use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};
use tonic::{Code, Request, Response, Status, Streaming};

use super::proto::echo_server::{Echo, EchoServer};
use super::proto::{EchoReply, EchoRequest};

/// Answers as each request's knobs say.
#[derive(Clone, Copy, Debug, Default)]
pub struct EchoService;

type ReplyStream = Pin<Box<dyn Stream<Item = Result<EchoReply, Status>> + Send>>;

fn reply(message: &str, index: u32) -> EchoReply {
    EchoReply {
        message: message.to_owned(),
        index,
    }
}

fn failure(request: &EchoRequest) -> Option<Status> {
    (request.fail_code != 0)
        .then(|| Status::new(Code::from_i32(request.fail_code), "asked to fail"))
}

async fn obey(request: &EchoRequest) -> Result<(), Status> {
    assert!(!request.panic, "handler asked to panic");
    if request.hang {
        std::future::pending::<()>().await;
    }
    failure(request).map_or(Ok(()), Err)
}

#[tonic::async_trait]
impl Echo for EchoService {
    async fn unary(&self, request: Request<EchoRequest>) -> Result<Response<EchoReply>, Status> {
        let request = request.into_inner();
        obey(&request).await?;
        Ok(Response::new(reply(&request.message, 0)))
    }

    async fn collect(
        &self,
        request: Request<Streaming<EchoRequest>>,
    ) -> Result<Response<EchoReply>, Status> {
        let mut stream = request.into_inner();
        let mut count = 0;
        while let Some(request) = stream.next().await {
            let request = request?;
            obey(&request).await?;
            count += 1;
        }
        Ok(Response::new(reply("collected", count)))
    }

    type ExpandStream = ReplyStream;

    async fn expand(&self, request: Request<EchoRequest>) -> Result<Response<ReplyStream>, Status> {
        let request = request.into_inner();
        assert!(!request.panic, "handler asked to panic");
        if let Some(status) = failure(&request).filter(|_| request.fail_after == 0) {
            return Err(status);
        }
        let sent = if request.fail_code != 0 {
            request.fail_after
        } else {
            request.replies
        };
        let replies = (0..sent).map(move |index| Ok(reply("expanded", index)));
        let end: ReplyStream = match failure(&request) {
            Some(status) => Box::pin(tokio_stream::once(Err(status))),
            None if request.hang => Box::pin(tokio_stream::pending()),
            None => Box::pin(tokio_stream::empty()),
        };
        Ok(Response::new(Box::pin(
            tokio_stream::iter(replies).chain(end),
        )))
    }

    type ChatStream = ReplyStream;

    async fn chat(
        &self,
        request: Request<Streaming<EchoRequest>>,
    ) -> Result<Response<ReplyStream>, Status> {
        let stream = request.into_inner();
        let mut index = 0;
        let replies = stream.map(move |request| {
            let request = request?;
            index += 1;
            match failure(&request) {
                Some(status) => Err(status),
                None => Ok(reply(&request.message, index - 1)),
            }
        });
        Ok(Response::new(Box::pin(replies)))
    }
}

/// Serves `Echo` behind `layer` on a fresh loopback port, until the test ends.
pub async fn serve(layer: vitals::middleware::grpc::GrpcMetricsLayer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("a bound address");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    let server = tonic::transport::Server::builder()
        .layer(layer)
        .add_service(EchoServer::new(EchoService));
    tokio::spawn(server.serve_with_incoming(incoming));
    address
}

/// Serves `Echo` behind tower-http's `CatchPanicLayer`, then `layer`.
pub async fn serve_catching_panics(
    layer: vitals::middleware::grpc::GrpcMetricsLayer,
) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("a bound address");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    let server = tonic::transport::Server::builder()
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(layer)
        .add_service(EchoServer::new(EchoService));
    tokio::spawn(server.serve_with_incoming(incoming));
    address
}

/// A client of the server at `address`.
pub async fn client(
    address: SocketAddr,
) -> super::proto::echo_client::EchoClient<tonic::transport::Channel> {
    super::proto::echo_client::EchoClient::connect(format!("http://{address}"))
        .await
        .expect("the server is up")
}
