//! A volume provisioner in the style of libvirt-volume-provisioner: a JSON
//! API that provisions (simulated) volumes as jobs, the
//! `libvirt_volume_provisioner_*` metrics and process metrics on
//! `/metrics`, `/health`, `/healthz` and `/livez`, a bearer token and TLS
//! with client certificates, JSON or text logs (`LOG_FORMAT`).
//!
//! ```sh
//! cargo run -p volume-provisioner -- --demo-load
//! cargo run -p volume-provisioner -- --tls-cert server.crt --tls-key server.key \
//!     --client-ca ca.crt --api-token "$TOKEN"
//! ```

mod api;
mod demo;
mod jobs;
mod logs;
mod metrics;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use vitals_prometheus::{Exporter, TlsConfig, build_info};

/// A volume provisioner instrumented with vitals.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Where the API, the health endpoints and `/metrics` listen.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// The server certificate chain (PEM); with `--tls-key`, serves HTTPS.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// CA certificates (PEM) that every client certificate must chain to.
    #[arg(long, requires = "tls_cert")]
    client_ca: Option<PathBuf>,
    /// The bearer token `/api/*` and `/metrics` require.
    #[arg(long, env = "PROVISIONER_API_TOKEN", hide_env_values = true)]
    api_token: Option<String>,
    /// Runs a client in-process so every series moves.
    #[arg(long)]
    demo_load: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    logs::init(logs::Format::from_env());

    let mut builder = Exporter::builder(build_info!()).listen_address(args.listen);
    if let Some(token) = &args.api_token {
        builder = builder.bearer_token(token)?;
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let mut tls = TlsConfig::from_pem_files(cert, key)?;
        if let Some(ca) = &args.client_ca {
            tls = tls.require_client_certificates_from_file(ca)?;
        }
        builder = builder.tls(tls);
    }
    let exporter = builder.install()?;

    let token: Option<Arc<str>> = args.api_token.as_deref().map(Arc::from);
    let app = api::router(
        jobs::Jobs::default(),
        token.clone(),
        exporter.health().clone(),
        exporter.router(),
    );
    let server = exporter.bind_with(app.clone()).await?;
    let scheme = if server.is_tls() { "https" } else { "http" };
    let address = server.local_addr();
    let shown = if address.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], address.port()))
    } else {
        address
    };
    println!("metrics: {scheme}://{shown}/metrics");
    println!("health: {scheme}://{shown}/health, api: {scheme}://{shown}/api/v1/volumes");
    if args.demo_load {
        demo::start(app, token);
    }
    server
        .serve(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}
