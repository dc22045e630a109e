//! TLS over real connections (`tls` feature): certificates generated here,
//! required and optional client certificates, unusable material.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::{Certificates, Running, get_tls, loopback_builder};
use vitals_prometheus::TlsConfig;

/// The server side: the generated `localhost` certificate and its key.
fn server_tls(certificates: &Certificates) -> TlsConfig {
    TlsConfig::from_pem(
        certificates.server_pem.as_bytes(),
        certificates.server_key_pem.as_bytes(),
    )
    .unwrap()
}

/// A client presenting a certificate signed by the test CA.
fn trusted_client(certificates: &Certificates) -> Arc<rustls::ClientConfig> {
    certificates.client(Some((
        &certificates.client_pem,
        &certificates.client_key_pem,
    )))
}

/// Asserts that `client`'s handshake fails, so `who` is served nothing.
async fn refused(address: SocketAddr, client: Arc<rustls::ClientConfig>, who: &str) {
    let answer = get_tls(address, "/livez", client).await;
    assert!(answer.is_err(), "{who} was served: {answer:?}");
}

/// A client presenting a certificate the test CA did not sign.
fn stranger_client(certificates: &Certificates) -> Arc<rustls::ClientConfig> {
    certificates.client(Some((
        &certificates.stranger_pem,
        &certificates.stranger_key_pem,
    )))
}

#[tokio::test]
async fn tls_serves_with_generated_certificates() {
    let certificates = Certificates::generate();
    let tls = server_tls(&certificates);
    let exporter = loopback_builder().tls(tls).build().unwrap();
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
    let tls = server_tls(&certificates)
        .require_client_certificates(certificates.ca_pem.as_bytes())
        .unwrap();
    let exporter = loopback_builder()
        .tls(tls)
        .bearer_token("tok")
        .unwrap()
        .build()
        .unwrap();
    let server = Running::exporter(&exporter).await;

    let trusted = trusted_client(&certificates);
    let answer = get_tls(server.address, "/livez", trusted).await.unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (200, "ok"));
    // TLS client auth and the bearer token combine: the certificate alone does not open /metrics.
    let trusted = trusted_client(&certificates);
    assert_eq!(
        get_tls(server.address, "/metrics", trusted)
            .await
            .unwrap()
            .status,
        401
    );

    refused(
        server.address,
        certificates.client(None),
        "a client without a certificate",
    )
    .await;
    refused(
        server.address,
        stranger_client(&certificates),
        "a client with an untrusted certificate",
    )
    .await;
}

#[tokio::test]
async fn client_certificates_can_be_optional_but_are_still_verified() {
    let certificates = Certificates::generate();
    let tls = server_tls(&certificates)
        .verify_client_certificates_if_presented(certificates.ca_pem.as_bytes())
        .unwrap();
    let server = Running::exporter(&loopback_builder().tls(tls).build().unwrap()).await;

    let anonymous = get_tls(server.address, "/livez", certificates.client(None))
        .await
        .unwrap();
    assert_eq!((anonymous.status, anonymous.body.as_str()), (200, "ok"));
    let trusted = trusted_client(&certificates);
    assert_eq!(
        get_tls(server.address, "/metrics", trusted)
            .await
            .unwrap()
            .status,
        200
    );
    refused(
        server.address,
        stranger_client(&certificates),
        "a client with an untrusted certificate",
    )
    .await;
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
