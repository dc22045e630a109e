//! The smallest useful vitals service.
//!
//! An axum handler instrumented with `#[instrument_rpc]`, `/metrics` serving
//! what it records, and a load loop so the series move as soon as it starts.
//!
//! ```sh
//! cargo run -p quickstart              # listens on 127.0.0.1:9090, or a free port if taken
//! cargo run -p quickstart -- 127.0.0.1:8080
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use http::StatusCode;
use metrics_exporter_prometheus::PrometheusBuilder;
use vitals::instrument_rpc;

/// Looks a user up: ids divisible by 7 do not exist, and every 13th lookup is slow.
#[instrument_rpc(prefix = "quickstart", method = "GetUser")]
async fn get_user(Path(id): Path<u64>) -> StatusCode {
    if id % 13 == 0 {
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    if id % 7 == 0 {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let requested: SocketAddr = match std::env::args().nth(1) {
        Some(address) => address
            .parse()
            .map_err(|error| format!("`{address}` is not a socket address: {error}"))?,
        None => SocketAddr::from(([127, 0, 0, 1], 9090)),
    };

    let mut builder = PrometheusBuilder::new();
    for family in vitals::catalogue().families() {
        if !family.buckets().is_empty() {
            let matcher = metrics_exporter_prometheus::Matcher::Full(family.name().to_owned());
            builder = builder.set_buckets_for_metric(matcher, family.buckets())?;
        }
    }
    let handle = builder.install_recorder()?;
    vitals::__private::refresh_recorder_identity();
    vitals::catalogue().register_known_series();

    let metrics = handle.clone();
    let app = Router::new().route("/users/{id}", get(get_user)).route(
        "/metrics",
        get(move || std::future::ready(metrics.render())),
    );

    let listener = match tokio::net::TcpListener::bind(requested).await {
        Ok(listener) => listener,
        Err(error) if std::env::args().nth(1).is_none() => {
            eprintln!("{requested} is not available ({error}); using a free port instead");
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?
        }
        Err(error) => return Err(format!("cannot listen on {requested}: {error}").into()),
    };
    let address = listener.local_addr()?;
    println!("quickstart is serving; open http://{address}/metrics");

    tokio::spawn(generate_traffic(address));
    tokio::spawn(async move {
        // The exporter buffers histogram samples until they are drained.
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            handle.run_upkeep();
        }
    });
    axum::serve(listener, app).await?;
    Ok(())
}

/// Calls the service a few times a second, so every series has data.
async fn generate_traffic(address: SocketAddr) {
    let mut id = 0u64;
    loop {
        id += 1;
        if let Ok(mut stream) = tokio::net::TcpStream::connect(address).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let request =
                format!("GET /users/{id} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(request.as_bytes()).await;
            let mut response = Vec::new();
            let _ = stream.read_to_end(&mut response).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
