//! `--demo-load`: an operator and a set of marbles in this process, talking
//! to the coordinator over its real HTTP and gRPC APIs. The coordinator
//! starts in recovery, is recovered after 5 s, gets its manifest after
//! 10 s, then marbles activate, some with bad quotes or unknown types.
//!
//! The operator's and the marbles' channels go through
//! `GrpcClientMetricsLayer`, so the client side of both gRPC APIs is
//! measured too (`grpc_client_handled_total{grpc_service, grpc_method,
//! grpc_code}`: the marbles see their refused activations as
//! `PermissionDenied` from their side).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::transport::Channel;
use vitals::middleware::grpc::{GrpcClientMetrics, GrpcClientMetricsLayer};

use crate::proto::{
    ActivationRequest, GetManifestRequest, NewMeshCertRequest, SetManifestRequest,
    mesh_api_client::MeshApiClient, user_api_client::UserApiClient,
};
use crate::state::MARBLE_TYPES;

/// The demo's manifest.
const MANIFEST: &str = r#"{"Packages": {"app": {"UniqueID": "6b2822ac"}}, "Marbles": {"frontend": {}, "backend": {}, "database": {}}}"#;

/// Where the demo's clients connect.
pub(crate) struct Targets {
    /// The client API (HTTP).
    pub(crate) client_api: SocketAddr,
    /// The user API (gRPC).
    pub(crate) user_api: SocketAddr,
    /// The mesh API (gRPC).
    pub(crate) mesh_api: SocketAddr,
}

/// Starts the operator and the marbles.
pub(crate) fn start(targets: Targets) {
    let layer = GrpcClientMetricsLayer::builder()
        .descriptor_set(crate::proto::DESCRIPTOR_SET)
        .build()
        .expect("the coordinator's services are in its descriptor set");
    tokio::spawn(status_poller(targets.client_api));
    tokio::spawn(operator(
        targets.client_api,
        targets.user_api,
        layer.clone(),
    ));
    tokio::spawn(marbles(targets.mesh_api, layer));
}

/// One HTTP/1.1 request; the status code, or `None` if the server is unreachable.
async fn http(address: SocketAddr, method: &str, path: &str, body: &str) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A measured channel to `address`, once it accepts connections.
async fn measured(
    address: SocketAddr,
    layer: &GrpcClientMetricsLayer,
) -> GrpcClientMetrics<Channel> {
    tower::Layer::layer(layer, channel(address).await)
}

async fn channel(address: SocketAddr) -> Channel {
    loop {
        let endpoint = Channel::from_shared(format!("http://{address}")).expect("a valid URI");
        match endpoint.connect().await {
            Ok(channel) => return channel,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn status_poller(client_api: SocketAddr) {
    loop {
        let _ = http(client_api, "GET", "/status", "").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn operator(client_api: SocketAddr, user_api: SocketAddr, layer: GrpcClientMetricsLayer) {
    let mut users = UserApiClient::new(measured(user_api, &layer).await);
    tokio::time::sleep(Duration::from_secs(5)).await;
    // A fumbled first try, then the key.
    let _ = http(client_api, "POST", "/recover", "").await;
    let _ = http(client_api, "POST", "/recover", "recovery-key").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let _ = users.get_manifest(GetManifestRequest {}).await; // FailedPrecondition: none yet
    let _ = http(client_api, "POST", "/manifest", "not json").await;
    let _ = users
        .set_manifest(SetManifestRequest {
            manifest: MANIFEST.to_owned(),
        })
        .await;
    let mut round = 0u64;
    loop {
        round += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = users.get_manifest(GetManifestRequest {}).await;
        let _ = http(client_api, "GET", "/manifest", "").await;
        if round % 30 == 0 {
            // A manifest update: a new generation.
            let _ = http(client_api, "POST", "/manifest", MANIFEST).await;
        }
    }
}

/// A UUID-shaped identifier.
fn uuid() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

async fn marbles(mesh_api: SocketAddr, layer: GrpcClientMetricsLayer) {
    let mut mesh = MeshApiClient::new(measured(mesh_api, &layer).await);
    // A fixed fleet of instances keeps the uuid label bounded, as a real
    // deployment's is by its replica count.
    let fleet: Vec<(String, String)> = (0..12)
        .map(|index| {
            let marble_type = if index == 11 {
                "cache"
            } else {
                MARBLE_TYPES[index % MARBLE_TYPES.len()]
            };
            (marble_type.to_owned(), uuid())
        })
        .collect();
    loop {
        let (marble_type, uuid) = &fleet[fastrand::usize(..fleet.len())];
        let quote: &[u8] = match fastrand::u8(..20) {
            0 => b"garbage",
            1 => b"wrong-measurement",
            2 => b"old-tcb",
            _ => b"valid-quote",
        };
        let request = ActivationRequest {
            marble_type: marble_type.clone(),
            uuid: uuid.clone(),
            quote: quote.to_vec(),
        };
        let _ = mesh.activate(request).await;
        // Sometimes for a marble that never activated: NotFound.
        let uuid = if fastrand::u8(..10) == 0 {
            "00000000-0000-0000-0000-000000000000".to_owned()
        } else {
            uuid.clone()
        };
        let _ = mesh.new_mesh_cert(NewMeshCertRequest { uuid }).await;
        tokio::time::sleep(Duration::from_millis(fastrand::u64(100..300))).await;
    }
}
