//! The client API over HTTP: `/status`, `/manifest`, `/recover`, measured by
//! an `HttpMetricsLayer` under the `server_client_api_http` prefix.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use vitals::health::HealthState;
use vitals::middleware::http::HttpMetricsLayer;

use crate::state::{Coordinator, Refusal};

/// The HTTP metrics layer: `server_client_api_http_requests_total`,
/// `..._request_duration_seconds` and `..._active_requests`.
pub(crate) fn metrics_layer() -> HttpMetricsLayer {
    HttpMetricsLayer::builder()
        .prefix("server_client_api_http")
        .build()
        .expect("`server_client_api_http` is a valid prefix")
}

/// The client API's routes, measured by `layer`.
pub(crate) fn router(coordinator: Coordinator, layer: HttpMetricsLayer) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/manifest", get(get_manifest).post(set_manifest))
        .route("/recover", post(recover))
        .with_state(coordinator)
        .layer(layer)
}

/// The JSON envelope of every answer: `{"status": "success", "data": ...}`
/// or `{"status": "error", "message": ...}`.
fn answer(result: Result<Value, Refusal>) -> (StatusCode, Json<Value>) {
    match result {
        Ok(data) => (
            StatusCode::OK,
            Json(json!({"status": "success", "data": data})),
        ),
        Err(refusal) => {
            let status = match refusal {
                Refusal::WrongState(_) => StatusCode::CONFLICT,
                Refusal::Invalid(_) | Refusal::UnknownMarble => StatusCode::BAD_REQUEST,
                Refusal::Attestation(_) => StatusCode::FORBIDDEN,
            };
            (
                status,
                Json(json!({"status": "error", "message": refusal.to_string()})),
            )
        }
    }
}

/// `GET /status`: the state code and what it means.
async fn status(State(coordinator): State<Coordinator>) -> (StatusCode, Json<Value>) {
    let state = coordinator.state();
    answer(Ok(
        json!({"StatusCode": state.code(), "StatusMessage": state.meaning()}),
    ))
}

async fn get_manifest(State(coordinator): State<Coordinator>) -> (StatusCode, Json<Value>) {
    answer(
        coordinator
            .manifest()
            .map(|(manifest, generation)| json!({"Manifest": manifest, "Generation": generation})),
    )
}

async fn set_manifest(
    State(coordinator): State<Coordinator>,
    body: String,
) -> (StatusCode, Json<Value>) {
    answer(
        coordinator
            .set_manifest(&body)
            .map(|generation| json!({"Generation": generation})),
    )
}

async fn recover(
    State(coordinator): State<Coordinator>,
    body: String,
) -> (StatusCode, Json<Value>) {
    answer(
        coordinator
            .recover(body.trim())
            .map(|()| json!({"StatusMessage": "recovery successful"})),
    )
}
