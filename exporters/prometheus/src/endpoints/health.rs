//! `/livez`, `/readyz` and their aliases, with Kubernetes semantics.
//!
//! Success answers `ok` (or, with `?verbose`, one `[+]check ok` line per
//! check). Failure answers 503 and always lists the checks, failed ones as
//! `[-]check failed: reason withheld`: the reason goes to the log, not to
//! whoever can reach the probe. `?exclude=check` skips a check.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, Uri, header};
use vitals::health::{CheckFailure, CheckResult, Probe};

use crate::shared::Shared;

pub(super) async fn livez(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    answer(&shared, Probe::Liveness, uri.query(), None).await
}

pub(super) async fn readyz(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    answer(&shared, Probe::Readiness, uri.query(), None).await
}

pub(super) async fn livez_one(
    State(shared): State<Arc<Shared>>,
    Path(check): Path<String>,
    uri: Uri,
) -> Response {
    answer(&shared, Probe::Liveness, uri.query(), Some(check)).await
}

pub(super) async fn readyz_one(
    State(shared): State<Arc<Shared>>,
    Path(check): Path<String>,
    uri: Uri,
) -> Response {
    answer(&shared, Probe::Readiness, uri.query(), Some(check)).await
}

/// Runs the checks of `probe` concurrently, each bounded by the configured
/// timeout, skipping `excluded`; a check that times out or panics fails.
pub(crate) async fn run_checks(
    shared: &Shared,
    probe: Probe,
    excluded: &[&str],
    only: Option<&str>,
) -> Vec<(String, Option<CheckResult>)> {
    let checks: Vec<_> = shared
        .health
        .checks(probe)
        .into_iter()
        .filter(|check| only.is_none_or(|name| check.name() == name))
        .collect();
    let timeout = shared.check_timeout;
    let tasks: Vec<_> = checks
        .iter()
        .map(|check| {
            if excluded.contains(&check.name()) {
                return None;
            }
            let task = if check.is_blocking() {
                // A synchronous check may block (a driver's ping): keep it off
                // the async workers so the timeout below can still fire.
                let check = check.clone();
                tokio::task::spawn_blocking(move || check.run_blocking())
            } else {
                tokio::spawn(check.run())
            };
            Some(tokio::spawn(async move {
                let abort = task.abort_handle();
                let outcome = tokio::time::timeout(timeout, task).await;
                if outcome.is_err() {
                    // A hung async check must not pile up one task per probe.
                    abort.abort();
                }
                outcome
            }))
        })
        .collect();
    let mut results = Vec::with_capacity(checks.len());
    for (check, task) in checks.iter().zip(tasks) {
        let result = match task {
            None => None,
            Some(task) => Some(match task.await {
                Ok(Ok(Ok(result))) => result,
                Ok(Err(_elapsed)) => Err(CheckFailure::new(format_args!(
                    "timed out after {timeout:?}"
                ))),
                Ok(Ok(Err(error))) | Err(error) => {
                    Err(CheckFailure::new(format_args!("check panicked: {error}")))
                }
            }),
        };
        if let Some(Err(failure)) = &result {
            tracing::warn!(probe = probe.endpoint(), check = check.name(), reason = %failure, "health check failed");
        }
        results.push((check.name().to_owned(), result));
    }
    results
}

async fn answer(
    shared: &Shared,
    probe: Probe,
    query: Option<&str>,
    only: Option<String>,
) -> Response {
    let mut verbose = false;
    let mut excluded = Vec::new();
    for pair in query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "verbose" => verbose = true,
            "exclude" => excluded.push(value),
            _ => {}
        }
    }
    let results = run_checks(shared, probe, &excluded, only.as_deref()).await;
    if let Some(name) = &only {
        if results.is_empty() {
            return (
                StatusCode::NOT_FOUND,
                format!("no {} check `{name}`\n", probe.endpoint()),
            )
                .into_response();
        }
    }
    let failed = results
        .iter()
        .any(|(_, result)| matches!(result, Some(Err(_))));
    let status = if failed {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = if failed || verbose {
        let mut body = String::new();
        for (name, result) in &results {
            let _ = match result {
                None => writeln!(body, "[+]{name} excluded: ok"),
                Some(Ok(())) => writeln!(body, "[+]{name} ok"),
                Some(Err(_)) => writeln!(body, "[-]{name} failed: reason withheld"),
            };
        }
        let _ = writeln!(
            body,
            "{} check {}",
            probe.endpoint(),
            if failed { "failed" } else { "passed" }
        );
        body
    } else {
        "ok".to_owned()
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
