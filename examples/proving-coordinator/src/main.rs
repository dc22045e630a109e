//! A ZisK-style proving coordinator: a public gRPC API, a worker cluster
//! port that workers hold a stream open on, and exactly the eight
//! `coordinator_*` series of its monitoring guide on `/metrics`, with
//! `/health`, on port 9090.
//!
//! ```sh
//! cargo run -p proving-coordinator -- --demo-load
//! ```
//!
//! The metrics port comes from, highest first: `--metrics-port`,
//! `ZISK_COORDINATOR_METRICS_PORT`, `[metrics] port` in `--config` (default
//! `coordinator.toml`), then 9090. Alert rules and a Grafana dashboard are
//! in `monitoring/`.

mod api;
mod config;
mod demo;
mod fleet;
mod metrics;

/// The code generated from `proto/coordinator.proto`.
#[allow(missing_docs, unreachable_pub, clippy::all)]
mod proto {
    tonic::include_proto!("zisk.distributed.v1");

    /// The encoded `FileDescriptorSet` of `coordinator.proto`, for the demo
    /// workers' `GrpcClientMetricsLayer`.
    pub(crate) const FILE_DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
}

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use vitals_prometheus::{Exporter, build_info};

use crate::config::{FileConfig, METRICS_PORT_ENV};

/// A proving coordinator with a worker fleet, instrumented with vitals.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// The address every listener binds.
    #[arg(long, default_value = "0.0.0.0")]
    bind: IpAddr,
    /// The public gRPC API port.
    #[arg(long, default_value_t = 50051)]
    api_port: u16,
    /// The worker cluster port (workers open a `WorkerStream` here).
    #[arg(long, default_value_t = 50052)]
    worker_port: u16,
    /// The `/metrics` and `/health` port [default: ZISK_COORDINATOR_METRICS_PORT,
    /// then `[metrics] port` of the configuration file, then 9090].
    #[arg(long)]
    metrics_port: Option<u16>,
    /// The configuration file (TOML); read if present when not given.
    #[arg(long, default_value = "coordinator.toml")]
    config: PathBuf,
    /// Runs a worker fleet and a client in-process so every series moves.
    #[arg(long)]
    demo_load: bool,
    /// How many workers `--demo-load` starts.
    #[arg(long, default_value_t = 4)]
    demo_workers: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let explicit_config =
        std::env::args_os().any(|arg| arg.to_string_lossy().starts_with("--config"));
    let file = FileConfig::load(&args.config, explicit_config)?;
    let env = std::env::var(METRICS_PORT_ENV).ok();
    let metrics_port = config::metrics_port(args.metrics_port, env.as_deref(), &file)?;

    // The job tracker declares its buckets when built; the exporter reads
    // every declaration when installed, so the fleet comes first.
    let fleet = fleet::Fleet::new();
    // The guide lists eight series and nothing else: no build info, no
    // process or scrape self-metrics. Installing pre-creates every known series at zero.
    let exporter = Exporter::builder(build_info!())
        .without_build_info()
        .process_metrics(false)
        .scrape_metrics(false)
        .listen_address(SocketAddr::new(args.bind, metrics_port))
        .install()?;

    let metrics_server = exporter.bind().await?;
    let api_listener = TcpListener::bind(SocketAddr::new(args.bind, args.api_port)).await?;
    let worker_listener = TcpListener::bind(SocketAddr::new(args.bind, args.worker_port)).await?;
    let metrics_address = metrics_server.local_addr();
    let api_address = api_listener.local_addr()?;
    let worker_address = worker_listener.local_addr()?;
    println!(
        "metrics: http://{}/metrics",
        loopback_if_any(metrics_address)
    );
    println!("health: http://{}/health", loopback_if_any(metrics_address));
    println!("api: {api_address}, workers: {worker_address}");

    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tokio::spawn(metrics_server.serve(shutdown));
    let api = tonic::transport::Server::builder()
        .add_service(
            proto::zisk_distributed_api_server::ZiskDistributedApiServer::new(api::Api::new(
                fleet.clone(),
            )),
        )
        .serve_with_incoming(TcpListenerStream::new(api_listener));
    let workers = tonic::transport::Server::builder()
        .add_service(
            proto::zisk_worker_cluster_server::ZiskWorkerClusterServer::new(
                api::WorkerCluster::new(fleet.clone()),
            ),
        )
        .serve_with_incoming(TcpListenerStream::new(worker_listener));
    if args.demo_load {
        demo::start(
            loopback_if_any(api_address),
            loopback_if_any(worker_address),
            args.demo_workers,
        );
    }
    tokio::select! {
        result = api => result?,
        result = workers => result?,
        _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
    }
    Ok(())
}

/// Where a local client reaches a listener bound to `address`
/// (`0.0.0.0` is reached through `127.0.0.1`).
fn loopback_if_any(address: SocketAddr) -> SocketAddr {
    if address.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], address.port()))
    } else {
        address
    }
}
