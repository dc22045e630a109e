//! `GrpcClientMetricsLayer` around a tonic `Channel`, calling a real tonic
//! server over loopback HTTP/2; assertions on the text the Prometheus
//! exporter renders.
//!
//! One global recorder serves the whole binary, so every test builds its
//! client layer under its own namespace.

mod layer_support;

use std::time::Duration;

use tokio_stream::StreamExt;
use tonic::Code;
use tonic::transport::{Channel, Endpoint};
use vitals::middleware::grpc::{
    GrpcClientMetrics, GrpcClientMetricsLayer, GrpcMetricsLayer, GrpcNaming,
};

use layer_support::echo::serve;
use layer_support::grpc_series::{GrpcSeries, SERVICE};
use layer_support::proto::echo_client::EchoClient;
use layer_support::proto::{DESCRIPTOR_SET, EchoReply, EchoRequest};
use layer_support::{recorder, series_of, value};

type Client = EchoClient<GrpcClientMetrics<Channel>>;

fn client_layer(namespace: &str) -> GrpcClientMetricsLayer {
    recorder();
    GrpcClientMetricsLayer::builder()
        .namespace(namespace)
        .service(SERVICE, DESCRIPTOR_SET)
        .build()
        .expect("a valid client layer")
}

/// A server on a fresh loopback port (with its own server layer, under
/// `{namespace}_srv`, so the two sides can be told apart).
async fn server(namespace: &str) -> std::net::SocketAddr {
    recorder();
    serve(
        GrpcMetricsLayer::builder()
            .namespace(format!("{namespace}_srv"))
            .service::<layer_support::proto::echo_server::EchoServer<layer_support::echo::EchoService>>(
                DESCRIPTOR_SET,
            )
            .build()
            .expect("a valid server layer"),
    )
    .await
}

/// A client of `address` whose channel goes through `layer`.
async fn client(address: std::net::SocketAddr, layer: GrpcClientMetricsLayer) -> Client {
    let channel = Endpoint::from_shared(format!("http://{address}"))
        .expect("a valid URI")
        .connect()
        .await
        .expect("the server is up");
    EchoClient::new(tower::ServiceBuilder::new().layer(layer).service(channel))
}

fn request(message: &str) -> EchoRequest {
    EchoRequest {
        message: message.to_owned(),
        ..EchoRequest::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_call_counts_one_message_each_way() {
    let address = server("c_unary").await;
    let mut client = client(address, client_layer("c_unary")).await;
    let reply = client
        .unary(request("hello"))
        .await
        .expect("the call succeeds");
    assert_eq!(reply.into_inner().message, "hello");

    let unary = GrpcSeries::client("c_unary", "unary", "Unary");
    assert_eq!(unary.started(), Some(1.0));
    assert_eq!(unary.handled("OK"), Some(1.0));
    assert_eq!(unary.handled_total(), 1.0);
    assert_eq!(unary.sent(), Some(1.0));
    assert_eq!(unary.received(), Some(1.0));
    // The histogram is opt-in, as go-grpc-middleware's client's.
    assert!(series_of("c_unary_grpc_client_handling_seconds_count").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_methods_have_zero_series_before_any_call() {
    let _layer = client_layer("c_precreated");
    for (kind, name) in [
        ("unary", "Unary"),
        ("client_stream", "Collect"),
        ("server_stream", "Expand"),
        ("bidi_stream", "Chat"),
    ] {
        let method = GrpcSeries::client("c_precreated", kind, name);
        assert_eq!(method.started(), Some(0.0), "{name}");
        assert_eq!(method.sent(), Some(0.0), "{name}");
        assert_eq!(method.received(), Some(0.0), "{name}");
        assert_eq!(method.handled("Unavailable"), Some(0.0), "{name}");
    }
    assert_eq!(
        series_of("c_precreated_grpc_client_handled_total").len(),
        4 * 17
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_counts_every_sent_message() {
    let address = server("c_collect").await;
    let mut client = client(address, client_layer("c_collect")).await;
    let requests = tokio_stream::iter(vec![request("a"), request("b"), request("c")]);
    let reply = client.collect(requests).await.expect("the call succeeds");
    assert_eq!(reply.into_inner().index, 3);

    let collect = GrpcSeries::client("c_collect", "client_stream", "Collect");
    assert_eq!(collect.started(), Some(1.0));
    assert_eq!(collect.sent(), Some(3.0));
    assert_eq!(collect.received(), Some(1.0));
    assert_eq!(collect.handled("OK"), Some(1.0));
    // The server saw the same three messages.
    assert_eq!(
        value(
            "c_collect_srv_grpc_server_msg_received_total",
            &collect.labels()
        ),
        Some(3.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_counts_every_received_message() {
    let address = server("c_expand").await;
    let mut client = client(address, client_layer("c_expand")).await;
    let mut replies = client
        .expand(EchoRequest {
            replies: 4,
            ..request("x")
        })
        .await
        .expect("a stream")
        .into_inner();
    let expand = GrpcSeries::client("c_expand", "server_stream", "Expand");
    let mut count = 0;
    while let Some(reply) = replies.message().await.expect("no error") {
        assert_eq!(reply.index, count);
        count += 1;
        // Still in progress until the trailers.
        assert_eq!(expand.handled_total(), 0.0);
    }
    assert_eq!(count, 4);
    assert_eq!(expand.sent(), Some(1.0));
    assert_eq!(expand.received(), Some(4.0));
    assert_eq!(expand.handled("OK"), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_streaming_counts_both_directions() {
    let address = server("c_chat").await;
    let mut client = client(address, client_layer("c_chat")).await;
    let requests = tokio_stream::iter((0..5).map(|i| request(&format!("m{i}"))));
    let replies: Vec<EchoReply> = client
        .chat(requests)
        .await
        .expect("a stream")
        .into_inner()
        .map(|reply| reply.expect("no error"))
        .collect()
        .await;
    assert_eq!(replies.len(), 5);

    let chat = GrpcSeries::client("c_chat", "bidi_stream", "Chat");
    assert_eq!(chat.started(), Some(1.0));
    assert_eq!(chat.sent(), Some(5.0));
    assert_eq!(chat.received(), Some(5.0));
    assert_eq!(chat.handled("OK"), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_error_is_counted_from_the_headers() {
    let address = server("c_early").await;
    let mut client = client(address, client_layer("c_early")).await;
    let unary = client
        .unary(EchoRequest {
            fail_code: Code::NotFound as i32,
            ..request("x")
        })
        .await;
    assert_eq!(unary.expect_err("fails").code(), Code::NotFound);
    let expand = client
        .expand(EchoRequest {
            fail_code: Code::PermissionDenied as i32,
            ..request("x")
        })
        .await;
    assert_eq!(
        expand.err().map(|status| status.code()),
        Some(Code::PermissionDenied)
    );

    let unary = GrpcSeries::client("c_early", "unary", "Unary");
    assert_eq!(unary.handled("NotFound"), Some(1.0));
    assert_eq!(unary.handled_total(), 1.0);
    assert_eq!(unary.received(), Some(0.0));
    let expand = GrpcSeries::client("c_early", "server_stream", "Expand");
    assert_eq!(expand.handled("PermissionDenied"), Some(1.0));
    assert_eq!(expand.handled_total(), 1.0);
    assert_eq!(expand.received(), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mid_stream_error_is_counted_from_the_trailers() {
    let address = server("c_mid").await;
    let mut client = client(address, client_layer("c_mid")).await;
    let mut replies = client
        .expand(EchoRequest {
            fail_code: Code::ResourceExhausted as i32,
            fail_after: 2,
            ..request("x")
        })
        .await
        .expect("a stream")
        .into_inner();
    let mut received = 0;
    let status = loop {
        match replies.message().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("the stream ended without the error"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(received, 2);

    let expand = GrpcSeries::client("c_mid", "server_stream", "Expand");
    assert_eq!(expand.received(), Some(2.0));
    assert_eq!(expand.handled("ResourceExhausted"), Some(1.0));
    assert_eq!(expand.handled_total(), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_deadline_is_deadline_exceeded() {
    let address = server("c_deadline").await;
    let mut client = client(address, client_layer("c_deadline")).await;
    let mut call = tonic::Request::new(EchoRequest {
        hang: true,
        ..request("x")
    });
    call.set_timeout(Duration::from_millis(200));
    let status = client.unary(call).await.expect_err("the server hangs");
    // tonic's channel enforces `grpc-timeout` and calls it `Cancelled`;
    // the layer counts what grpc-go's client would report.
    assert!(
        matches!(status.code(), Code::Cancelled | Code::DeadlineExceeded),
        "{status:?}"
    );

    let unary = GrpcSeries::client("c_deadline", "unary", "Unary");
    assert_eq!(
        unary.handled("DeadlineExceeded"),
        Some(1.0),
        "{:?}",
        series_of("c_deadline_grpc_client_handled_total")
            .into_iter()
            .filter(|line| !line.ends_with(" 0"))
            .collect::<Vec<_>>()
    );
    assert_eq!(unary.handled_total(), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_call_is_canceled() {
    let address = server("c_cancel").await;
    let mut client = client(address, client_layer("c_cancel")).await;

    // The future dropped before any answer.
    let hanging = client.unary(EchoRequest {
        hang: true,
        ..request("x")
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(100), hanging)
            .await
            .is_err(),
        "the server hangs"
    );
    let unary = GrpcSeries::client("c_cancel", "unary", "Unary");
    assert_eq!(unary.handled("Canceled"), Some(1.0));
    assert_eq!(unary.handled_total(), 1.0);

    // A response stream dropped after its first message.
    let mut replies = client
        .expand(EchoRequest {
            replies: 1,
            hang: true,
            ..request("x")
        })
        .await
        .expect("a stream")
        .into_inner();
    assert!(replies.message().await.expect("no error").is_some());
    let expand = GrpcSeries::client("c_cancel", "server_stream", "Expand");
    assert_eq!(expand.handled_total(), 0.0, "in progress");
    drop(replies);
    assert_eq!(expand.received(), Some(1.0));
    assert_eq!(expand.handled("Canceled"), Some(1.0));
    assert_eq!(expand.handled_total(), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_unavailable() {
    // A port that was just free: nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("a bound address");
    drop(listener);
    let channel = Endpoint::from_shared(format!("http://{address}"))
        .expect("a valid URI")
        .connect_lazy();
    let layer = client_layer("c_refused");
    let mut client = EchoClient::new(tower::ServiceBuilder::new().layer(layer).service(channel));
    let status = client
        .unary(request("x"))
        .await
        .expect_err("nothing listens");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");

    let unary = GrpcSeries::client("c_refused", "unary", "Unary");
    assert_eq!(unary.started(), Some(1.0));
    assert_eq!(unary.handled("Unavailable"), Some(1.0));
    assert_eq!(unary.handled_total(), 1.0);
    assert_eq!(unary.received(), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_are_counted_exactly() {
    let address = server("c_concurrent").await;
    let client = client(address, client_layer("c_concurrent")).await;
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let mut client = client.clone();
            tokio::spawn(async move {
                let fail_code = if i % 4 == 0 { Code::Aborted as i32 } else { 0 };
                let _ = client
                    .unary(EchoRequest {
                        fail_code,
                        ..request("x")
                    })
                    .await;
            })
        })
        .collect();
    for call in calls {
        call.await.expect("no panic");
    }

    let unary = GrpcSeries::client("c_concurrent", "unary", "Unary");
    assert_eq!(unary.started(), Some(64.0));
    assert_eq!(unary.handled("OK"), Some(48.0));
    assert_eq!(unary.handled("Aborted"), Some(16.0));
    assert_eq!(unary.handled_total(), 64.0);
    assert_eq!(unary.sent(), Some(64.0));
    assert_eq!(unary.received(), Some(48.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_histogram_is_opt_in() {
    recorder();
    let layer = GrpcClientMetricsLayer::builder()
        .namespace("c_histogram")
        .service(SERVICE, DESCRIPTOR_SET)
        .handling_time_histogram(true)
        .build()
        .expect("a valid client layer");
    let address = server("c_histogram").await;
    let mut client = client(address, layer).await;
    client.unary(request("x")).await.expect("the call succeeds");
    let labels = GrpcSeries::client("c_histogram", "unary", "Unary").labels();
    assert_eq!(
        value("c_histogram_grpc_client_handling_seconds_count", &labels),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opentelemetry_naming_records_the_client_call_duration() {
    recorder();
    let layer = GrpcClientMetricsLayer::builder()
        .namespace("c_otel")
        .service(SERVICE, DESCRIPTOR_SET)
        .naming(GrpcNaming::OpenTelemetry)
        .build()
        .expect("a valid client layer");
    let address = server("c_otel").await;
    let mut client = client(address, layer).await;
    client.unary(request("x")).await.expect("the call succeeds");
    let _ = client
        .unary(EchoRequest {
            fail_code: Code::NotFound as i32,
            ..request("x")
        })
        .await;
    let labels = |code| {
        vec![
            ("rpc_system_name", "grpc"),
            ("rpc_method", "vitals.test.v1.Echo/Unary"),
            ("rpc_status_code", code),
        ]
    };
    assert_eq!(
        value(
            "c_otel_rpc_client_call_duration_seconds_count",
            &labels("OK")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            "c_otel_rpc_client_call_duration_seconds_count",
            &labels("NOT_FOUND")
        ),
        Some(1.0)
    );
    assert!(series_of("c_otel_grpc_client_started_total").is_empty());
}

#[test]
fn a_service_missing_from_the_set_is_refused() {
    let error = GrpcClientMetricsLayer::builder()
        .service("vitals.test.v1.Nope", DESCRIPTOR_SET)
        .build()
        .expect_err("no such service");
    assert!(error.to_string().contains("vitals.test.v1.Nope"), "{error}");
}
