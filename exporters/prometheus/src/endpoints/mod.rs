//! The HTTP endpoints, as an axum [`Router`].
//!
//! | path | answers |
//! |---|---|
//! | `/metrics` | the exposition: text 0.0.4, or OpenMetrics when `Accept` asks for it |
//! | `/livez`, `/healthz`, `/health`, `/health/live` | liveness checks |
//! | `/readyz`, `/health/ready` | readiness checks (and states) |
//! | `/livez/{check}`, `/readyz/{check}` | one check |
//! | `/status` | JSON: build info, liveness, readiness and every state |
//!
//! With a bearer token, `/metrics` and `/status` require it; the probes stay
//! open unless the builder's `protect_health(true)` says otherwise, because
//! kubelets and load balancers probe without credentials.

mod health;
mod metrics;
mod status;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::auth::{BearerToken, require_token};
use crate::shared::Shared;

pub(crate) use self::health::run_checks;

/// Every endpoint, protected as configured.
pub(crate) fn router(
    shared: Arc<Shared>,
    token: Option<BearerToken>,
    protect_health: bool,
) -> Router {
    let data = Router::new()
        .route("/metrics", get(metrics::metrics))
        .route("/status", get(status::status));
    let probes = Router::new()
        .route("/livez", get(health::livez))
        .route("/readyz", get(health::readyz))
        .route("/livez/{check}", get(health::livez_one))
        .route("/readyz/{check}", get(health::readyz_one))
        .route("/healthz", get(health::livez))
        .route("/health", get(health::livez))
        .route("/health/live", get(health::livez))
        .route("/health/ready", get(health::readyz));
    let (data, probes) = match token {
        Some(token) => {
            let guard = || axum::middleware::from_fn_with_state(token.clone(), require_token);
            let probes = if protect_health {
                probes.route_layer(guard())
            } else {
                probes
            };
            (data.route_layer(guard()), probes)
        }
        None => (data, probes),
    };
    data.merge(probes).with_state(shared)
}
