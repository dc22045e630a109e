//! Protection and configuration errors over real connections: bearer
//! token, TLS with certificates generated here, client certificates, a
//! taken port and bad environment values.

mod common;

use common::{Certificates, Running, get, get_tls};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildError, BuildInfo, Exporter, TlsConfig};

fn builder() -> vitals_prometheus::ExporterBuilder {
    Exporter::builder(BuildInfo::new("provisioner", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(HealthRegistry::new())
}

#[tokio::test]
async fn the_bearer_token_guards_metrics_and_status_but_not_probes() {
    let exporter = builder()
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
    let exporter = builder()
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
        builder().bearer_token("").unwrap_err().to_string(),
        "invalid bearer token: the token is empty"
    );
    assert!(matches!(
        builder().bearer_token("a b"),
        Err(BuildError::InvalidToken(_))
    ));
}

#[tokio::test]
async fn tls_serves_with_generated_certificates() {
    let certificates = Certificates::generate();
    let tls = TlsConfig::from_pem(
        certificates.server_pem.as_bytes(),
        certificates.server_key_pem.as_bytes(),
    )
    .unwrap();
    let exporter = builder().tls(tls).build().unwrap();
    let server = exporter.bind().await.unwrap();
    assert!(server.is_tls());
    let server = Running::start(server);

    let answer = get_tls(server.address, "/metrics", certificates.client(None))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(answer.body.contains("provisioner_build_info"));
    assert_eq!(
        get_tls(server.address, "/livez", certificates.client(None))
            .await
            .unwrap()
            .body,
        "ok"
    );

    // Plain HTTP to a TLS port gets no HTTP answer.
    let plain = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let stream = tokio::net::TcpStream::connect(server.address)
            .await
            .unwrap();
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(connection);
        let request = http::Request::get("/metrics")
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .unwrap();
        sender.send_request(request).await
    })
    .await
    .expect("the server answers or closes promptly");
    assert!(
        plain.is_err(),
        "plain HTTP got an answer from a TLS port: {plain:?}"
    );
}

#[tokio::test]
async fn client_certificates_are_required_when_configured() {
    let certificates = Certificates::generate();
    let tls = TlsConfig::from_pem(
        certificates.server_pem.as_bytes(),
        certificates.server_key_pem.as_bytes(),
    )
    .unwrap()
    .require_client_certificates(certificates.ca_pem.as_bytes())
    .unwrap();
    let exporter = builder()
        .tls(tls)
        .bearer_token("tok")
        .unwrap()
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;

    let trusted = certificates.client(Some((
        &certificates.client_pem,
        &certificates.client_key_pem,
    )));
    let answer = get_tls(server.address, "/livez", trusted).await.unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (200, "ok"));
    // TLS client auth and the bearer token combine: the certificate alone does not open /metrics.
    let trusted = certificates.client(Some((
        &certificates.client_pem,
        &certificates.client_key_pem,
    )));
    assert_eq!(
        get_tls(server.address, "/metrics", trusted)
            .await
            .unwrap()
            .status,
        401
    );

    let anonymous = get_tls(server.address, "/livez", certificates.client(None)).await;
    assert!(
        anonymous.is_err(),
        "a client without a certificate was served: {anonymous:?}"
    );
    let stranger = certificates.client(Some((
        &certificates.stranger_pem,
        &certificates.stranger_key_pem,
    )));
    let stranger = get_tls(server.address, "/livez", stranger).await;
    assert!(
        stranger.is_err(),
        "a client with an untrusted certificate was served: {stranger:?}"
    );
}

#[tokio::test]
async fn client_certificates_can_be_optional_but_are_still_verified() {
    let certificates = Certificates::generate();
    let tls = TlsConfig::from_pem(
        certificates.server_pem.as_bytes(),
        certificates.server_key_pem.as_bytes(),
    )
    .unwrap()
    .verify_client_certificates_if_presented(certificates.ca_pem.as_bytes())
    .unwrap();
    let server = Running::exporter(&builder().tls(tls).build().unwrap()).await;

    let anonymous = get_tls(server.address, "/livez", certificates.client(None))
        .await
        .unwrap();
    assert_eq!((anonymous.status, anonymous.body.as_str()), (200, "ok"));
    let trusted = certificates.client(Some((
        &certificates.client_pem,
        &certificates.client_key_pem,
    )));
    assert_eq!(
        get_tls(server.address, "/metrics", trusted)
            .await
            .unwrap()
            .status,
        200
    );
    let stranger = certificates.client(Some((
        &certificates.stranger_pem,
        &certificates.stranger_key_pem,
    )));
    let stranger = get_tls(server.address, "/livez", stranger).await;
    assert!(
        stranger.is_err(),
        "a client with an untrusted certificate was served: {stranger:?}"
    );
}

#[test]
fn bad_tls_material_is_a_clear_error() {
    let error = TlsConfig::from_pem(b"not a certificate", b"not a key").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid TLS certificate: no PEM certificate found"
    );
    let certificates = Certificates::generate();
    let error = TlsConfig::from_pem(certificates.server_pem.as_bytes(), b"").unwrap_err();
    assert!(
        error.to_string().starts_with("invalid TLS private key: "),
        "{error}"
    );
    // A key that does not match the certificate.
    let error = TlsConfig::from_pem(
        certificates.server_pem.as_bytes(),
        certificates.client_key_pem.as_bytes(),
    )
    .unwrap_err();
    assert!(
        error.to_string().starts_with("invalid TLS certificate: "),
        "{error}"
    );
    let error = TlsConfig::from_pem_files("/nonexistent/server.crt", "/nonexistent/server.key")
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read `/nonexistent/server.crt`: "),
        "{error}"
    );
}

#[tokio::test]
async fn a_taken_port_is_an_error_naming_the_address() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = taken.local_addr().unwrap();
    let exporter = builder().listen_address(address).build().unwrap();
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

    let exporter = builder()
        .listen_address_from_env(good)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(exporter.listen_address().to_string(), "127.0.0.1:9555");
    let exporter = builder()
        .listen_address_from_env(port_only)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(exporter.listen_address().to_string(), "0.0.0.0:9944");
    let exporter = builder()
        .listen_address_from_env(unset)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        exporter.listen_address().to_string(),
        "127.0.0.1:0",
        "an unset variable keeps the builder's address"
    );

    let error = builder().listen_address_from_env(bad).unwrap_err();
    assert!(matches!(&error, BuildError::InvalidEnvironment { variable, .. } if variable == bad));
    assert_eq!(
        error.to_string(),
        "environment variable `VITALS_TEST_METRICS_ADDR_BAD` is not a listen address: `127.0.0.1:http` \
         (port `http` is not a number from 0 to 65535); expected `host:port`, `:port` or `port`"
    );
    let error = builder().listen_address_str("localhost").unwrap_err();
    assert_eq!(
        error.to_string(),
        "`localhost` is not a listen address (no port); expected `host:port`, `:port` or `port`"
    );
}

#[allow(unsafe_code)] // edition 2024 marks `set_var` unsafe; see the test above for why it is fine here
fn set_env(name: &str, value: &str) {
    unsafe { std::env::set_var(name, value) };
}
