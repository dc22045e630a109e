//! `/livez`, `/readyz` and their aliases, with Kubernetes semantics.
//!
//! Success answers `ok` (or, with `?verbose`, one `[+]check ok` line per
//! check). Failure answers 503 and always lists the checks, failed ones as
//! `[-]check failed: reason withheld`: the reason goes to the log, not to
//! whoever can reach the probe. A state that is not ready is named
//! (`[-]coordinator_state failed: in state recovery`): it is no secret. `?exclude=check` skips a check.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, Uri, header};
use vitals::health::{self, Check, CheckResult, Probe};

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

/// Runs the checks of `probe` (only the one named `only`, when given)
/// concurrently, each bounded by the configured timeout
/// (`vitals::health::run_checks`). Every check is listed; an `excluded` one
/// is not run and has no result (`None`).
pub(super) async fn run_checks(
    shared: &Shared,
    probe: Probe,
    excluded: &[&str],
    only: Option<&str>,
) -> Vec<(String, Option<CheckResult>)> {
    let checks: Vec<Check> = shared
        .health
        .checks(probe)
        .into_iter()
        .filter(|check| only.is_none_or(|name| check.name() == name))
        .collect();
    let is_excluded = |check: &Check| excluded.contains(&check.name());
    let to_run: Vec<Check> = checks.iter().filter(|c| !is_excluded(c)).cloned().collect();
    let mut results = health::run_checks(&to_run, shared.check_timeout)
        .await
        .into_iter();
    checks
        .iter()
        .map(|check| {
            let result = if is_excluded(check) {
                None
            } else {
                results.next()
            };
            (check.name().to_owned(), result)
        })
        .collect()
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
                Some(Err(failure)) => match failure.public_reason() {
                    Some(shown) => writeln!(body, "[-]{name} failed: {shown}"),
                    None => writeln!(body, "[-]{name} failed: reason withheld"),
                },
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
