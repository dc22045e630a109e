//! Protection and configuration errors over real connections: bearer
//! token, a taken port and bad environment values (TLS is in `tls.rs`).

mod common;

use common::{Running, get, loopback_builder};
use vitals_prometheus::BuildError;

#[tokio::test]
async fn the_bearer_token_guards_metrics_and_status_but_not_probes() {
    let exporter = loopback_builder()
        .bearer_token("s3cr3t-t0ken")
        .unwrap()
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;
    for path in ["/metrics", "/status"] {
        let missing = get(server.address, path, &[]).await;
        assert_eq!(missing.status, 401, "{path}");
        assert_eq!(
            missing.header("www-authenticate"),
            "Bearer realm=\"vitals\""
        );
        assert!(!missing.body.contains("provisioner_build_info"));
        let wrong = get(
            server.address,
            path,
            &[("authorization", "Bearer s3cr3t-t0keN")],
        )
        .await;
        assert_eq!(wrong.status, 401, "{path}");
        let basic = get(
            server.address,
            path,
            &[("authorization", "Basic czNjcjN0LXQwa2Vu")],
        )
        .await;
        assert_eq!(basic.status, 401, "{path}");
        let right = get(
            server.address,
            path,
            &[("authorization", "Bearer s3cr3t-t0ken")],
        )
        .await;
        assert_eq!(right.status, 200, "{path}");
    }
    let metrics = get(
        server.address,
        "/metrics",
        &[("authorization", "Bearer s3cr3t-t0ken")],
    )
    .await;
    assert!(metrics.body.contains("provisioner_build_info"));
    for path in [
        "/livez",
        "/readyz",
        "/healthz",
        "/health",
        "/health/live",
        "/health/ready",
    ] {
        assert_eq!(get(server.address, path, &[]).await.status, 200, "{path}");
    }
}

#[tokio::test]
async fn probes_can_be_protected_too() {
    let exporter = loopback_builder()
        .bearer_token("t")
        .unwrap()
        .protect_health(true)
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;
    for path in ["/livez", "/readyz", "/health", "/metrics"] {
        assert_eq!(get(server.address, path, &[]).await.status, 401, "{path}");
        assert_eq!(
            get(server.address, path, &[("authorization", "Bearer t")])
                .await
                .status,
            200,
            "{path}"
        );
    }
}

#[test]
fn unusable_tokens_are_refused_at_build() {
    assert_eq!(
        loopback_builder().bearer_token("").unwrap_err().to_string(),
        "invalid bearer token: the token is empty"
    );
    assert!(matches!(
        loopback_builder().bearer_token("a b"),
        Err(BuildError::InvalidToken(_))
    ));
}

#[tokio::test]
async fn a_taken_port_is_an_error_naming_the_address() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().unwrap();
    let exporter = loopback_builder().listen_address(address).build().unwrap();
    let error = exporter.bind().await.unwrap_err();
    assert!(matches!(&error, BuildError::Bind { address: reported, .. } if *reported == address));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot listen on `{address}`: ")),
        "{message}"
    );
    assert!(message.to_lowercase().contains("in use"), "{message}");
    let served = exporter.serve(std::future::pending()).await.unwrap_err();
    assert!(matches!(served, BuildError::Bind { .. }));
}

#[test]
fn the_listen_address_comes_from_the_environment() {
    // SAFETY of the test: these variable names are used by this test only.
    // `set_var` is unsafe in edition 2024 because other threads may read the
    // environment; no other test reads these names.
    let good = "VITALS_TEST_METRICS_ADDR_GOOD";
    let bad = "VITALS_TEST_METRICS_ADDR_BAD";
    let port_only = "VITALS_TEST_METRICS_ADDR_PORT";
    let unset = "VITALS_TEST_METRICS_ADDR_UNSET";
    set_env(good, "127.0.0.1:9555");
    set_env(bad, "127.0.0.1:http");
    set_env(port_only, "9944");

    let exporter = loopback_builder()
        .listen_address_from_env(good)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(exporter.listen_address().to_string(), "127.0.0.1:9555");
    let exporter = loopback_builder()
        .listen_address_from_env(port_only)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(exporter.listen_address().to_string(), "0.0.0.0:9944");
    let exporter = loopback_builder()
        .listen_address_from_env(unset)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        exporter.listen_address().to_string(),
        "127.0.0.1:0",
        "an unset variable keeps the builder's address"
    );

    let error = loopback_builder().listen_address_from_env(bad).unwrap_err();
    assert!(matches!(&error, BuildError::InvalidEnvironment { variable, .. } if variable == bad));
    assert_eq!(
        error.to_string(),
        "environment variable `VITALS_TEST_METRICS_ADDR_BAD` is not a listen address: `127.0.0.1:http` \
         (port `http` is not a number from 0 to 65535); expected `host:port`, `:port` or `port`"
    );
    let error = loopback_builder()
        .listen_address_str("localhost")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`localhost` is not a listen address (no port); expected `host:port`, `:port` or `port`"
    );
}

#[allow(unsafe_code)] // edition 2024 marks `set_var` unsafe; see the test above for why it is fine here
fn set_env(name: &str, value: &str) {
    unsafe { std::env::set_var(name, value) };
}
