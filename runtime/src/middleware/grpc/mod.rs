//! gRPC server metrics for tonic servers, and [client metrics](#client-side)
//! for tonic channels (feature `tonic`), exactly as go-grpc-middleware's
//! prometheus provider names them, so Grafana
//! dashboards and alerts written for Go services work unchanged.
//!
//! | series | type | labels |
//! |---|---|---|
//! | `grpc_server_started_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
//! | `grpc_server_handled_total` | counter | + `grpc_code` |
//! | `grpc_server_msg_received_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
//! | `grpc_server_msg_sent_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
//! | `grpc_server_handling_seconds` | histogram | `grpc_type`, `grpc_service`, `grpc_method` |
//!
//! - `grpc_type` (`unary`, `client_stream`, `server_stream`, `bidi_stream`)
//!   comes from the service definition: register each tonic service with
//!   [`GrpcMetricsLayerBuilder::service`] and the file descriptor set its
//!   code was generated from (or give a method table with
//!   [`GrpcMetricsLayerBuilder::methods`]). Registered methods get their
//!   zero series at once: started, messages, histogram and `handled` for
//!   every code (or [a subset](GrpcMetricsLayerBuilder::precreated_codes)).
//!   Paths of no registered method, and non-gRPC requests, are labelled
//!   `unknown`, which keeps the series count bounded whatever clients send.
//! - `grpc_code` is grpc-go's CamelCase name (`OK`, `NotFound`, ...). It is
//!   read from the response headers (trailers-only responses, which is how
//!   tonic answers an error returned before the first message), otherwise
//!   from the trailers at the end of the body (success, and errors raised
//!   mid-stream). An HTTP error without `grpc-status` maps as the gRPC spec
//!   says (`404` is `Unimplemented`, `503` is `Unavailable`, ...).
//! - A call ends at the end of its response stream, so streaming calls are
//!   timed in full. Messages are counted per gRPC message in both
//!   directions (a unary call receives one and sends one).
//! - A call the client cancels (or whose connection drops) is `Canceled`; a
//!   handler panic that unwinds through the layer (or is caught by a
//!   catch-panic layer placed outside it) is `Internal`, what
//!   go-grpc-middleware's recovery interceptor answers. A catch-panic layer
//!   placed inside answers HTTP 500 without `grpc-status`, which the layer
//!   counts as the client sees it: `Unknown`. Every started call is handled
//!   exactly once.
//!
//! Options: the histogram on or off and its buckets, a namespace and
//! constant labels (go-grpc-middleware's `WithNamespace`,
//! `WithConstLabels`), and [`GrpcNaming::OpenTelemetry`] for
//! `rpc_server_call_duration_seconds{rpc_system_name, rpc_method, rpc_status_code}`.
//!
//! With tonic, the layer goes on the server so it sees every call, unknown
//! paths included:
//!
//! ```text
//! // Written by `vitals_build::compile_protos` in build.rs (crate `vitals-build`).
//! const FILE_DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
//!
//! let layer = GrpcMetricsLayer::builder()
//!     .service::<EchoServer<MyEcho>>(FILE_DESCRIPTOR_SET)
//!     .build()?;
//! tonic::transport::Server::builder().layer(layer).add_service(EchoServer::new(MyEcho)).serve(addr).await?;
//! ```
//!
//! The layer only needs `http` requests and bodies, so it can be shown with
//! a stand-in server that answers `NotFound` before any message:
//!
//! ```
//! use tower::{Layer, ServiceExt};
//! use vitals::middleware::grpc::{GrpcMethod, GrpcMetricsLayer, GrpcType};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let recorded = vitals::testing::capture_async(async {
//!     let layer = GrpcMetricsLayer::builder()
//!         .methods([GrpcMethod::new("shop.v1.Cart", "Add", GrpcType::Unary)])
//!         .build()
//!         .unwrap();
//!     let server = layer.layer(tower::service_fn(|_request: http::Request<_>| async {
//!         let response = http::Response::builder().header("grpc-status", "5");
//!         Ok::<_, std::convert::Infallible>(response.body(http_body_util::Empty::<bytes::Bytes>::new()).unwrap())
//!     }));
//!     let request = http::Request::post("/shop.v1.Cart/Add").body(http_body_util::Empty::<bytes::Bytes>::new());
//!     server.oneshot(request.unwrap()).await.unwrap();
//! })
//! .await;
//!
//! let method = [("grpc_type", "unary"), ("grpc_service", "shop.v1.Cart"), ("grpc_method", "Add")];
//! let with_code = |code| [&method[..], &[("grpc_code", code)]].concat();
//! assert_eq!(recorded.counter("grpc_server_started_total", &method), Some(1));
//! assert_eq!(recorded.counter("grpc_server_handled_total", &with_code("NotFound")), Some(1));
//! assert_eq!(recorded.counter("grpc_server_handled_total", &with_code("OK")), Some(0)); // pre-created
//! assert_eq!(recorded.counter("grpc_server_msg_sent_total", &method), Some(0));
//! # }
//! ```
//!
//! # Client side
//!
//! [`GrpcClientMetricsLayer`] goes around a tonic `Channel` (or any tower
//! HTTP client service taking `http::Request<tonic::body::Body>`) and
//! records go-grpc-middleware's client series with the same labels:
//! `grpc_client_started_total`, `grpc_client_handled_total{grpc_code}`,
//! `grpc_client_msg_sent_total`, `grpc_client_msg_received_total`, and the
//! opt-in `grpc_client_handling_seconds` (or, in the OpenTelemetry naming,
//! `rpc_client_call_duration_seconds`).
//!
//! ```text
//! let layer = GrpcClientMetricsLayer::builder()
//!     .service("pkg.v1.Echo", FILE_DESCRIPTOR_SET)
//!     .build()?;
//! let channel = Endpoint::from_static("http://[::1]:50051").connect().await?;
//! let mut client = EchoClient::new(tower::ServiceBuilder::new().layer(layer).service(channel));
//! ```
//!
//! - A call ends at its trailers (or at a status in the response head), so
//!   streams are timed in full; a unary or server-streaming call counts its
//!   one request message as sent when it starts, as go-grpc-middleware's
//!   interceptors do, and a client stream counts each message as it goes
//!   out.
//! - No response (a refused or broken connection) is `Unavailable`; a call
//!   dropped by the caller (its future, or the response stream before the
//!   end) is `Canceled`; a call that fails once the deadline it sent in
//!   `grpc-timeout` (`Request::set_timeout`) has passed is
//!   `DeadlineExceeded`, as grpc-go's client reports it (tonic's own error
//!   says `Cancelled`), and so is tonic's `TimeoutExpired` when a tower stack
//!   hands it on boxed. A deadline set only with `Endpoint::timeout` reaches
//!   the layer inside `tonic::transport::Error`, which it does not open, and
//!   counts as `Unavailable`.
//!
//! After a method's first call under the global recorder, a call costs a
//! binary search over the registered paths, two clock reads and the atomic
//! updates: no label is built and nothing is hashed.

mod body;
mod build;
mod client;
mod codes;
mod config;
mod declare;
mod descriptor;
mod frames;
mod guard;
mod handles;
mod layer;
mod methods;
mod service;
mod shared;

pub use self::body::RequestBody;
pub use self::client::{GrpcClientMetrics, GrpcClientMetricsLayer, GrpcClientMetricsLayerBuilder};
pub use self::config::{GrpcMetricsLayerBuilder, GrpcNaming};
pub use self::descriptor::methods_from_descriptor_set;
pub use self::layer::GrpcMetricsLayer;
pub use self::methods::{GrpcMethod, GrpcType};
pub use self::service::GrpcMetrics;

/// Response future of [`GrpcMetrics`].
pub type ResponseFuture<F> = crate::middleware::plumbing::ResponseFuture<F, guard::GrpcCallGuard>;
/// Response body of [`GrpcMetrics`]: counts sent messages and ends the call
/// at the trailers, at the end of the body, or (as `Canceled`) when dropped
/// before either.
pub type ResponseBody<B> = crate::middleware::plumbing::ResponseBody<B, guard::GrpcCallGuard>;

/// Response future of [`GrpcClientMetrics`].
pub type ClientResponseFuture<F> =
    crate::middleware::plumbing::ResponseFuture<F, client::ClientCallGuard>;
/// Response body of [`GrpcClientMetrics`]: counts received messages and
/// ends the call at the trailers, or (as `Canceled`) when dropped before.
pub type ClientResponseBody<B> =
    crate::middleware::plumbing::ResponseBody<B, client::ClientCallGuard>;
