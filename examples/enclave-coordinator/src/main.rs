//! An enclave coordinator in the style of MarbleRun/Contrast: a state
//! machine (`recovery` = 1, `waiting for a manifest` = 2, `accepting
//! marbles` = 3) exposed as `coordinator_state` and through `/status`, marble
//! activations, a gRPC user API and mesh API with go-grpc-middleware
//! metrics, and a client API over HTTP with `server_client_api_http_*`
//! metrics.
//!
//! The Prometheus exporter is enabled by `EDG_COORDINATOR_PROMETHEUS_ADDR`
//! holding its address (`--demo-load` defaults it to `127.0.0.1:9944`).
//!
//! ```sh
//! cargo run -p enclave-coordinator -- --demo-load
//! ```

mod client_api;
mod demo;
mod grpc;
mod metrics;
mod state;

/// The code generated from `proto/coordinator.proto`.
#[allow(missing_docs, unreachable_pub, clippy::all)]
mod proto {
    tonic::include_proto!("coordinator.v1");

    /// The encoded descriptor set, for the gRPC layer's method table.
    pub(crate) const DESCRIPTOR_SET: &[u8] = vitals::include_descriptor_set!();
}

use std::net::SocketAddr;

use clap::Parser;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use vitals::middleware::grpc::GrpcMetricsLayer;
use vitals_prometheus::{Exporter, build_info};

use crate::metrics::COORDINATOR;
use crate::proto::mesh_api_server::MeshApiServer;
use crate::proto::user_api_server::UserApiServer;
use crate::state::{Coordinator, CoordinatorState};

/// The variable whose presence enables the exporter, holding its address.
const PROMETHEUS_ADDR_ENV: &str = "EDG_COORDINATOR_PROMETHEUS_ADDR";

/// Where `--demo-load` serves metrics when the variable is unset.
const DEMO_PROMETHEUS_ADDR: &str = "127.0.0.1:9944";

/// An enclave coordinator instrumented with vitals.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// The client API (HTTP: `/status`, `/manifest`, `/recover`).
    #[arg(long, default_value = "0.0.0.0:4433")]
    client_api_addr: SocketAddr,
    /// The gRPC user API (`SetManifest`, `GetManifest`).
    #[arg(long, default_value = "0.0.0.0:1313")]
    user_api_addr: SocketAddr,
    /// The gRPC mesh API (`Activate`, `NewMeshCert`).
    #[arg(long, default_value = "0.0.0.0:7777")]
    mesh_api_addr: SocketAddr,
    /// Starts in recovery mode, as after a restart with sealed state.
    #[arg(long)]
    start_in_recovery: bool,
    /// Runs an operator and marbles in-process so every series moves
    /// (implies `--start-in-recovery`).
    #[arg(long)]
    demo_load: bool,
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

    // Layers and state gauges declare their series (and buckets) first; the
    // exporter reads every declaration when it is installed.
    let grpc_layer = GrpcMetricsLayer::builder()
        .service::<UserApiServer<grpc::UserApi>>(proto::DESCRIPTOR_SET)
        .service::<MeshApiServer<grpc::MeshApi>>(proto::DESCRIPTOR_SET)
        .build()?;
    let http_layer = client_api::metrics_layer();

    let info = build_info!();
    let exporter = match (std::env::var(PROMETHEUS_ADDR_ENV).ok(), args.demo_load) {
        (Some(_), _) => Some(
            Exporter::builder(info.clone())
                .without_build_info()
                .listen_address_from_env(PROMETHEUS_ADDR_ENV)?
                .install()?,
        ),
        (None, true) => Some(
            Exporter::builder(info.clone())
                .without_build_info()
                .listen_address_str(DEMO_PROMETHEUS_ADDR)?
                .install()?,
        ),
        (None, false) => None,
    };
    COORDINATOR
        .version_info(info.revision(), info.version())
        .set(1.0);

    let initial = if args.start_in_recovery || args.demo_load {
        CoordinatorState::Recovery
    } else {
        CoordinatorState::AcceptingManifest
    };
    let coordinator = Coordinator::new(initial);

    let client_listener = TcpListener::bind(args.client_api_addr).await?;
    let user_listener = TcpListener::bind(args.user_api_addr).await?;
    let mesh_listener = TcpListener::bind(args.mesh_api_addr).await?;
    let client_addr = loopback_if_any(client_listener.local_addr()?);
    let user_addr = loopback_if_any(user_listener.local_addr()?);
    let mesh_addr = loopback_if_any(mesh_listener.local_addr()?);
    match &exporter {
        Some(exporter) => {
            exporter.health().add_state(
                "coordinator_state",
                vitals::health::StateOf::<CoordinatorState>::new(),
            );
            let server = exporter.bind().await?;
            println!(
                "metrics: http://{}/metrics",
                loopback_if_any(server.local_addr())
            );
            tokio::spawn(server.serve(async {
                let _ = tokio::signal::ctrl_c().await;
            }));
        }
        None => {
            println!("metrics: disabled; set {PROMETHEUS_ADDR_ENV}=0.0.0.0:9944 to enable them")
        }
    }
    println!("client api: http://{client_addr}/status");
    println!("user api: {user_addr}, mesh api: {mesh_addr}");

    let client_api = axum::serve(
        client_listener,
        client_api::router(coordinator.clone(), http_layer),
    );
    let user_api = tonic::transport::Server::builder()
        .layer(grpc_layer.clone())
        .add_service(UserApiServer::new(grpc::UserApi(coordinator.clone())))
        .serve_with_incoming(TcpListenerStream::new(user_listener));
    let mesh_api = tonic::transport::Server::builder()
        .layer(grpc_layer)
        .add_service(MeshApiServer::new(grpc::MeshApi(coordinator.clone())))
        .serve_with_incoming(TcpListenerStream::new(mesh_listener));
    if args.demo_load {
        demo::start(demo::Targets {
            client_api: client_addr,
            user_api: user_addr,
            mesh_api: mesh_addr,
        });
    }
    tokio::select! {
        result = client_api => result?,
        result = user_api => result?,
        result = mesh_api => result?,
        _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
    }
    Ok(())
}

/// Where a local client reaches a listener bound to `address`.
fn loopback_if_any(address: SocketAddr) -> SocketAddr {
    if address.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], address.port()))
    } else {
        address
    }
}
