//! `--demo-load`: a client provisioning volumes through the real router
//! (in-process, so it works whatever TLS the listener requires), errors
//! included: missing images, bad bodies, an over-full pool (5xx), unknown
//! jobs, cancellations, a caller without the token.
//!
//! The client goes through `HttpClientMetricsLayer`, as a service calling
//! the provisioner would: `http_client_request_duration_seconds` and
//! `http_client_requests_total` with `server_address="volume-provisioner"`,
//! the method and the status the provisioner answered.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use http::{Request, header};
use tower::{Layer, ServiceExt};
use vitals::middleware::http_client::{HttpClientMetrics, HttpClientMetricsLayer};

/// The client's view of the provisioner: the router behind the client layer.
type Client = HttpClientMetrics<Router>;

/// Starts the client.
pub(crate) fn start(app: Router, token: Option<Arc<str>>) {
    let app: Client = HttpClientMetricsLayer::builder()
        .server_address("volume-provisioner")
        .build()
        .expect("the default buckets and a plain server name are valid")
        .layer(app);
    tokio::spawn(async move {
        let mut jobs: Vec<String> = Vec::new();
        let mut round = 0u64;
        loop {
            round += 1;
            let image = if fastrand::u8(..10) == 0 {
                "ubuntu-missing.qcow2"
            } else {
                "ubuntu-22.04.qcow2"
            };
            let body = match fastrand::u8(..20) {
                0 => "{not json".to_owned(),
                1 => volume(round, 4096, image),
                _ => volume(round, fastrand::u64(10..200), image),
            };
            let created = call(&app, token.as_deref(), "POST", "/api/v1/volumes", body).await;
            if let Some(id) = created.and_then(|body| body["job_id"].as_str().map(str::to_owned)) {
                jobs.push(id);
            }
            if let Some(id) = jobs.get(fastrand::usize(..jobs.len().max(1))).cloned() {
                let _ = call(
                    &app,
                    token.as_deref(),
                    "GET",
                    &format!("/api/v1/jobs/{id}"),
                    String::new(),
                )
                .await;
                if fastrand::u8(..15) == 0 {
                    let _ = call(
                        &app,
                        token.as_deref(),
                        "DELETE",
                        &format!("/api/v1/jobs/{id}"),
                        String::new(),
                    )
                    .await;
                }
            }
            if round % 10 == 0 {
                let _ = call(
                    &app,
                    token.as_deref(),
                    "GET",
                    "/api/v1/jobs/no-such-job",
                    String::new(),
                )
                .await;
                let _ = call(&app, None, "GET", "/api/v1/jobs/no-such-job", String::new()).await;
            }
            if jobs.len() > 200 {
                jobs.drain(..100);
            }
            tokio::time::sleep(Duration::from_millis(fastrand::u64(150..450))).await;
        }
    });
}

fn volume(round: u64, size_gb: u64, image: &str) -> String {
    serde_json::json!({
        "name": format!("vm-{round:04}-root"),
        "size_gb": size_gb,
        "image_url": format!("https://images.example.com/{image}"),
        "correlation_id": format!("provision-vm-{round:03}"),
    })
    .to_string()
}

/// One request through the router; the JSON body of a success.
async fn call(
    app: &Client,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: String,
) -> Option<serde_json::Value> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body)).ok()?)
        .await
        .ok()?;
    // Read the body whatever the status, as a real client does: a response
    // whose body is never read counts as abandoned (`499`) in the request metrics.
    let success = response.status().is_success();
    let bytes = axum::body::to_bytes(Body::new(response.into_body()), 1 << 20)
        .await
        .ok()?;
    if !success {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}
