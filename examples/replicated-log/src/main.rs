//! A simulated replicated log in the style of Kimberlite: the `kmb_*` log,
//! consensus, projection, latency, request and tenant metrics of its
//! monitoring guide, `/health/live`, `/health/ready` (503 while recovering
//! or changing view), `/status` JSON, structured JSON logs and `kmb.write` /
//! `kmb.query` spans. Built with the exporter's `pprof` feature and jemalloc
//! (profiling on), so `/debug/pprof/profile?seconds=N` and
//! `/debug/pprof/heap` answer profiles `go tool pprof` reads.
//!
//! ```sh
//! cargo run -p replicated-log -- --demo-load
//! ```

mod demo;
mod http;
mod logs;
mod metrics;
mod node;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use vitals_prometheus::{Exporter, build_info};

/// jemalloc, whose heap profile `/debug/pprof/heap` serves.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read from this symbol before `main`: profiling on
/// from the start, one sample per 512 KiB allocated on average.
// `export_name` is unsafe: the symbol must have the C type jemalloc
// expects, `const char *`, which a thin reference to the first byte of a
// NUL-terminated string is. The only unsafe item of the example.
#[allow(unsafe_code, non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
static malloc_conf: &u8 = &b"prof:true,prof_active:true,lg_prof_sample:19\0"[0];

/// A replica of a simulated replicated log, instrumented with vitals.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Where `/metrics`, `/health/*`, `/status` and the client API listen.
    #[arg(long, default_value = "0.0.0.0:9090")]
    listen: SocketAddr,
    /// This replica's id in the three-node cluster (1-3).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=3))]
    node_id: u64,
    /// Entries already in the log, replayed at start.
    #[arg(long, default_value_t = 5_000)]
    existing_entries: u64,
    /// How long replaying the log takes, in seconds.
    #[arg(long, default_value_t = 4.0)]
    recovery_seconds: f64,
    /// Runs tenants' clients and view changes in-process so every series moves.
    #[arg(long)]
    demo_load: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    logs::init();

    let exporter = Exporter::builder(build_info!()).install()?;
    let node = node::Node::new(args.node_id, args.existing_entries);
    exporter.health().add_state("replica", node.state_cell());

    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let address = listener.local_addr()?;
    let shown = if address.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], address.port()))
    } else {
        address
    };
    println!("metrics: http://{shown}/metrics");
    println!("status: http://{shown}/status, ready: http://{shown}/health/ready");

    // The projection applies committed entries in batches; a slow patch now
    // and then lets the lag grow, as a CPU-bound projection would.
    let applier = node.clone();
    tokio::spawn(async move {
        loop {
            let batch = if fastrand::u8(..40) == 0 { 0 } else { 64 };
            applier.apply(batch);
            tokio::time::sleep(Duration::from_millis(if batch == 0 { 2_000 } else { 50 })).await;
        }
    });
    let recovering = node.clone();
    let recovery = Duration::from_secs_f64(args.recovery_seconds.max(0.0));
    let demo_load = args.demo_load;
    tokio::spawn(async move {
        recovering.recover(recovery).await;
        if demo_load {
            demo::start(&recovering);
        }
    });

    let health = exporter.health().clone();
    axum::serve(listener, http::router(node, exporter.router()))
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Liveness answers 503 from now on, as the guide says.
            health.begin_shutdown();
            tracing::info!(target: "kmb_server", "Shutting down");
        })
        .await?;
    Ok(())
}
