//! The HTTP endpoints, as an axum [`Router`].
//!
//! | path | answers |
//! |---|---|
//! | `/` | the live page: links, health, states, build info, charts (unless switched off) |
//! | `/metrics` | the exposition: text 0.0.4, or OpenMetrics when `Accept` asks for it |
//! | `/livez`, `/healthz`, `/health`, `/health/live` | liveness checks |
//! | `/readyz`, `/health/ready` | readiness checks (and states) |
//! | `/livez/{check}`, `/readyz/{check}` | one check |
//! | `/status` | JSON: build info, liveness, readiness and every state |
//! | `/debug/pprof/profile?seconds=N` | a CPU profile, pprof protobuf (feature `pprof`) |
//! | `/debug/pprof/heap` | jemalloc's heap profile, pprof protobuf (feature `pprof`) |
//!
//! With a bearer token, `/metrics`, `/status` and the profiles require it; the probes stay
//! open unless the builder's `protect_health(true)` says otherwise, because
//! kubelets and load balancers probe without credentials.
//!
//! Every answer of `/metrics`, refused ones included, is counted in
//! client_golang's `promhttp_metric_handler_*` (see `scrape_metrics`).

mod health;
#[cfg(feature = "pprof")]
mod heap;
mod metrics;
mod page;
#[cfg(feature = "pprof")]
mod profile;
mod status;

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, get};

use crate::auth::{BearerToken, require_token};
use crate::scrape_metrics::count_scrapes;
use crate::shared::Shared;

/// The exposition, behind the token and counted by the scrape self-metrics.
fn scrape_routes() -> Vec<(&'static str, MethodRouter<Arc<Shared>>)> {
    vec![("/metrics", get(metrics::metrics))]
}

/// The other endpoints the token protects.
fn data_routes() -> Vec<(&'static str, MethodRouter<Arc<Shared>>)> {
    let routes = vec![("/status", get(status::status))];
    #[cfg(feature = "pprof")]
    let routes = {
        let mut routes = routes;
        routes.push(("/debug/pprof/profile", get(profile::profile)));
        routes.push(("/debug/pprof/heap", get(heap::heap)));
        routes
    };
    routes
}

/// The probes, open unless `protect_health` says otherwise.
fn probe_routes() -> Vec<(&'static str, MethodRouter<Arc<Shared>>)> {
    vec![
        ("/livez", get(health::livez)),
        ("/readyz", get(health::readyz)),
        ("/livez/{check}", get(health::livez_one)),
        ("/readyz/{check}", get(health::readyz_one)),
        ("/healthz", get(health::livez)),
        ("/health", get(health::livez)),
        ("/health/live", get(health::livez)),
        ("/health/ready", get(health::readyz)),
    ]
}

/// A router of `routes`, each also registered in
/// [`vitals::exporter_routes`], so the HTTP layer's default exclusions are
/// exactly what is served here.
fn routed(routes: Vec<(&'static str, MethodRouter<Arc<Shared>>)>) -> Router<Arc<Shared>> {
    let paths: Vec<&'static str> = routes.iter().map(|(path, _)| *path).collect();
    vitals::exporter_routes::register(&paths);
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}

/// Every endpoint, protected as configured.
pub(crate) fn router(
    shared: Arc<Shared>,
    token: Option<BearerToken>,
    protect_health: bool,
) -> Router {
    let scrape = routed(scrape_routes());
    let data = routed(data_routes());
    let probes = routed(probe_routes());
    let (scrape, data, probes) = match token {
        Some(token) => {
            let guard = || axum::middleware::from_fn_with_state(token.clone(), require_token);
            let probes = if protect_health {
                probes.route_layer(guard())
            } else {
                probes
            };
            (
                scrape.route_layer(guard()),
                data.route_layer(guard()),
                probes,
            )
        }
        None => (scrape, data, probes),
    };
    // Outside the guard: refused scrapes are counted too.
    let scrape = match &shared.scrape_metrics {
        Some(counted) => scrape.route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(counted),
            count_scrapes,
        )),
        None => scrape,
    };
    let router = scrape.merge(data).merge(probes);
    // Open: the page holds no data, and fetches what it shows with the token.
    let router = if shared.live_page {
        router.merge(routed(vec![("/", get(page::page))]))
    } else {
        router
    };
    // Every answer carries the mark, so an HTTP layer around a router that
    // merges this one leaves it uncounted (and an application's own routes
    // of the same paths elsewhere are still counted).
    router
        .route_layer(axum::middleware::map_response(mark_served))
        .with_state(shared)
}

async fn mark_served(mut response: axum::response::Response) -> axum::response::Response {
    response
        .extensions_mut()
        .insert(vitals::exporter_routes::ServedByExporter);
    response
}
