//! A batch job pushing to a Prometheus Pushgateway while it runs and once
//! at the end.
//!
//! ```sh
//! prometheus-pushgateway --web.listen-address=127.0.0.1:9091 &
//! cargo run -p vitals-prometheus --example batch_push -- http://127.0.0.1:9091
//! curl -s localhost:9091/metrics | grep batch_
//! ```

use std::time::Duration;

use vitals::instrument_rpc;
use vitals_prometheus::{Exporter, build_info};

#[instrument_rpc(prefix = "batch", method = "Chunk")]
async fn process_chunk(chunk: u32) -> Result<u32, std::io::Error> {
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(chunk * 2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gateway = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:9091".to_owned());
    let exporter = Exporter::builder(build_info!())
        .push_gateway(&gateway, "batch_example")?
        .push_interval(Duration::from_secs(1))
        .install()?;
    let pusher = exporter.start_push()?;
    for chunk in 0..40 {
        process_chunk(chunk).await?;
    }
    // The final push carries the last values even if the job ends between intervals.
    pusher.finish().await?;
    Ok(())
}
