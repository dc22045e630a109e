//! Shared by the integration tests: a real HTTP client (plain or TLS),
//! a served exporter with a shutdown handle, certificates generated on the
//! spot and guards for external binaries.

#![allow(dead_code, unreachable_pub)] // each test file uses a different subset

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vitals_prometheus::{Exporter, Server};

/// An answer, fully read.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The body's bytes.
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// Sends one GET over a fresh connection.
pub async fn get(address: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Answer {
    let stream = TcpStream::connect(address)
        .await
        .expect("connect to the exporter");
    exchange(TokioIo::new(stream), address, path, headers)
        .await
        .expect("HTTP exchange")
}

/// Sends one GET over TLS; `Err` when the handshake or exchange fails.
pub async fn get_tls(
    address: SocketAddr,
    path: &str,
    client: Arc<rustls::ClientConfig>,
) -> Result<Answer, String> {
    let stream = TcpStream::connect(address)
        .await
        .map_err(|error| error.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(client);
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let stream = connector
        .connect(name, stream)
        .await
        .map_err(|error| format!("handshake: {error}"))?;
    exchange(TokioIo::new(stream), address, path, &[]).await
}

async fn exchange<T>(
    io: TokioIo<T>,
    address: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Answer, String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|error| error.to_string())?;
    let connection = tokio::spawn(connection);
    let mut request = http::Request::get(path).header(http::header::HOST, address.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender
        .send_request(request.body(Full::new(Bytes::new())).unwrap())
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    connection.abort();
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body.to_vec(),
    })
}

/// A builder for an exporter on a loopback port (port 0), with a health
/// registry of its own.
pub fn loopback_builder() -> vitals_prometheus::ExporterBuilder {
    Exporter::builder(vitals_prometheus::BuildInfo::new("provisioner", "1.0.0"))
        .listen_address(([127, 0, 0, 1], 0))
        .health(vitals::health::HealthRegistry::new())
}

/// A server running on a loopback port until dropped or shut down.
pub struct Running {
    pub address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    /// Serves `server` on the current runtime.
    pub fn start(server: Server) -> Self {
        let address = server.local_addr();
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(async {
            let _ = signal.await;
        }));
        Self {
            address,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// Binds `exporter` (configured for `127.0.0.1:0`) and serves it.
    pub async fn exporter(exporter: &Exporter) -> Self {
        Self::start(exporter.bind().await.expect("bind a loopback port"))
    }

    /// Sends the shutdown signal and waits until the server has stopped.
    pub async fn shut_down(mut self) {
        let _ = self.shutdown.take().expect("not yet shut down").send(());
        tokio::time::timeout(Duration::from_secs(15), self.task.take().unwrap())
            .await
            .expect("the server stops after its shutdown signal")
            .expect("the server task does not panic");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Test certificates: a CA, a server certificate for `localhost` and
/// `127.0.0.1`, and a client certificate, all signed by the CA.
pub struct Certificates {
    pub ca_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
    pub client_pem: String,
    pub client_key_pem: String,
    pub stranger_pem: String,
    pub stranger_key_pem: String,
}

impl Certificates {
    pub fn generate() -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
        };
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "vitals test CA");
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf =
            |names: Vec<String>, usage: ExtendedKeyUsagePurpose, issuer: &Issuer<'_, KeyPair>| {
                let mut params = CertificateParams::new(names).unwrap();
                params.extended_key_usages = vec![usage];
                let key = KeyPair::generate().unwrap();
                let cert = params.signed_by(&key, issuer).unwrap();
                (cert.pem(), key.serialize_pem())
            };
        let (server_pem, server_key_pem) = leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
            &issuer,
        );
        let (client_pem, client_key_pem) = leaf(
            vec!["scraper".into()],
            ExtendedKeyUsagePurpose::ClientAuth,
            &issuer,
        );

        // A client certificate from a CA the server does not trust.
        let mut other_ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        other_ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let other_issuer = Issuer::new(other_ca, KeyPair::generate().unwrap());
        let (stranger_pem, stranger_key_pem) = leaf(
            vec!["stranger".into()],
            ExtendedKeyUsagePurpose::ClientAuth,
            &other_issuer,
        );

        Self {
            ca_pem: ca_cert.pem(),
            server_pem,
            server_key_pem,
            client_pem,
            client_key_pem,
            stranger_pem,
            stranger_key_pem,
        }
    }

    /// A client trusting the test CA, presenting `identity` (certificate, key) if given.
    pub fn client(&self, identity: Option<(&str, &str)>) -> Arc<rustls::ClientConfig> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).unwrap())
            .unwrap();
        let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
        let config = match identity {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => builder
                .with_client_auth_cert(
                    vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                    PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
                )
                .unwrap(),
        };
        Arc::new(config)
    }
}

/// The path of an external tool; panics naming the Debian package when missing,
/// because these tests must fail, not skip, on a machine without them.
pub fn require_binary(name: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed: install the Debian package `{package}` (apt-get install -y {package})")
        })
}

/// Kills and reaps a child process when dropped, so a failing test leaves nothing behind.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command`, returning a guard that kills it.
pub fn spawn(mut command: Command) -> ChildGuard {
    ChildGuard(
        command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}")),
    )
}

/// A port that was free a moment ago on 127.0.0.1 (for external servers
/// that cannot report the port they bound).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `condition` every 100 ms until it returns `Some` or `limit` passes.
pub async fn eventually<T, F, Fut>(limit: Duration, mut condition: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = condition().await {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A fresh temporary directory under the target directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "vitals-{name}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts Debian's `prometheus` on `address` with `config` (YAML) written
/// into `dir`, its data in `dir/data` (kept across a restart in the same
/// `dir`), and the `flags` a test needs; killed when the guard drops.
pub fn start_prometheus(
    dir: &TempDir,
    address: SocketAddr,
    config: &str,
    flags: &[&str],
) -> ChildGuard {
    let binary = require_binary("prometheus", "prometheus");
    let file = dir.path().join("prometheus.yml");
    std::fs::write(&file, config).unwrap();
    let mut command = Command::new(binary);
    command
        .arg(format!("--config.file={}", file.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={address}"))
        .args(flags)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    spawn(command)
}
