//! Drives `grpc.health.v1` statuses from readiness (`tonic` feature).

use std::time::Duration;

use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use super::check::Probe;
use super::registry::HealthRegistry;

impl HealthRegistry {
    /// Runs the readiness checks once, concurrently and each bounded by
    /// `timeout` (as the HTTP probes do: a check that hangs fails at its
    /// timeout and `grpc.health.v1` keeps answering), and sets every service
    /// in `services` (add `""` for the whole server) to `SERVING` or
    /// `NOT_SERVING`. Failures are logged.
    ///
    /// Returns whether the process is ready.
    pub async fn update_grpc_health(
        &self,
        reporter: &HealthReporter,
        services: &[&str],
        timeout: Duration,
    ) -> bool {
        let report = self.report_within(Probe::Readiness, timeout).await;
        let status = if report.is_ok() {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        for service in services {
            reporter.set_service_status(*service, status).await;
        }
        report.is_ok()
    }

    /// Keeps the gRPC health statuses of `services` in step with readiness,
    /// re-evaluating every `period`, until the returned future is dropped.
    /// Each check is bounded by `period`: one that takes longer fails.
    ///
    /// ```no_run
    /// # async fn example() {
    /// let health = vitals::health::HealthRegistry::global().clone();
    /// let (reporter, _health_service) = tonic_health::server::health_reporter();
    /// tokio::spawn(health.drive_grpc_health(reporter, vec!["".into(), "shop.Checkout".into()], std::time::Duration::from_secs(1)));
    /// # }
    /// ```
    pub async fn drive_grpc_health(
        self,
        reporter: HealthReporter,
        services: Vec<String>,
        period: Duration,
    ) {
        let services: Vec<&str> = services.iter().map(String::as_str).collect();
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            self.update_grpc_health(&reporter, &services, period).await;
        }
    }
}
