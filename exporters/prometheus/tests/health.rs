//! Probes and `/status` over real HTTP, with Kubernetes semantics, and
//! graceful shutdown. Each test builds its own exporter and registry
//! (no global recorder).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Running, get};
use vitals::health::{CheckFailure, HealthRegistry, HealthState, StateCell};
use vitals_prometheus::{BuildInfo, Exporter};

const LIVENESS_PATHS: [&str; 4] = ["/livez", "/healthz", "/health", "/health/live"];
const READINESS_PATHS: [&str; 2] = ["/readyz", "/health/ready"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Coordinator {
    Recovery,
    AcceptingManifest,
    AcceptingMarbles,
}

impl HealthState for Coordinator {
    fn code(&self) -> i64 {
        *self as i64 + 1
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
            Coordinator::Recovery => "waiting for a key to unseal the state or a new manifest",
            Coordinator::AcceptingManifest => "ready to accept a manifest",
            Coordinator::AcceptingMarbles => "running and accepting marbles",
        }
    }
    fn is_ready(&self) -> bool {
        *self != Coordinator::Recovery
    }
}

fn exporter(health: &HealthRegistry) -> Exporter {
    Exporter::builder(BuildInfo::new("coordinator", "0.4.0").with_revision("bd505dc"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(health.clone())
        .check_timeout(Duration::from_millis(300))
        .build()
        .expect("build the exporter")
}

#[tokio::test]
async fn every_probe_path_answers_ok_when_healthy() {
    let health = HealthRegistry::new();
    health.add_liveness("event_loop", || Ok(()));
    health.add_readiness_async("database", || async { Ok(()) });
    let server = Running::exporter(&exporter(&health)).await;
    for path in LIVENESS_PATHS.iter().chain(&READINESS_PATHS) {
        let answer = get(server.address, path, &[]).await;
        assert_eq!((answer.status, answer.body.as_str()), (200, "ok"), "{path}");
        assert_eq!(answer.header("content-type"), "text/plain; charset=utf-8");
    }
    let verbose = get(server.address, "/livez?verbose", &[]).await;
    assert_eq!(
        (verbose.status, verbose.body.as_str()),
        (200, "[+]event_loop ok\nlivez check passed\n")
    );
    let verbose = get(server.address, "/readyz?verbose=1", &[]).await;
    assert_eq!(verbose.body, "[+]database ok\nreadyz check passed\n");
}

#[tokio::test]
async fn a_failed_check_answers_503_listing_checks_without_reasons() {
    let health = HealthRegistry::new();
    health.add_liveness("event_loop", || Ok(()));
    health.add_readiness("cache", || Ok(()));
    health.add_readiness("database", || {
        Err(CheckFailure::new(
            "password authentication failed for user admin",
        ))
    });
    let server = Running::exporter(&exporter(&health)).await;
    for path in READINESS_PATHS {
        let answer = get(server.address, path, &[]).await;
        assert_eq!(answer.status, 503, "{path}");
        assert_eq!(
            answer.body,
            "[+]cache ok\n[-]database failed: reason withheld\nreadyz check failed\n"
        );
        assert!(!answer.body.contains("password"));
    }
    // Liveness is independent of readiness.
    for path in LIVENESS_PATHS {
        assert_eq!(get(server.address, path, &[]).await.status, 200, "{path}");
    }
    // Excluding the failing check makes the probe pass, and says so.
    let excluded = get(server.address, "/readyz?exclude=database&verbose", &[]).await;
    assert_eq!(
        (excluded.status, excluded.body.as_str()),
        (
            200,
            "[+]cache ok\n[+]database excluded: ok\nreadyz check passed\n"
        )
    );
    // One check on its own.
    assert_eq!(get(server.address, "/readyz/cache", &[]).await.status, 200);
    assert_eq!(
        get(server.address, "/readyz/database", &[]).await.status,
        503
    );
    assert_eq!(
        get(server.address, "/readyz/unknown", &[]).await.status,
        404
    );
}

#[tokio::test]
async fn liveness_failure_is_503_on_every_alias() {
    let health = HealthRegistry::new();
    let stuck = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stuck);
    health.add_liveness("worker", move || {
        if flag.load(Ordering::SeqCst) {
            Err("no heartbeat for 60 s".into())
        } else {
            Ok(())
        }
    });
    let server = Running::exporter(&exporter(&health)).await;
    assert_eq!(get(server.address, "/livez", &[]).await.status, 200);
    stuck.store(true, Ordering::SeqCst);
    for path in LIVENESS_PATHS {
        let answer = get(server.address, path, &[]).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (
                503,
                "[-]worker failed: reason withheld\nlivez check failed\n"
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_hanging_check_times_out_and_fails() {
    let health = HealthRegistry::new();
    health.add_readiness_async("upstream", || async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    });
    let server = Running::exporter(&exporter(&health)).await;
    let started = Instant::now();
    let answer = get(server.address, "/readyz", &[]).await;
    assert_eq!(answer.status, 503);
    assert!(answer.body.contains("[-]upstream failed"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_blocking_sync_check_times_out_without_stalling_the_server() {
    let health = HealthRegistry::new();
    health.add_readiness("legacy_driver", || {
        std::thread::sleep(Duration::from_millis(1500));
        Ok(())
    });
    health.add_liveness("event_loop", || Ok(()));
    let server = Running::exporter(&exporter(&health)).await;
    let started = Instant::now();
    let (ready, live) = tokio::join!(
        get(server.address, "/readyz", &[]),
        get(server.address, "/livez", &[])
    );
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (
            503,
            "[-]legacy_driver failed: reason withheld\nreadyz check failed\n"
        )
    );
    assert_eq!(live.status, 200);
}

#[tokio::test]
async fn readiness_follows_the_state_and_status_reports_it() {
    let health = HealthRegistry::new();
    let state = StateCell::new(Coordinator::Recovery);
    health.add_state("coordinator_state", state.clone());
    let server = Running::exporter(&exporter(&health)).await;

    let answer = get(server.address, "/health/ready", &[]).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (
            503,
            "[-]coordinator_state failed: in state recovery\nreadyz check failed\n"
        )
    );
    assert_eq!(get(server.address, "/health/live", &[]).await.status, 200);

    let status = get(server.address, "/status", &[]).await;
    assert_eq!(status.status, 200);
    assert_eq!(status.header("content-type"), "application/json");
    let json: serde_json::Value = serde_json::from_str(&status.body).unwrap();
    assert_eq!(json["states"]["coordinator_state"]["code"], 1);
    assert_eq!(json["states"]["coordinator_state"]["state"], "recovery");
    assert_eq!(
        json["states"]["coordinator_state"]["meaning"],
        "waiting for a key to unseal the state or a new manifest"
    );
    assert_eq!(json["states"]["coordinator_state"]["ready"], false);
    assert_eq!(json["ready"], false);
    assert_eq!(json["live"], true);
    assert_eq!(json["application"]["name"], "coordinator");
    assert_eq!(json["application"]["version"], "0.4.0");
    assert_eq!(json["application"]["revision"], "bd505dc");
    assert_eq!(json["application"]["branch"], "unknown");
    assert_eq!(
        json["application"]["rustc_version"],
        vitals_prometheus::__RUSTC_VERSION
    );

    state.set(Coordinator::AcceptingMarbles);
    assert_eq!(get(server.address, "/readyz", &[]).await.status, 200);
    let json: serde_json::Value =
        serde_json::from_str(&get(server.address, "/status", &[]).await.body).unwrap();
    assert_eq!(json["states"]["coordinator_state"]["code"], 3);
    assert_eq!(
        json["states"]["coordinator_state"]["state"],
        "accepting_marbles"
    );
    assert_eq!(json["ready"], true);
    state.set(Coordinator::AcceptingManifest);
    let json: serde_json::Value =
        serde_json::from_str(&get(server.address, "/status", &[]).await.body).unwrap();
    assert_eq!(json["states"]["coordinator_state"]["code"], 2);
}

#[tokio::test]
async fn shutdown_waits_for_requests_in_flight_then_stops_listening() {
    let health = HealthRegistry::new();
    let entered = Arc::new(tokio::sync::Notify::new());
    let notify = Arc::clone(&entered);
    health.add_readiness_async("slow", move || {
        let notify = Arc::clone(&notify);
        async move {
            notify.notify_one();
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(())
        }
    });
    let exporter = Exporter::builder(BuildInfo::new("job", "1"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(health.clone())
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;
    let address = server.address;
    // The application begins draining: readiness fails from now on.
    health.begin_shutdown();
    let in_flight = tokio::spawn(async move { get(address, "/readyz", &[]).await });
    entered.notified().await;
    server.shut_down().await;
    // The request that was running when the signal came still got its answer.
    let answer = in_flight.await.unwrap();
    assert_eq!(answer.status, 503);
    assert_eq!(
        answer.body,
        "[+]slow ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n"
    );
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "still listening after shutdown"
    );
}
