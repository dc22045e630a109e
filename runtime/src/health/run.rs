//! Running a probe's checks the way a server must: concurrently, each
//! bounded by a timeout, synchronous ones off the async workers (feature
//! `tokio`). The exporter's probe endpoints and gRPC health both run
//! checks through here, so a hung check fails the same way everywhere.

use std::time::Duration;

use super::check::{Check, CheckFailure, CheckResult, Probe};
use super::registry::HealthRegistry;
use super::report::{CheckOutcome, Report};

/// Runs `checks` concurrently on the current tokio runtime and returns
/// their results in the same order.
///
/// Each check is bounded by `timeout`: one that has not answered by then
/// fails ("timed out after ..") and, if async, is aborted, so a hung check
/// never piles up one task per probe. Synchronous checks run on the
/// blocking pool, where a check that blocks its thread cannot stall the
/// async workers or the timeout. A check that panics fails. Every failure
/// is logged (`tracing` warning with the probe, the check and the reason).
///
/// ```
/// use std::time::Duration;
/// use vitals::health::{HealthRegistry, Probe, run_checks};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let health = HealthRegistry::new();
/// health.add_readiness_async("never", || std::future::pending());
/// health.add_readiness("disk", || Ok(()));
/// let results = run_checks(&health.checks(Probe::Readiness), Duration::from_millis(10)).await;
/// assert!(results[0].is_err());
/// assert!(results[1].is_ok());
/// # }
/// ```
pub async fn run_checks(checks: &[Check], timeout: Duration) -> Vec<CheckResult> {
    let tasks: Vec<_> = checks
        .iter()
        .map(|check| {
            let task = if check.is_blocking() {
                let check = check.clone();
                tokio::task::spawn_blocking(move || check.run_blocking())
            } else {
                tokio::spawn(check.run())
            };
            tokio::spawn(async move {
                let abort = task.abort_handle();
                let outcome = tokio::time::timeout(timeout, task).await;
                if outcome.is_err() {
                    abort.abort();
                }
                outcome
            })
        })
        .collect();
    let mut results = Vec::with_capacity(checks.len());
    for (check, task) in checks.iter().zip(tasks) {
        let result = match task.await {
            Ok(Ok(Ok(result))) => result,
            Ok(Err(_elapsed)) => Err(CheckFailure::new(format_args!(
                "timed out after {timeout:?}"
            ))),
            Ok(Ok(Err(error))) | Err(error) => {
                Err(CheckFailure::new(format_args!("check panicked: {error}")))
            }
        };
        if let Err(failure) = &result {
            tracing::warn!(
                probe = check.probe().endpoint(),
                check = check.name(),
                reason = %failure,
                "health check failed"
            );
        }
        results.push(result);
    }
    results
}

impl HealthRegistry {
    /// Runs every check of `probe` with [`run_checks`] (concurrently, each
    /// bounded by `timeout`) and reports.
    pub async fn report_within(&self, probe: Probe, timeout: Duration) -> Report {
        let checks = self.checks(probe);
        let results = run_checks(&checks, timeout).await;
        let outcomes = checks
            .iter()
            .zip(results)
            .map(|(check, result)| CheckOutcome {
                name: check.name().to_owned(),
                result,
            })
            .collect();
        Report::new(probe, outcomes)
    }
}
