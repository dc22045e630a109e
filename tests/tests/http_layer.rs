//! `HttpMetricsLayer` on a real axum server over loopback, called by a
//! hyper client; assertions on the text the Prometheus exporter renders.
//!
//! One global recorder serves the whole binary, so every test builds its
//! layer under its own prefix.

mod layer_support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::routing::{any, get, post};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;
use tower_http::catch_panic::CatchPanicLayer;
use vitals::middleware::http::HttpMetricsLayer;

use layer_support::{recorder, series_of, serve_router as serve, settle, value};

fn http1() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// HTTP/2 with prior knowledge: dropping a response sends `RST_STREAM`, so
/// the server learns at once that the client has gone.
fn http2() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http()
}

/// Sends a request and reads the whole response.
async fn send(
    address: SocketAddr,
    method: Method,
    path: &str,
    body: &'static [u8],
) -> (StatusCode, Bytes) {
    let request = Request::builder()
        .method(method)
        .uri(format!("http://{address}{path}"))
        .body(Full::new(Bytes::from_static(body)))
        .expect("a valid request");
    let response = http1().request(request).await.expect("an answer");
    let status = response.status();
    (
        status,
        response
            .into_body()
            .collect()
            .await
            .expect("a whole body")
            .to_bytes(),
    )
}

async fn get_path(address: SocketAddr, path: &str) -> StatusCode {
    send(address, Method::GET, path, b"").await.0
}

fn layer(prefix: &str) -> HttpMetricsLayer {
    recorder();
    HttpMetricsLayer::builder()
        .prefix(prefix)
        .build()
        .expect("a valid layer")
}

fn labels<'a>(method: &'a str, route: &'a str, status: &'a str) -> [(&'static str, &'a str); 3] {
    [("method", method), ("route", route), ("status", status)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_labelled_by_method_route_template_and_status() {
    let router = Router::new()
        .route(
            "/users/{id}",
            get(|| async { "ada" }).post(|| async { (StatusCode::CREATED, "made") }),
        )
        .route("/teapot", get(|| async { StatusCode::IM_A_TEAPOT }))
        .layer(layer("routes"));
    let address = serve(router).await;
    assert_eq!(get_path(address, "/users/1").await, StatusCode::OK);
    assert_eq!(get_path(address, "/users/2").await, StatusCode::OK);
    assert_eq!(
        send(address, Method::POST, "/users/3", b"").await.0,
        StatusCode::CREATED
    );
    assert_eq!(get_path(address, "/teapot").await, StatusCode::IM_A_TEAPOT);
    assert_eq!(
        get_path(address, "/nowhere/at/all").await,
        StatusCode::NOT_FOUND
    );
    let purge = Method::from_bytes(b"PURGE").expect("a valid method");
    assert_eq!(
        send(address, purge, "/users/4", b"").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );

    let total = "routes_requests_total";
    settle(total, &labels("_OTHER", "/users/{id}", "405"), 1.0).await;
    assert_eq!(
        value(total, &labels("GET", "/users/{id}", "200")),
        Some(2.0)
    );
    assert_eq!(
        value(total, &labels("POST", "/users/{id}", "201")),
        Some(1.0)
    );
    assert_eq!(value(total, &labels("GET", "/teapot", "418")), Some(1.0));
    assert_eq!(value(total, &labels("GET", "unmatched", "404")), Some(1.0));
    assert_eq!(
        value(total, &labels("_OTHER", "/users/{id}", "405")),
        Some(1.0)
    );
    assert_eq!(series_of(total).len(), 5, "{:#?}", series_of(total));
    assert_eq!(
        value(
            "routes_request_duration_seconds_count",
            &labels("GET", "/users/{id}", "200")
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            "routes_active_requests",
            &[("method", "GET"), ("route", "/users/{id}")]
        ),
        Some(0.0)
    );
    let rendered = recorder().render();
    assert!(
        !rendered.contains("/users/1") && !rendered.contains("nowhere"),
        "raw paths leaked: {rendered}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_routers_give_the_full_route_template() {
    let users = Router::new().route("/{id}/orders/{order}", get(|| async { "order" }));
    let router = Router::new()
        .nest("/api/users", users)
        .layer(layer("nested"));
    let address = serve(router).await;
    assert_eq!(
        get_path(address, "/api/users/7/orders/9").await,
        StatusCode::OK
    );

    let order = labels("GET", "/api/users/{id}/orders/{order}", "200");
    settle("nested_requests_total", &order, 1.0).await;
    assert_eq!(value("nested_requests_total", &order), Some(1.0));
    assert_eq!(series_of("nested_requests_total").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporter_routes_and_chosen_routes_are_excluded() {
    recorder();
    // What an exporter answers: each answer carries its mark.
    let ok = || get(|| async { "ok" });
    let served = || {
        get(|| async {
            (
                axum::Extension(vitals::exporter_routes::ServedByExporter),
                "ok",
            )
        })
    };
    let routes = Router::new()
        .route("/metrics", served())
        .route("/status", served())
        .route("/health", served())
        .route("/livez", served())
        .route("/readyz", served())
        .route("/readyz/{check}", served())
        .route("/internal/{what}", ok())
        .route("/work", ok());
    let layer = HttpMetricsLayer::builder()
        .prefix("excluded")
        .exclude_route("/internal/{what}")
        .build();
    let address = serve(routes.clone().layer(layer.expect("a valid layer"))).await;
    for path in [
        "/metrics",
        "/status",
        "/health",
        "/livez",
        "/readyz",
        "/readyz/database",
        "/internal/debug",
        "/work",
    ] {
        assert_eq!(get_path(address, path).await, StatusCode::OK, "{path}");
    }
    settle(
        "excluded_requests_total",
        &labels("GET", "/work", "200"),
        1.0,
    )
    .await;
    assert_eq!(
        series_of("excluded_requests_total"),
        [r#"excluded_requests_total{method="GET",route="/work",status="200"} 1"#]
    );
    // An exporter's answer is known only when it comes back, so its active
    // gauge exists, back at 0; an excluded route has none at all.
    let active = series_of("excluded_active_requests");
    assert!(active.iter().all(|line| line.ends_with(" 0")), "{active:?}");
    assert!(
        !active.iter().any(|line| line.contains("/internal")),
        "{active:?}"
    );

    let everything = HttpMetricsLayer::builder()
        .prefix("included")
        .no_default_exclusions()
        .build();
    let address = serve(routes.layer(everything.expect("a valid layer"))).await;
    assert_eq!(get_path(address, "/metrics").await, StatusCode::OK);
    settle(
        "included_requests_total",
        &labels("GET", "/metrics", "200"),
        1.0,
    )
    .await;
    assert_eq!(
        value("included_requests_total", &labels("GET", "/metrics", "200")),
        Some(1.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_and_label_names_are_configurable() {
    recorder();
    let layer = HttpMetricsLayer::builder()
        .prefix("server_client_api_http")
        .route_label("endpoint")
        .unmatched_route("none")
        .build()
        .expect("a valid layer");
    let router = Router::new()
        .route("/api/v1/items", get(|| async { "[]" }))
        .layer(layer);
    let address = serve(router).await;
    assert_eq!(get_path(address, "/api/v1/items").await, StatusCode::OK);
    assert_eq!(get_path(address, "/api/v2").await, StatusCode::NOT_FOUND);

    let item = [
        ("method", "GET"),
        ("endpoint", "/api/v1/items"),
        ("status", "200"),
    ];
    let missing = [("method", "GET"), ("endpoint", "none"), ("status", "404")];
    settle("server_client_api_http_requests_total", &missing, 1.0).await;
    assert_eq!(
        value("server_client_api_http_requests_total", &item),
        Some(1.0)
    );
    assert_eq!(
        value(
            "server_client_api_http_request_duration_seconds_count",
            &item
        ),
        Some(1.0)
    );
    let active = [("method", "GET"), ("endpoint", "/api/v1/items")];
    assert_eq!(
        value("server_client_api_http_active_requests", &active),
        Some(0.0)
    );
}

/// The volume provisioner's documented surface: `{endpoint, method, status}`
/// on the counter, `requests_duration_seconds{endpoint, method}`, no gauge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_names_duration_labels_and_the_gauge_are_configurable() {
    recorder();
    let layer = HttpMetricsLayer::builder()
        .prefix("libvirt_volume_provisioner")
        .duration_name("requests_duration_seconds")
        .duration_by_status(false)
        .no_active_requests()
        .route_label("endpoint")
        .build()
        .expect("a valid layer");
    let router = Router::new()
        .route("/volumes/{id}", get(|| async { "{}" }))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .layer(layer);
    let address = serve(router).await;
    assert_eq!(get_path(address, "/volumes/7").await, StatusCode::OK);
    assert_eq!(get_path(address, "/volumes/8").await, StatusCode::OK);
    assert_eq!(get_path(address, "/missing").await, StatusCode::NOT_FOUND);

    let not_found = [
        ("endpoint", "/missing"),
        ("method", "GET"),
        ("status", "404"),
    ];
    settle("libvirt_volume_provisioner_requests_total", &not_found, 1.0).await;
    let ok = [
        ("endpoint", "/volumes/{id}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(
        value("libvirt_volume_provisioner_requests_total", &ok),
        Some(2.0)
    );
    // One duration series per endpoint and method, whatever the status.
    let duration = [("endpoint", "/volumes/{id}"), ("method", "GET")];
    assert_eq!(
        value(
            "libvirt_volume_provisioner_requests_duration_seconds_count",
            &duration
        ),
        Some(2.0)
    );
    assert_eq!(
        series_of("libvirt_volume_provisioner_requests_duration_seconds_count").len(),
        2,
        "{:?}",
        series_of("libvirt_volume_provisioner_requests_duration_seconds_count")
    );
    assert!(series_of("libvirt_volume_provisioner_active_requests").is_empty());
    let text = recorder().render();
    assert!(
        !text.contains("libvirt_volume_provisioner_request_duration_seconds"),
        "{text}"
    );

    let error = HttpMetricsLayer::builder()
        .duration_name("request_latency_ms")
        .build()
        .expect_err("a duration not in seconds");
    assert_eq!(
        error.to_string(),
        "duration histogram `http_server_request_latency_ms` must end in `_seconds`"
    );
    let error = HttpMetricsLayer::builder()
        .requests_name("requests")
        .build()
        .expect_err("a counter without _total");
    assert_eq!(
        error.to_string(),
        "counter `http_server_requests` must end in `_total`"
    );
}

#[test]
fn invalid_names_are_refused() {
    let error = HttpMetricsLayer::builder()
        .route_label("end-point")
        .build()
        .expect_err("an invalid label");
    assert_eq!(
        error.to_string(),
        "invalid `route_label`: `end-point` is not a valid label name: expected ASCII letters, digits and `_`, not starting with a digit"
    );
    let error = HttpMetricsLayer::builder()
        .prefix("9lives")
        .build()
        .expect_err("an invalid prefix");
    assert_eq!(
        error.to_string(),
        "invalid `prefix`: `9lives` is not a valid metric name: expected ASCII letters, digits and `_`, not starting with a digit"
    );
    let error = HttpMetricsLayer::builder()
        .route_label("status")
        .build()
        .expect_err("a clash");
    assert!(
        error.to_string().starts_with("label names must differ"),
        "{error}"
    );
}

/// The receiving end of a response body the test feeds, taken by the one request.
type Feed = Arc<Mutex<Option<mpsc::Receiver<Result<Bytes, Infallible>>>>>;

/// A route whose response body is fed by the test through a channel.
fn streaming_route(feed: &Feed) -> Router {
    let feed = Arc::clone(feed);
    Router::new().route(
        "/stream",
        get(move || {
            let receiver = feed
                .lock()
                .expect("not poisoned")
                .take()
                .expect("one request per channel");
            async move { Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver)) }
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_ends_when_the_body_has_been_sent() {
    let (sender, receiver) = mpsc::channel(4);
    let feed = Arc::new(Mutex::new(Some(receiver)));
    let address = serve(streaming_route(&feed).layer(layer("streaming"))).await;
    let request = Request::get(format!("http://{address}/stream"))
        .body(Full::default())
        .expect("a valid request");
    sender
        .send(Ok(Bytes::from_static(b"first")))
        .await
        .expect("the handler listens");
    let response = http1().request(request).await.expect("the headers");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = body
        .frame()
        .await
        .expect("a frame")
        .expect("no error")
        .into_data()
        .expect("data");
    assert_eq!(first, "first");

    // Headers and a first chunk are out, the body is not: still in flight.
    let active = [("method", "GET"), ("route", "/stream")];
    assert_eq!(value("streaming_active_requests", &active), Some(1.0));
    assert_eq!(
        value("streaming_requests_total", &labels("GET", "/stream", "200")),
        None
    );

    sender
        .send(Ok(Bytes::from_static(b"last")))
        .await
        .expect("the body listens");
    drop(sender);
    let rest = body.collect().await.expect("the rest").to_bytes();
    assert_eq!(rest, "last");
    settle(
        "streaming_requests_total",
        &labels("GET", "/stream", "200"),
        1.0,
    )
    .await;
    assert_eq!(
        value("streaming_requests_total", &labels("GET", "/stream", "200")),
        Some(1.0)
    );
    assert_eq!(
        value(
            "streaming_request_duration_seconds_count",
            &labels("GET", "/stream", "200")
        ),
        Some(1.0)
    );
    assert_eq!(value("streaming_active_requests", &active), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_before_the_response_is_counted_once_as_499() {
    let router = Router::new()
        .route("/hang", get(std::future::pending::<&'static str>))
        .layer(layer("gone_early"));
    let address = serve(router).await;
    let call = tokio::spawn(async move {
        let request = Request::get(format!("http://{address}/hang"))
            .body(Full::default())
            .expect("a valid request");
        http2().request(request).await
    });
    let active = [("method", "GET"), ("route", "/hang")];
    settle("gone_early_active_requests", &active, 1.0).await;
    assert_eq!(value("gone_early_active_requests", &active), Some(1.0));
    call.abort();

    settle(
        "gone_early_requests_total",
        &labels("GET", "/hang", "499"),
        1.0,
    )
    .await;
    assert_eq!(
        value("gone_early_requests_total", &labels("GET", "/hang", "499")),
        Some(1.0)
    );
    assert_eq!(series_of("gone_early_requests_total").len(), 1);
    assert_eq!(value("gone_early_active_requests", &active), Some(0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_during_the_body_is_counted_once_as_499() {
    let (sender, receiver) = mpsc::channel(4);
    let feed = Arc::new(Mutex::new(Some(receiver)));
    let address = serve(streaming_route(&feed).layer(layer("gone_late"))).await;
    sender
        .send(Ok(Bytes::from_static(b"first")))
        .await
        .expect("the handler listens");
    let request = Request::get(format!("http://{address}/stream"))
        .body(Full::default())
        .expect("a valid request");
    let response = http2().request(request).await.expect("the headers");
    let mut body = response.into_body();
    body.frame().await.expect("a frame").expect("no error");
    drop(body);

    settle(
        "gone_late_requests_total",
        &labels("GET", "/stream", "499"),
        1.0,
    )
    .await;
    assert_eq!(
        value("gone_late_requests_total", &labels("GET", "/stream", "499")),
        Some(1.0)
    );
    assert_eq!(
        value("gone_late_requests_total", &labels("GET", "/stream", "200")),
        None
    );
    assert_eq!(
        value(
            "gone_late_active_requests",
            &[("method", "GET"), ("route", "/stream")]
        ),
        Some(0.0)
    );
    drop(sender);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_under_catch_panic_is_counted_once_as_500() {
    async fn boom() -> &'static str {
        panic!("handler panics on purpose")
    }
    // Catch-panic outside the metrics layer: the panic unwinds through it.
    let outside = Router::new()
        .route("/boom", get(boom))
        .layer(layer("panic_outside"))
        .layer(CatchPanicLayer::new());
    // Catch-panic inside: the metrics layer sees the 500 it answers.
    let inside = Router::new()
        .route("/boom", get(boom))
        .layer(CatchPanicLayer::new())
        .layer(layer("panic_inside"));
    for (prefix, router) in [("panic_outside", outside), ("panic_inside", inside)] {
        let address = serve(router).await;
        assert_eq!(
            get_path(address, "/boom").await,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            get_path(address, "/boom").await,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let total = format!("{prefix}_requests_total");
        settle(&total, &labels("GET", "/boom", "500"), 2.0).await;
        assert_eq!(
            value(&total, &labels("GET", "/boom", "500")),
            Some(2.0),
            "{prefix}: {:?}",
            series_of(&total)
        );
        assert_eq!(series_of(&total).len(), 1, "{prefix}");
        let active = format!("{prefix}_active_requests");
        assert_eq!(
            value(&active, &[("method", "GET"), ("route", "/boom")]),
            Some(0.0),
            "{prefix}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_sizes_are_recorded_when_asked() {
    recorder();
    let layer = HttpMetricsLayer::builder()
        .prefix("sizes")
        .body_sizes(true)
        .build()
        .expect("a valid layer");
    let router = Router::new()
        .route(
            "/echo",
            post(|body: Bytes| async move { [body.clone(), body].concat() }),
        )
        .layer(layer);
    let address = serve(router).await;
    let (status, body) = send(address, Method::POST, "/echo", &[7; 1000]).await;
    assert_eq!((status, body.len()), (StatusCode::OK, 2000));

    let echo = labels("POST", "/echo", "200");
    settle("sizes_requests_total", &echo, 1.0).await;
    assert_eq!(
        value("sizes_request_body_size_bytes_count", &echo),
        Some(1.0)
    );
    assert_eq!(
        value("sizes_request_body_size_bytes_sum", &echo),
        Some(1000.0)
    );
    assert_eq!(
        value("sizes_response_body_size_bytes_sum", &echo),
        Some(2000.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_counted_exactly() {
    const TASKS: usize = 8;
    const REQUESTS: usize = 50;
    let router = Router::new()
        .route("/a", get(|| async { "a" }))
        .route("/b/{id}", any(|| async { "b" }))
        .layer(layer("load"));
    let address = serve(router).await;
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            tokio::spawn(async move {
                for request in 0..REQUESTS {
                    let path = if request % 2 == 0 {
                        "/a".to_owned()
                    } else {
                        format!("/b/{task}-{request}")
                    };
                    assert_eq!(get_path(address, &path).await, StatusCode::OK);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("the task completes");
    }
    let half = (TASKS * REQUESTS / 2) as f64;
    settle("load_requests_total", &labels("GET", "/a", "200"), half).await;
    settle(
        "load_requests_total",
        &labels("GET", "/b/{id}", "200"),
        half,
    )
    .await;
    assert_eq!(
        value("load_requests_total", &labels("GET", "/a", "200")),
        Some(half)
    );
    assert_eq!(
        value("load_requests_total", &labels("GET", "/b/{id}", "200")),
        Some(half)
    );
    assert_eq!(
        value(
            "load_request_duration_seconds_count",
            &labels("GET", "/b/{id}", "200")
        ),
        Some(half)
    );
    assert_eq!(
        value(
            "load_active_requests",
            &[("method", "GET"), ("route", "/a")]
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            "load_active_requests",
            &[("method", "GET"), ("route", "/b/{id}")]
        ),
        Some(0.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_one_configuration_twice_declares_once_and_shares_series() {
    recorder();
    let build = || {
        HttpMetricsLayer::builder()
            .prefix("twice")
            .build()
            .expect("a valid layer")
    };
    let declarations = || {
        vitals::catalogue()
            .descriptors()
            .iter()
            .filter(|descriptor| descriptor.name().starts_with("twice_"))
            .map(|descriptor| *descriptor as *const _ as usize)
            .collect::<Vec<_>>()
    };
    let first = build();
    let declared = declarations();
    assert_eq!(declared.len(), 3, "requests, duration, active");
    let second = build();
    assert_eq!(declarations(), declared, "no second declaration");

    let app = || Router::new().route("/work", get(|| async { "ok" }));
    let one = serve(app().layer(first)).await;
    let other = serve(app().layer(second)).await;
    assert_eq!(get_path(one, "/work").await, StatusCode::OK);
    assert_eq!(get_path(other, "/work").await, StatusCode::OK);
    settle("twice_requests_total", &labels("GET", "/work", "200"), 2.0).await;
    assert_eq!(series_of("twice_requests_total").len(), 1);
}
