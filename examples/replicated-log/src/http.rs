//! The HTTP server on the metrics port: the exporter's `/metrics` and
//! `/health/*` probes, the guide's `/status`, and a small client API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::node::{Node, RequestError, Status};

/// `/status` and the client API, falling back to the exporter's endpoints
/// (`/metrics`, `/health/live`, `/health/ready`, ...) for every other path.
pub(crate) fn router(node: Node, exporter: Router) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/v1/tenants/{tenant}/entries", get(query).post(write))
        .with_state(node)
        .fallback_service(exporter)
}

async fn status(State(node): State<Node>) -> Json<Status> {
    Json(node.status())
}

fn failure(error: RequestError) -> (StatusCode, Json<Value>) {
    let code = match error {
        RequestError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        RequestError::UnknownTenant => StatusCode::NOT_FOUND,
    };
    (code, Json(json!({"error": error.to_string()})))
}

async fn write(
    State(node): State<Node>,
    Path(tenant): Path<String>,
    body: axum::body::Bytes,
) -> (StatusCode, Json<Value>) {
    match node.write(&tenant, &body).await {
        Ok(position) => (StatusCode::CREATED, Json(json!({"position": position}))),
        Err(error) => failure(error),
    }
}

async fn query(State(node): State<Node>, Path(tenant): Path<String>) -> (StatusCode, Json<Value>) {
    match node.query(&tenant).await {
        Ok(entries) => (
            StatusCode::OK,
            Json(json!({"tenant_id": tenant, "entries": entries})),
        ),
        Err(error) => failure(error),
    }
}
