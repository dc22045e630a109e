//! `GrpcMetricsLayer` on a real tonic server over loopback HTTP/2, called by
//! tonic clients; assertions on the text the Prometheus exporter renders.
//!
//! One global recorder serves the whole binary, so every test builds its
//! layer under its own namespace.

mod layer_support;

use http::uri::PathAndQuery;
use tokio_stream::StreamExt;
use tonic::Code;
use vitals::middleware::grpc::{GrpcMetricsLayer, GrpcNaming};

use layer_support::echo::{EchoService, client, serve, serve_catching_panics};
use layer_support::grpc_series::{GrpcSeries, SERVICE};
use layer_support::proto::echo_server::EchoServer;
use layer_support::proto::{DESCRIPTOR_SET, EchoReply, EchoRequest};
use layer_support::{recorder, series_of, settle, value};

fn layer(namespace: &str) -> GrpcMetricsLayer {
    recorder();
    GrpcMetricsLayer::builder()
        .namespace(namespace)
        .service::<EchoServer<EchoService>>(DESCRIPTOR_SET)
        .build()
        .expect("a valid layer")
}

/// Serves `layer` on a fresh server and makes one successful unary call.
async fn call_unary_once(layer: GrpcMetricsLayer) {
    let address = serve(layer).await;
    client(address)
        .await
        .unary(request("x"))
        .await
        .expect("the call succeeds");
}

fn request(message: &str) -> EchoRequest {
    EchoRequest {
        message: message.to_owned(),
        ..EchoRequest::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_call_counts_one_message_each_way() {
    let address = serve(layer("unary_ok")).await;
    let mut client = client(address).await;
    let reply = client
        .unary(request("hello"))
        .await
        .expect("the call succeeds")
        .into_inner();
    assert_eq!(reply.message, "hello");

    let unary = GrpcSeries::server("unary_ok", "unary", "Unary");
    unary.settle("OK", 1.0).await;
    assert_eq!(unary.started(), Some(1.0));
    assert_eq!(unary.handled("OK"), Some(1.0));
    assert_eq!(unary.received(), Some(1.0));
    assert_eq!(unary.sent(), Some(1.0));
    assert_eq!(unary.timed(), Some(1.0));
    assert_eq!(unary.handled("NotFound"), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_methods_have_zero_series_before_any_call() {
    let _layer = layer("precreated");
    for (kind, name) in [
        ("unary", "Unary"),
        ("client_stream", "Collect"),
        ("server_stream", "Expand"),
        ("bidi_stream", "Chat"),
    ] {
        let method = GrpcSeries::server("precreated", kind, name);
        assert_eq!(method.started(), Some(0.0), "{name}");
        assert_eq!(method.received(), Some(0.0), "{name}");
        assert_eq!(method.sent(), Some(0.0), "{name}");
        for code in vitals::status::GRPC_CODE_NAMES {
            assert_eq!(method.handled(code), Some(0.0), "{name} {code}");
        }
    }
    assert_eq!(
        series_of("precreated_grpc_server_handled_total").len(),
        4 * 17
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_counts_every_request_message() {
    let address = serve(layer("collect_ok")).await;
    let mut client = client(address).await;
    let requests = tokio_stream::iter(vec![request("a"), request("b"), request("c")]);
    let reply = client
        .collect(requests)
        .await
        .expect("the call succeeds")
        .into_inner();
    assert_eq!(reply.index, 3);

    let collect = GrpcSeries::server("collect_ok", "client_stream", "Collect");
    collect.settle("OK", 1.0).await;
    assert_eq!(collect.started(), Some(1.0));
    assert_eq!(collect.received(), Some(3.0));
    assert_eq!(collect.sent(), Some(1.0));
    assert_eq!(collect.timed(), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_is_timed_to_the_end_of_the_stream() {
    let address = serve(layer("expand_ok")).await;
    let mut client = client(address).await;
    let mut replies = client
        .expand(EchoRequest {
            replies: 4,
            ..request("x")
        })
        .await
        .expect("a stream")
        .into_inner();
    let mut count = 0;
    while let Some(reply) = replies.message().await.expect("no error") {
        assert_eq!(reply.index, count);
        count += 1;
    }
    assert_eq!(count, 4);

    let expand = GrpcSeries::server("expand_ok", "server_stream", "Expand");
    expand.settle("OK", 1.0).await;
    assert_eq!(expand.received(), Some(1.0));
    assert_eq!(expand.sent(), Some(4.0));
    assert_eq!(expand.timed(), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_streaming_counts_both_directions() {
    let address = serve(layer("chat_ok")).await;
    let mut client = client(address).await;
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

    let chat = GrpcSeries::server("chat_ok", "bidi_stream", "Chat");
    chat.settle("OK", 1.0).await;
    assert_eq!(chat.started(), Some(1.0));
    assert_eq!(chat.received(), Some(5.0));
    assert_eq!(chat.sent(), Some(5.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_before_the_first_message_come_from_the_headers() {
    let address = serve(layer("early_error")).await;
    let mut client = client(address).await;
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
    let requests = vec![
        request("a"),
        EchoRequest {
            fail_code: Code::InvalidArgument as i32,
            ..request("b")
        },
    ];
    let collect = client.collect(tokio_stream::iter(requests)).await;
    assert_eq!(collect.expect_err("fails").code(), Code::InvalidArgument);

    let unary = GrpcSeries::server("early_error", "unary", "Unary");
    unary.settle("NotFound", 1.0).await;
    assert_eq!(unary.handled("OK"), Some(0.0));
    assert_eq!(unary.received(), Some(1.0));
    assert_eq!(unary.sent(), Some(0.0));
    let expand = GrpcSeries::server("early_error", "server_stream", "Expand");
    expand.settle("PermissionDenied", 1.0).await;
    assert_eq!(expand.sent(), Some(0.0));
    let collect = GrpcSeries::server("early_error", "client_stream", "Collect");
    collect.settle("InvalidArgument", 1.0).await;
    assert_eq!(collect.received(), Some(2.0));
    assert_eq!(collect.sent(), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_raised_mid_stream_come_from_the_trailers() {
    let address = serve(layer("late_error")).await;
    let mut client = client(address).await;
    let aborting = EchoRequest {
        fail_code: Code::Aborted as i32,
        fail_after: 2,
        ..request("x")
    };
    let mut replies = client
        .expand(aborting)
        .await
        .expect("a stream")
        .into_inner();
    assert!(replies.message().await.expect("first").is_some());
    assert!(replies.message().await.expect("second").is_some());
    assert_eq!(
        replies.message().await.expect_err("then the error").code(),
        Code::Aborted
    );

    let requests = vec![
        request("a"),
        request("b"),
        EchoRequest {
            fail_code: Code::DataLoss as i32,
            ..request("c")
        },
    ];
    let mut chat = client
        .chat(tokio_stream::iter(requests))
        .await
        .expect("a stream")
        .into_inner();
    assert!(chat.message().await.expect("first").is_some());
    assert!(chat.message().await.expect("second").is_some());
    assert_eq!(
        chat.message().await.expect_err("then the error").code(),
        Code::DataLoss
    );

    let expand = GrpcSeries::server("late_error", "server_stream", "Expand");
    expand.settle("Aborted", 1.0).await;
    assert_eq!(expand.handled("OK"), Some(0.0));
    assert_eq!(expand.sent(), Some(2.0));
    assert_eq!(expand.timed(), Some(1.0));
    let chat = GrpcSeries::server("late_error", "bidi_stream", "Chat");
    chat.settle("DataLoss", 1.0).await;
    assert_eq!(chat.received(), Some(3.0));
    assert_eq!(chat.sent(), Some(2.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_the_client_cancels_are_canceled() {
    let address = serve(layer("cancel")).await;
    let unary = GrpcSeries::server("cancel", "unary", "Unary");
    let mut hanging_client = client(address).await;
    let call = tokio::spawn(async move {
        hanging_client
            .unary(EchoRequest {
                hang: true,
                ..request("x")
            })
            .await
    });
    settle("cancel_grpc_server_started_total", &unary.labels(), 1.0).await;
    call.abort();
    unary.settle("Canceled", 1.0).await;
    assert_eq!(unary.handled("Canceled"), Some(1.0));
    assert_eq!(unary.handled("OK"), Some(0.0));

    let mut client = client(address).await;
    let mut replies = client
        .expand(EchoRequest {
            replies: 2,
            hang: true,
            ..request("x")
        })
        .await
        .expect("a stream")
        .into_inner();
    assert!(replies.message().await.expect("first").is_some());
    assert!(replies.message().await.expect("second").is_some());
    drop(replies);
    let expand = GrpcSeries::server("cancel", "server_stream", "Expand");
    expand.settle("Canceled", 1.0).await;
    assert_eq!(expand.handled("Canceled"), Some(1.0));
    assert_eq!(expand.sent(), Some(2.0));
    assert_eq!(expand.timed(), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_panic_is_internal_and_counted_once() {
    let address = serve(layer("panic")).await;
    let mut client = client(address).await;
    let result = client
        .unary(EchoRequest {
            panic: true,
            ..request("x")
        })
        .await;
    assert!(result.is_err(), "the client sees the call fail");

    let unary = GrpcSeries::server("panic", "unary", "Unary");
    unary.settle("Internal", 1.0).await;
    assert_eq!(unary.started(), Some(1.0));
    assert_eq!(unary.handled("Internal"), Some(1.0));
    assert_eq!(unary.handled("OK"), Some(0.0));
    // The server keeps serving.
    client
        .unary(request("after"))
        .await
        .expect("the next call succeeds");
    unary.settle("OK", 1.0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_caught_outside_the_layer_is_internal() {
    let address = serve_catching_panics(layer("caught")).await;
    let mut client = client(address).await;
    let result = client
        .unary(EchoRequest {
            panic: true,
            ..request("x")
        })
        .await;
    assert!(result.is_err(), "the client sees the call fail");

    let unary = GrpcSeries::server("caught", "unary", "Unary");
    unary.settle("Internal", 1.0).await;
    assert_eq!(unary.handled("Internal"), Some(1.0));
    assert_eq!(unary.handled("Canceled"), Some(0.0));
    assert_eq!(unary.started(), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_and_plain_http_are_labelled_unknown() {
    let address = serve(layer("unknown")).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
        .expect("a valid uri")
        .connect()
        .await
        .expect("the server is up");
    for path in ["/vitals.test.v1.Echo/Nope", "/nope.v1.Nope/Call"] {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.expect("ready");
        let codec = tonic_prost::ProstCodec::<EchoRequest, EchoReply>::default();
        let result = grpc
            .unary(
                tonic::Request::new(request("x")),
                PathAndQuery::from_static(path),
                codec,
            )
            .await;
        assert_eq!(
            result.expect_err("no such method").code(),
            Code::Unimplemented,
            "{path}"
        );
    }
    // A plain HTTP/2 request that is not gRPC at all.
    let plain = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let response = plain
        .get(format!("http://{address}/").parse().expect("a uri"))
        .await
        .expect("an answer");
    drop(response);

    let unknown = GrpcSeries::unknown_server("unknown");
    settle("unknown_grpc_server_started_total", &unknown.labels(), 3.0).await;
    unknown.settle("Unimplemented", 3.0).await;
    assert_eq!(unknown.started(), Some(3.0));
    assert_eq!(unknown.handled("Unimplemented"), Some(3.0));
    assert_eq!(
        GrpcSeries::server("unknown", "unary", "Unary").started(),
        Some(0.0)
    );
    // Nothing from the request paths became a label value.
    let rendered = recorder().render();
    assert!(!rendered.contains("Nope"), "{rendered}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_are_counted_exactly() {
    const TASKS: usize = 8;
    const UNARY: usize = 25;
    const STREAMS: usize = 5;
    let address = serve(layer("load")).await;
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        tasks.push(tokio::spawn(async move {
            let mut client = client(address).await;
            for call in 0..UNARY {
                client
                    .unary(request(&format!("{task}-{call}")))
                    .await
                    .expect("the call succeeds");
            }
            for _ in 0..STREAMS {
                let replies = client
                    .expand(EchoRequest {
                        replies: 3,
                        ..request("x")
                    })
                    .await
                    .expect("a stream");
                let replies: Vec<EchoReply> = replies
                    .into_inner()
                    .map(|reply| reply.expect("no error"))
                    .collect()
                    .await;
                let count = replies.len();
                assert_eq!(count, 3);
            }
        }));
    }
    for task in tasks {
        task.await.expect("the task completes");
    }
    let unary = GrpcSeries::server("load", "unary", "Unary");
    let expand = GrpcSeries::server("load", "server_stream", "Expand");
    let calls = (TASKS * UNARY) as f64;
    let streams = (TASKS * STREAMS) as f64;
    unary.settle("OK", calls).await;
    expand.settle("OK", streams).await;
    assert_eq!(unary.started(), Some(calls));
    assert_eq!(unary.handled("OK"), Some(calls));
    assert_eq!(unary.received(), Some(calls));
    assert_eq!(unary.sent(), Some(calls));
    assert_eq!(unary.timed(), Some(calls));
    assert_eq!(expand.started(), Some(streams));
    assert_eq!(expand.sent(), Some(3.0 * streams));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_set_labels_codes_and_the_histogram() {
    recorder();
    let layer = GrpcMetricsLayer::builder()
        .namespace("options")
        .const_label("api", "user")
        .handling_time_histogram(false)
        .precreated_codes(&[Code::Ok, Code::NotFound])
        .service::<EchoServer<EchoService>>(DESCRIPTOR_SET)
        .build()
        .expect("a valid layer");
    call_unary_once(layer).await;

    let labels = |code| {
        vec![
            ("grpc_type", "unary"),
            ("grpc_service", SERVICE),
            ("grpc_method", "Unary"),
            ("api", "user"),
            ("grpc_code", code),
        ]
    };
    settle("options_grpc_server_handled_total", &labels("OK"), 1.0).await;
    assert_eq!(
        value("options_grpc_server_handled_total", &labels("OK")),
        Some(1.0)
    );
    assert_eq!(
        value("options_grpc_server_handled_total", &labels("NotFound")),
        Some(0.0)
    );
    assert_eq!(
        value("options_grpc_server_handled_total", &labels("Internal")),
        None
    );
    assert!(series_of("options_grpc_server_handling_seconds_count").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opentelemetry_naming_records_call_duration_by_code() {
    recorder();
    let layer = GrpcMetricsLayer::builder()
        .namespace("otel")
        .naming(GrpcNaming::OpenTelemetry)
        .service::<EchoServer<EchoService>>(DESCRIPTOR_SET)
        .build()
        .expect("a valid layer");
    let address = serve(layer).await;
    let mut client = client(address).await;
    client.unary(request("x")).await.expect("the call succeeds");
    let failed = client
        .unary(EchoRequest {
            fail_code: Code::NotFound as i32,
            ..request("x")
        })
        .await;
    assert_eq!(failed.expect_err("fails").code(), Code::NotFound);

    let labels = |code| {
        vec![
            ("rpc_system_name", "grpc"),
            ("rpc_method", "vitals.test.v1.Echo/Unary"),
            ("rpc_status_code", code),
        ]
    };
    let name = "otel_rpc_server_call_duration_seconds_count";
    settle(name, &labels("NOT_FOUND"), 1.0).await;
    settle(name, &labels("OK"), 1.0).await;
    assert_eq!(value(name, &labels("OK")), Some(1.0));
    assert_eq!(value(name, &labels("NOT_FOUND")), Some(1.0));
    assert!(series_of("otel_grpc_server_started_total").is_empty());

    // Methods the layer does not know are `_OTHER`, as the conventions ask.
    let mut grpc = tonic::client::Grpc::new(
        tonic::transport::Channel::from_shared(format!("http://{address}"))
            .expect("a valid uri")
            .connect()
            .await
            .expect("the server is up"),
    );
    grpc.ready().await.expect("ready");
    let codec = tonic_prost::ProstCodec::<EchoRequest, EchoReply>::default();
    let path = PathAndQuery::from_static("/vitals.test.v1.Echo/Nope");
    let unknown = grpc
        .unary(tonic::Request::new(request("x")), path, codec)
        .await;
    assert_eq!(
        unknown.expect_err("no such method").code(),
        Code::Unimplemented
    );
    let other = [
        ("rpc_system_name", "grpc"),
        ("rpc_method", "_OTHER"),
        ("rpc_status_code", "UNIMPLEMENTED"),
    ];
    settle(name, &other, 1.0).await;
    assert_eq!(value(name, &other), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_layer_without_a_service_is_refused_unless_asked_for() {
    let error = GrpcMetricsLayer::builder()
        .namespace("forgotten")
        .build()
        .expect_err("no service registered");
    assert!(
        error.to_string().contains("service::<S>(descriptor_set)"),
        "{error}"
    );

    // Asked for: every call is labelled unknown, over real HTTP/2.
    recorder();
    let layer = GrpcMetricsLayer::builder()
        .namespace("unregistered")
        .without_methods()
        .build()
        .expect("no methods on purpose");
    call_unary_once(layer).await;
    let unknown = [
        ("grpc_type", "unknown"),
        ("grpc_service", "unknown"),
        ("grpc_method", "unknown"),
    ];
    settle("unregistered_grpc_server_started_total", &unknown, 1.0).await;
    assert_eq!(
        value("unregistered_grpc_server_started_total", &unknown),
        Some(1.0)
    );
}
