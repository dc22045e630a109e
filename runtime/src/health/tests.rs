//! Semantics of the registry, tested directly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Coordinator {
    Recovery,
    AcceptingManifest,
    AcceptingMarbles,
}

impl HealthState for Coordinator {
    fn code(&self) -> i64 {
        match self {
            Coordinator::Recovery => 1,
            Coordinator::AcceptingManifest => 2,
            Coordinator::AcceptingMarbles => 3,
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Coordinator::Recovery => "recovery",
            Coordinator::AcceptingManifest => "accepting_manifest",
            Coordinator::AcceptingMarbles => "accepting_marbles",
        }
    }
    fn meaning(&self) -> &'static str {
        match self {
            Coordinator::Recovery => "waiting for a key or a new manifest",
            Coordinator::AcceptingManifest => "ready to accept a manifest",
            Coordinator::AcceptingMarbles => "running and accepting marbles",
        }
    }
    fn is_ready(&self) -> bool {
        !matches!(self, Coordinator::Recovery)
    }
}

#[test]
fn an_empty_registry_passes_both_probes() {
    let health = HealthRegistry::new();
    assert!(health.report_blocking(Probe::Liveness).is_ok());
    assert!(health.report_blocking(Probe::Readiness).is_ok());
    assert!(
        health
            .report_blocking(Probe::Readiness)
            .outcomes()
            .is_empty()
    );
}

#[test]
fn checks_belong_to_their_probe_and_keep_registration_order() {
    let health = HealthRegistry::new();
    health
        .add_readiness("b", || Ok(()))
        .add_liveness("loop", || Err("stuck".into()))
        .add_readiness("a", || Ok(()));
    let readiness: Vec<String> = health
        .checks(Probe::Readiness)
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    assert_eq!(readiness, ["b", "a"]);
    let liveness = health.report_blocking(Probe::Liveness);
    assert_eq!(liveness.failed_names(), ["loop"]);
    assert_eq!(
        liveness.outcomes()[0].result,
        Err(CheckFailure::new("stuck"))
    );
    assert!(health.report_blocking(Probe::Readiness).is_ok());
}

#[test]
fn a_name_registered_twice_replaces_the_first_check() {
    let health = HealthRegistry::new();
    health.add_readiness("db", || Err("down".into()));
    health.add_readiness("db", || Ok(()));
    let report = health.report_blocking(Probe::Readiness);
    assert_eq!(report.outcomes().len(), 1);
    assert!(report.is_ok());
}

#[test]
fn checks_run_at_every_report_not_at_registration() {
    let health = HealthRegistry::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let healthy = Arc::new(AtomicBool::new(true));
    let (counter, flag) = (Arc::clone(&runs), Arc::clone(&healthy));
    health.add_readiness("queue", move || {
        counter.fetch_add(1, Ordering::SeqCst);
        if flag.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(CheckFailure::new("queue full"))
        }
    });
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert!(health.report_blocking(Probe::Readiness).is_ok());
    healthy.store(false, Ordering::SeqCst);
    assert_eq!(
        health.report_blocking(Probe::Readiness).failed_names(),
        ["queue"]
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn async_checks_are_awaited() {
    let health = HealthRegistry::new();
    health.add_readiness_async("database", || async {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        Err(CheckFailure::new("connection refused"))
    });
    health.add_liveness_async("runtime", || async { Ok(()) });
    let readiness = health.report(Probe::Readiness).await;
    assert_eq!(readiness.failed_names(), ["database"]);
    assert_eq!(
        readiness.outcomes()[0]
            .result
            .as_ref()
            .unwrap_err()
            .reason(),
        "connection refused"
    );
    assert!(health.report(Probe::Liveness).await.is_ok());
}

#[test]
fn readiness_follows_a_state_enum_and_status_shows_it() {
    let health = HealthRegistry::new();
    let state = StateCell::new(Coordinator::Recovery);
    health.add_state("coordinator_state", state.clone());

    let report = health.report_blocking(Probe::Readiness);
    assert_eq!(report.failed_names(), ["coordinator_state"]);
    let reason = report.outcomes()[0]
        .result
        .as_ref()
        .unwrap_err()
        .reason()
        .to_owned();
    assert!(reason.contains("recovery"), "{reason}");
    // Liveness is not affected: a recovering process must not be restarted.
    assert!(health.report_blocking(Probe::Liveness).is_ok());

    let states = health.states();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].name, "coordinator_state");
    assert_eq!(states[0].state, Coordinator::Recovery.snapshot());

    state.set(Coordinator::AcceptingManifest);
    assert!(health.report_blocking(Probe::Readiness).is_ok());
    assert_eq!(health.states()[0].state.code, 2);
    state.set(Coordinator::AcceptingMarbles);
    assert_eq!(health.states()[0].state.code, 3);
    assert_eq!(
        health.states()[0].state.meaning,
        "running and accepting marbles"
    );
}

#[test]
fn only_a_state_failure_has_a_public_reason() {
    let health = HealthRegistry::new();
    health.add_state("coordinator_state", StateCell::new(Coordinator::Recovery));
    health.add_readiness("db", || Err("password rejected for admin".into()));
    let report = health.report_blocking(Probe::Readiness);
    let public: Vec<Option<&str>> = report
        .outcomes()
        .iter()
        .map(|outcome| outcome.result.as_ref().unwrap_err().public_reason())
        .collect();
    assert_eq!(public, [Some("in state recovery"), None]);
}

#[test]
fn a_closure_can_be_a_state() {
    let health = HealthRegistry::new();
    let phase = Arc::new(AtomicUsize::new(0));
    let read = Arc::clone(&phase);
    health.add_state("loader", move || match read.load(Ordering::SeqCst) {
        0 => StateSnapshot::new(0, "loading", "reading the snapshot").with_ready(false),
        _ => StateSnapshot::new(1, "loaded", "serving"),
    });
    assert!(!health.report_blocking(Probe::Readiness).is_ok());
    phase.store(1, Ordering::SeqCst);
    assert!(health.report_blocking(Probe::Readiness).is_ok());
    assert_eq!(health.states()[0].state.name, "loaded");
}

#[test]
fn shutdown_fails_readiness_but_not_liveness() {
    let health = HealthRegistry::new();
    health.add_readiness("db", || Ok(()));
    assert!(!health.is_shutting_down());
    health.begin_shutdown();
    assert_eq!(
        health.report_blocking(Probe::Readiness).failed_names(),
        ["shutdown"]
    );
    assert!(health.report_blocking(Probe::Liveness).is_ok());
}

#[test]
fn remove_drops_checks_and_states_and_clones_share_everything() {
    let health = HealthRegistry::new();
    let clone = health.clone();
    clone.add_state("mode", || {
        StateSnapshot::new(1, "recovering", "replaying").with_ready(false)
    });
    clone.add_readiness("cache", || Err("cold".into()));
    assert_eq!(
        health.report_blocking(Probe::Readiness).failed_names(),
        ["mode", "cache"]
    );
    health.remove("mode");
    assert!(clone.states().is_empty());
    assert_eq!(
        clone.report_blocking(Probe::Readiness).failed_names(),
        ["cache"]
    );
}

#[test]
fn only_synchronous_checks_are_blocking() {
    let health = HealthRegistry::new();
    health.add_readiness("sync", || Ok(()));
    health.add_readiness_async("async", || async { Ok(()) });
    health.add_state("state", || StateSnapshot::new(1, "up", "serving"));
    let blocking: Vec<(String, bool)> = health
        .checks(Probe::Readiness)
        .iter()
        .map(|check| (check.name().to_owned(), check.is_blocking()))
        .collect();
    assert_eq!(
        blocking,
        [
            ("sync".to_owned(), true),
            ("async".to_owned(), false),
            ("state".to_owned(), false)
        ]
    );
}

#[test]
fn names_stay_on_one_line() {
    let health = HealthRegistry::new();
    health.add_liveness("two\nlines here", || Ok(()));
    assert_eq!(health.checks(Probe::Liveness)[0].name(), "two_lines_here");
}

#[cfg(feature = "tonic")]
mod grpc {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus as Wire;
    use tonic_health::pb::health_server::Health;
    use tonic_health::server::{HealthService, health_reporter};

    use super::*;

    const SECOND: std::time::Duration = std::time::Duration::from_secs(1);

    async fn status_of(service: &HealthService, name: &str) -> i32 {
        let request = ::tonic::Request::new(HealthCheckRequest {
            service: name.to_owned(),
        });
        service
            .check(request)
            .await
            .expect("registered service")
            .into_inner()
            .status
    }

    #[tokio::test]
    async fn grpc_health_follows_readiness() {
        let health = HealthRegistry::new();
        let state = StateCell::new(Coordinator::Recovery);
        health.add_state("coordinator_state", state.clone());
        let (reporter, _server) = health_reporter();
        let service = HealthService::from_health_reporter(reporter.clone());

        assert!(
            !health
                .update_grpc_health(&reporter, &["", "shop.Checkout"], SECOND)
                .await
        );
        assert_eq!(status_of(&service, "").await, Wire::NotServing as i32);
        assert_eq!(
            status_of(&service, "shop.Checkout").await,
            Wire::NotServing as i32
        );

        state.set(Coordinator::AcceptingManifest);
        assert!(
            health
                .update_grpc_health(&reporter, &["", "shop.Checkout"], SECOND)
                .await
        );
        assert_eq!(status_of(&service, "").await, Wire::Serving as i32);
        assert_eq!(
            status_of(&service, "shop.Checkout").await,
            Wire::Serving as i32
        );
    }

    #[tokio::test]
    async fn the_driver_keeps_statuses_in_step() {
        let health = HealthRegistry::new();
        let state = StateCell::new(Coordinator::AcceptingMarbles);
        health.add_state("coordinator_state", state.clone());
        let (reporter, _server) = health_reporter();
        let service = HealthService::from_health_reporter(reporter.clone());
        let driver = tokio::spawn(health.clone().drive_grpc_health(
            reporter,
            vec![String::new()],
            std::time::Duration::from_millis(20),
        ));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(status_of(&service, "").await, Wire::Serving as i32);
        state.set(Coordinator::Recovery);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(status_of(&service, "").await, Wire::NotServing as i32);
        driver.abort();
    }
}
