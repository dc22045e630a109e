//! The HTTP surface: the JSON API under `/api/v1` (bearer token, measured),
//! `/health`, `/healthz` and `/livez` answering `{"status": "healthy"}`,
//! and the exporter's `/metrics` (bearer token) for every other path.

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use vitals::health::{HealthRegistry, Probe};
use vitals::middleware::HttpMetricsLayer;

use crate::jobs::{Jobs, Refusal, VolumeRequest};

/// The whole application: API, health, then `endpoints` (the exporter's
/// router) for `/metrics` and the rest.
pub(crate) fn router(
    jobs: Jobs,
    token: Option<Arc<str>>,
    health: HealthRegistry,
    endpoints: Router,
) -> Router {
    let api = Router::new()
        .route("/api/v1/volumes", post(create_volume))
        .route("/api/v1/jobs/{id}", get(get_job).delete(cancel_job))
        .with_state(jobs)
        .route_layer(from_fn_with_state(token, require_token))
        // Outside the token check, so refused requests are counted too.
        .layer(metrics_layer());
    let probes = Router::new()
        .route("/health", get(healthy))
        .route("/healthz", get(healthy))
        .route("/livez", get(healthy))
        .with_state(health);
    api.merge(probes).fallback_service(endpoints)
}

/// `libvirt_volume_provisioner_requests_total{endpoint, method, status}` and
/// `libvirt_volume_provisioner_requests_duration_seconds{endpoint, method}`,
/// the guide's names, with no in-flight gauge. Built once: a layer declares
/// its metrics in the catalogue when it is built.
fn metrics_layer() -> HttpMetricsLayer {
    static LAYER: OnceLock<HttpMetricsLayer> = OnceLock::new();
    LAYER
        .get_or_init(|| {
            HttpMetricsLayer::builder()
                .prefix("libvirt_volume_provisioner")
                .route_label("endpoint")
                .duration_name("requests_duration_seconds")
                .duration_by_status(false)
                .no_active_requests()
                .build()
                .expect("valid metric and label names")
        })
        .clone()
}

/// 401 unless `Authorization: Bearer <token>` (when a token is configured).
async fn require_token(
    State(token): State<Option<Arc<str>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = token else {
        return next.run(request).await;
    };
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if presented.is_some_and(|presented| same(presented.as_bytes(), token.as_bytes())) {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "missing or wrong bearer token"})),
        )
            .into_response()
    }
}

/// Compares without an early exit, so timing does not reveal a prefix.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The liveness checks, answered as the guide's JSON.
async fn healthy(State(health): State<HealthRegistry>) -> Response {
    if health.report(Probe::Liveness).await.is_ok() {
        Json(json!({"status": "healthy"})).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unhealthy"})),
        )
            .into_response()
    }
}

async fn create_volume(State(jobs): State<Jobs>, body: axum::body::Bytes) -> Response {
    let request: VolumeRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("bad request body: {error}")})),
            )
                .into_response();
        }
    };
    match jobs.start(request) {
        Ok(job_id) => (StatusCode::ACCEPTED, Json(json!({"job_id": job_id}))).into_response(),
        Err(Refusal::Invalid(why)) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response()
        }
        Err(Refusal::PoolFull) => (
            StatusCode::INSUFFICIENT_STORAGE,
            Json(json!({"error": "the storage pool is full"})),
        )
            .into_response(),
    }
}

async fn get_job(State(jobs): State<Jobs>, Path(id): Path<String>) -> Response {
    match jobs.get(&id) {
        Some(job) => Json(job).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "no such job"}))).into_response(),
    }
}

async fn cancel_job(State(jobs): State<Jobs>, Path(id): Path<String>) -> Response {
    match jobs.cancel(&id) {
        Some(true) => (
            StatusCode::ACCEPTED,
            Json(json!({"job_id": id, "status": "cancelling"})),
        )
            .into_response(),
        Some(false) => (
            StatusCode::CONFLICT,
            Json(json!({"error": "the job already ended"})),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "no such job"}))).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use http::Request;
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        router(
            Jobs::default(),
            Some(Arc::from("t0ken")),
            HealthRegistry::new(),
            Router::new(),
        )
    }

    async fn call(
        app: &Router,
        method: &str,
        path: &str,
        token: bool,
        body: &str,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = Request::builder().method(method).uri(path);
        if token {
            request = request.header(header::AUTHORIZATION, "Bearer t0ken");
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test]
    async fn health_answers_the_guide_s_json_without_a_token() {
        for path in ["/health", "/healthz", "/livez"] {
            assert_eq!(
                call(&app(), "GET", path, false, "").await,
                (StatusCode::OK, json!({"status": "healthy"}))
            );
        }
    }

    #[tokio::test]
    async fn requests_are_counted_by_route_template_method_and_status() {
        let app = app();
        let volume =
            r#"{"name": "vm-1", "size_gb": 10, "image_url": "https://images.example.com/a.qcow2"}"#;
        let too_big = r#"{"name": "vm-2", "size_gb": 4096, "image_url": "https://images.example.com/a.qcow2"}"#;
        let recorded = vitals::testing::capture_async(async {
            assert_eq!(
                call(&app, "POST", "/api/v1/volumes", false, volume).await.0,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                call(&app, "POST", "/api/v1/volumes", true, volume).await.0,
                StatusCode::ACCEPTED
            );
            assert_eq!(
                call(&app, "POST", "/api/v1/volumes", true, "{").await.0,
                StatusCode::BAD_REQUEST
            );
            assert_eq!(
                call(&app, "POST", "/api/v1/volumes", true, too_big).await.0,
                StatusCode::INSUFFICIENT_STORAGE
            );
            assert_eq!(
                call(&app, "GET", "/api/v1/jobs/nope", true, "").await.0,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                call(&app, "GET", "/health", false, "").await.0,
                StatusCode::OK
            );
        })
        .await;
        let total = |endpoint, method, status| {
            recorded.counter(
                "libvirt_volume_provisioner_requests_total",
                &[
                    ("endpoint", endpoint),
                    ("method", method),
                    ("status", status),
                ],
            )
        };
        for status in ["401", "202", "400", "507"] {
            assert_eq!(
                total("/api/v1/volumes", "POST", status),
                Some(1),
                "{status}"
            );
        }
        assert_eq!(total("/api/v1/jobs/{id}", "GET", "404"), Some(1));
        // Probes are not API traffic.
        assert_eq!(
            recorded
                .series_of("libvirt_volume_provisioner_requests_total")
                .count(),
            5
        );
        let timed = [("endpoint", "/api/v1/volumes"), ("method", "POST")];
        assert_eq!(
            recorded.histogram_count(
                "libvirt_volume_provisioner_requests_duration_seconds",
                &timed
            ),
            Some(4)
        );
        assert_eq!(
            recorded.counter(
                "libvirt_volume_provisioner_jobs_total",
                &[("status", "started")]
            ),
            Some(1)
        );
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"t0ken", b"t0ken"));
        assert!(!same(b"t0ke", b"t0ken"));
        assert!(!same(b"t0kem", b"t0ken"));
    }
}
