//! `grpc.health.v1` driven by readiness, on a real tonic server over
//! loopback HTTP/2: a check that never returns fails at its timeout, and
//! the health service keeps answering.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::health_reporter;
use vitals::health::HealthRegistry;

/// Serves `service` on a loopback port; the server task ends with the
/// test's runtime.
async fn serve<S>(service: HealthServer<S>) -> std::net::SocketAddr
where
    S: tonic_health::pb::health_server::Health,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("bound address");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(incoming),
    );
    address
}

async fn status(address: std::net::SocketAddr, service: &str) -> i32 {
    let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
        .expect("a valid URI")
        .connect()
        .await
        .expect("connect over loopback");
    let mut client = HealthClient::new(channel);
    client
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .expect("a status for a registered service")
        .into_inner()
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_checks_fail_at_their_timeout_and_health_keeps_answering() {
    let health = HealthRegistry::new();
    // A synchronous check that blocks its thread until the test ends, and
    // an async one that never completes.
    let (release, blocked) = mpsc::channel::<()>();
    let blocked = Arc::new(Mutex::new(blocked));
    health.add_readiness("blocking_driver", move || {
        let _ = blocked.lock().expect("one caller at a time").recv();
        Ok(())
    });
    health.add_readiness_async("never", std::future::pending);
    health.add_readiness("disk", || Ok(()));

    let (reporter, service) = health_reporter();
    reporter
        .set_service_status("shop.Checkout", tonic_health::ServingStatus::Serving)
        .await;
    let address = serve(service).await;
    assert_eq!(
        status(address, "shop.Checkout").await,
        ServingStatus::Serving as i32
    );

    let update = health.update_grpc_health(
        &reporter,
        &["", "shop.Checkout"],
        Duration::from_millis(200),
    );
    // Generous bound: only a check that is never given up on misses it.
    let ready = tokio::time::timeout(Duration::from_secs(30), update)
        .await
        .expect("the update ends at the checks' timeout, not never");
    assert!(!ready, "hung checks fail readiness");
    assert_eq!(
        status(address, "shop.Checkout").await,
        ServingStatus::NotServing as i32
    );
    assert_eq!(status(address, "").await, ServingStatus::NotServing as i32);

    // With the hung checks gone, the next round serves again.
    drop(release);
    health.remove("blocking_driver").remove("never");
    assert!(
        health
            .update_grpc_health(&reporter, &["", "shop.Checkout"], Duration::from_secs(5))
            .await
    );
    assert_eq!(
        status(address, "shop.Checkout").await,
        ServingStatus::Serving as i32
    );
}
