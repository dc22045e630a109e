//! A service exporting its metrics and probes on a port of its own.
//!
//! ```sh
//! cargo run -p vitals-prometheus --example standalone -- --metrics-addr 127.0.0.1:9090
//! curl -s localhost:9090/metrics; curl -s 'localhost:9090/readyz?verbose'; curl -s localhost:9090/status
//! ```
//!
//! The listen address comes from, in increasing priority: the default
//! `0.0.0.0:9090`, the `DEMO_METRICS_ADDR` environment variable, and the
//! `--metrics-addr` (or `--metrics-port`) flag. A bad value is an error
//! naming where it came from; Ctrl-C shuts down gracefully.

use std::time::Duration;

use vitals::health::{HealthRegistry, HealthState, StateCell};
use vitals::instrument_rpc;
use vitals_prometheus::{BuildError, Exporter, build_info};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Warming,
    Serving,
}

impl HealthState for Phase {
    fn code(&self) -> i64 {
        *self as i64 + 1
    }
    fn name(&self) -> &'static str {
        match self {
            Phase::Warming => "warming",
            Phase::Serving => "serving",
        }
    }
    fn meaning(&self) -> &'static str {
        match self {
            Phase::Warming => "loading caches; not ready for traffic",
            Phase::Serving => "serving requests",
        }
    }
    fn is_ready(&self) -> bool {
        *self == Phase::Serving
    }
}

#[derive(Debug)]
struct Busy;

#[instrument_rpc(prefix = "demo", method = "Work")]
async fn work(n: u64) -> Result<u64, Busy> {
    tokio::time::sleep(Duration::from_millis(n % 20)).await;
    if n % 7 == 0 { Err(Busy) } else { Ok(n) }
}

/// `--metrics-addr HOST:PORT` or `--metrics-port PORT`, if given.
fn address_flag() -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--metrics-addr" => return args.next(),
            "--metrics-port" => return args.next().map(|port| format!(":{port}")),
            _ => {}
        }
    }
    None
}

async fn run() -> Result<(), BuildError> {
    let health = HealthRegistry::global();
    let phase = StateCell::new(Phase::Warming);
    health.add_state("demo_phase", phase.clone());

    let mut builder =
        Exporter::builder(build_info!()).listen_address_from_env("DEMO_METRICS_ADDR")?;
    if let Some(address) = address_flag() {
        builder = builder.listen_address_str(&address)?;
    }
    let exporter = builder.install()?;
    let server = exporter.bind().await?;
    println!("metrics on http://{}/metrics", server.local_addr());

    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        phase.set(Phase::Serving);
        for n in 1.. {
            let _ = work(n).await;
        }
    });
    server
        .serve(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        std::process::exit(2);
    }
}
