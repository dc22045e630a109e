//! Per-request overhead of `HttpMetricsLayer` and `GrpcMetricsLayer`
//! against the same server without them, and against axum-prometheus and
//! tonic-prometheus-layer; and of `GrpcClientMetricsLayer` against the bare
//! tonic client and tonic-prometheus-layer's `MetricsChannel`, and of
//! `HttpClientMetricsLayer` against the bare hyper-util client.
//!
//! Each variant serves on 127.0.0.1 and a client in the same process sends
//! a bounded number of requests over loopback. Rounds interleave the
//! variants, so drift on a shared machine hits them alike; the report gives
//! the median over rounds of the mean time per request. A second table
//! calls each service in process (`tower::ServiceExt::oneshot`, no sockets),
//! where the layer's own cost is not buried in loopback noise.
//!
//! ```text
//! cargo run --release -p vitals-bench-layers -- [--requests N] [--rounds R] [--concurrency C] [--clients]
//! ```

mod grpc;
mod grpc_client;
mod http;
mod http_client;
mod stats;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::stats::{Measured, report};

/// Prometheus' default buckets, for every histogram of every variant, so no
/// variant pays for the exporter's summary mode.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A loopback listener for a server to adopt on its own runtime.
pub(crate) fn loopback_listener() -> (std::net::TcpListener, std::net::SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking socket");
    let address = listener.local_addr().expect("a bound address");
    (listener, address)
}

/// What to run, from the command line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Requests per variant per round.
    pub(crate) requests: usize,
    /// Rounds; the report is the median over them.
    pub(crate) rounds: usize,
    /// Client tasks sending at once (each on its own connection).
    pub(crate) concurrency: usize,
    /// Runs only the client layers' tables (`--clients`).
    pub(crate) only_clients: bool,
}

impl Settings {
    fn from_args() -> Result<Self, String> {
        let mut settings = Settings {
            requests: 20_000,
            rounds: 7,
            concurrency: 1,
            only_clients: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut number = || -> Result<usize, String> {
                let text = args
                    .next()
                    .ok_or_else(|| format!("`{flag}` needs a number"))?;
                text.parse()
                    .map_err(|_| format!("`{flag}` needs a number, not `{text}`"))
            };
            match flag.as_str() {
                "--requests" => settings.requests = number()?,
                "--rounds" => settings.rounds = number()?,
                "--concurrency" => settings.concurrency = number()?.max(1),
                "--clients" => settings.only_clients = true,
                "--bench" => {} // passed by `cargo bench`
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(settings)
    }
}

fn install_recorder() -> PrometheusHandle {
    let recorder = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .expect("valid buckets")
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only recorder of this process");
    vitals::global_recorder_installed();
    handle
}

fn main() {
    let settings = match Settings::from_args() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    let handle = install_recorder();
    // Drains histogram samples the way an exporter's upkeep task does.
    let done = Arc::new(AtomicBool::new(false));
    let upkeep = {
        let (handle, done) = (handle.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                handle.run_upkeep();
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    // Servers on one worker thread, the load generator on this one: two
    // cores, one each, and no work stealing between them to add noise.
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let only_clients = settings.only_clients;
    let tables = client.block_on(async {
        let mut tables: Vec<(&str, Vec<Measured>)> = Vec::new();
        if !only_clients {
            let http_loopback = http::loopback(settings, servers.handle().clone()).await;
            tables.push(("HTTP (axum 0.8), loopback HTTP/1.1", http_loopback));
            tables.push((
                "HTTP (axum 0.8), in process",
                http::in_process(settings).await,
            ));
            let grpc_loopback = grpc::loopback(settings, servers.handle().clone()).await;
            tables.push(("gRPC (tonic 0.14), unary, loopback HTTP/2", grpc_loopback));
            let grpc_in_process = grpc::in_process(settings).await;
            tables.push(("gRPC (tonic 0.14), unary, in process", grpc_in_process));
        }
        let http_client_loopback = http_client::loopback(settings, servers.handle().clone()).await;
        tables.push((
            "HTTP client (hyper-util 0.1), loopback HTTP/1.1",
            http_client_loopback,
        ));
        let http_client_in_process = http_client::in_process(settings).await;
        tables.push((
            "HTTP client layer around the axum router, in process",
            http_client_in_process,
        ));
        let client_loopback = grpc_client::loopback(settings, servers.handle().clone()).await;
        tables.push((
            "gRPC client (tonic 0.14), unary, loopback HTTP/2",
            client_loopback,
        ));
        let client_in_process = grpc_client::in_process(settings).await;
        tables.push((
            "gRPC client (tonic 0.14), unary, in process",
            client_in_process,
        ));
        tables
    });
    done.store(true, Ordering::Relaxed);
    upkeep.join().expect("the upkeep thread ends");

    println!(
        "requests per variant per round: {}, rounds: {}, concurrency: {}\n",
        settings.requests, settings.rounds, settings.concurrency
    );
    for (title, measured) in tables {
        println!("{}", report(title, &measured));
    }
    // Proof that every layer recorded: one non-zero series of each.
    let rendered = handle.render();
    for name in [
        "http_server_requests_total{",
        "axum_http_requests_total{",
        "grpc_server_handled_total{",
        "grpc_client_handled_total{",
        "http_client_requests_total{",
    ] {
        let line = rendered
            .lines()
            .find(|line| line.starts_with(name) && !line.ends_with(" 0"))
            .unwrap_or("(missing)");
        println!("    {line}");
    }
}
