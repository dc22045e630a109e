//! A layer wrapped around the router (instead of `Router::layer`) never
//! sees a matched route: it warns once, through `tracing`.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use tower::{Layer, ServiceExt};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use vitals::middleware::http::HttpMetricsLayer;

/// Remembers the message of every warning.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Warnings {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() == tracing::Level::WARN
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0.lock().unwrap().push(message.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The warnings raised while `requests` requests go through `app`.
fn warnings_after<S, B>(app: S, requests: usize) -> Vec<String>
where
    S: tower::Service<http::Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
{
    let warnings = Warnings::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    tracing::subscriber::with_default(warnings.clone(), || {
        runtime.block_on(async {
            for _ in 0..requests {
                let request = http::Request::get("/orders").body(Body::empty()).unwrap();
                let response = app.clone().oneshot(request).await.unwrap();
                assert_eq!(response.status(), http::StatusCode::OK);
            }
        });
    });
    let seen = warnings.0.lock().unwrap().clone();
    seen.into_iter()
        .filter(|message| message.contains("HttpMetricsLayer"))
        .collect()
}

fn router() -> Router {
    Router::new().route("/orders", get(|| async { "[]" }))
}

#[test]
fn a_layer_around_the_router_warns_once() {
    let layer = HttpMetricsLayer::builder()
        .prefix("wrapped")
        .build()
        .unwrap();
    let warnings = warnings_after(layer.layer(router()), 200);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("Router::layer"), "{}", warnings[0]);
}

#[test]
fn a_layer_added_with_router_layer_stays_quiet() {
    let layer = HttpMetricsLayer::builder()
        .prefix("placed")
        .build()
        .unwrap();
    let warnings = warnings_after(router().layer(layer), 200);
    assert!(warnings.is_empty(), "{warnings:?}");
}
