//! The client against a real exporter on loopback with a bearer token and
//! TLS (a CA generated here): the token and `--ca-cert` get the exposition
//! (which our parser reads), a missing token, an unknown CA or an unusable
//! CA file do not, `--insecure` accepts the unknown CA. And `--help` names
//! every option.

use std::net::SocketAddr;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, TlsConfig};
use vitals_top::client::{Client, ClientError, ClientOptions, Probe};
use vitals_top::exposition::parse;

const TOKEN: &str = "t0p-s3cret";

/// A CA's PEM, and a server certificate for 127.0.0.1 it signed, with its key.
fn certificates() -> (String, String, String) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "vitals-top test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let mut server = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &issuer).unwrap();
    (ca_pem, cert.pem(), key.serialize_pem())
}

/// An exporter serving TLS with a token on its own runtime thread, until dropped.
struct Served {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    fn start(cert_pem: &str, key_pem: &str) -> Self {
        let tls = TlsConfig::from_pem(cert_pem.as_bytes(), key_pem.as_bytes()).unwrap();
        let exporter = Exporter::builder(BuildInfo::new("toptest", "1.2.3"))
            .listen_address(([127, 0, 0, 1], 0))
            .health(HealthRegistry::new())
            .bearer_token(TOKEN)
            .unwrap()
            .tls(tls)
            .build()
            .unwrap();
        let (bound, address) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let server = exporter.bind().await.expect("bind a loopback port");
                bound.send(server.local_addr()).unwrap();
                server
                    .serve(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        let address = address
            .recv_timeout(Duration::from_secs(10))
            .expect("bound");
        Self {
            address,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn options(served: &Served) -> ClientOptions {
    ClientOptions {
        url: format!("https://{}/metrics", served.address),
        token: Some(TOKEN.to_owned()),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(5),
    }
}

#[test]
fn token_and_ca_get_the_exposition_and_nothing_less_does() {
    let (ca_pem, cert_pem, key_pem) = certificates();
    let dir = e2e_support::TempDir::new("vitals-top-client");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let served = Served::start(&cert_pem, &key_pem);

    let trusted = Client::new(ClientOptions {
        ca_cert: Some(ca_file.clone()),
        ..options(&served)
    })
    .unwrap();
    let text = trusted
        .scrape()
        .expect("the token and the CA get the exposition");
    let exposition = parse(&text).expect("our parser reads the exporter's text");
    let info = exposition
        .samples
        .iter()
        .find(|sample| sample.name == "toptest_build_info")
        .expect("the build info series");
    assert_eq!(info.label("version"), Some("1.2.3"));
    assert_eq!(trusted.probe("/livez"), Probe::Passing);
    assert_eq!(trusted.probe("/readyz"), Probe::Passing);

    let anonymous = Client::new(ClientOptions {
        token: None,
        ca_cert: Some(ca_file.clone()),
        ..options(&served)
    })
    .unwrap();
    match anonymous.scrape() {
        Err(ClientError::Status { status: 401, .. }) => {}
        other => panic!("without the token: {other:?}"),
    }

    let untrusting = Client::new(options(&served)).unwrap();
    match untrusting.scrape() {
        Err(ClientError::Request(error)) => assert!(error.is_connect(), "{error:?}"),
        other => panic!("an unknown CA must fail the handshake: {other:?}"),
    }
    assert_eq!(untrusting.probe("/livez"), Probe::Unreachable);

    let insecure = Client::new(ClientOptions {
        insecure: true,
        ..options(&served)
    })
    .unwrap();
    assert!(
        insecure.scrape().is_ok(),
        "--insecure accepts any certificate"
    );

    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "no certificate here\n").unwrap();
    match Client::new(ClientOptions {
        ca_cert: Some(not_pem),
        ..options(&served)
    }) {
        Err(ClientError::CaCert { reason, .. }) => {
            assert!(reason.contains("no certificate"), "{reason}")
        }
        other => panic!("a CA file without certificates: {other:?}"),
    }
}

#[test]
fn help_names_every_option() {
    e2e_support::help_mentions(
        env!("CARGO_BIN_EXE_vitals-top"),
        &[
            "--token",
            "--ca-cert",
            "--insecure",
            "--interval",
            "VITALS_TOKEN",
        ],
    );
}
