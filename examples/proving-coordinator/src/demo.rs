//! `--demo-load`: a worker fleet and a client in this process, talking to
//! the coordinator over real gRPC, so every series moves at once. Errors
//! included: unknown programs, failing workers, cancellations, a worker
//! that leaves and comes back, long polls that time out.
//!
//! The workers' channels go through `GrpcClientMetricsLayer`, so the
//! client side of the worker stream is measured too:
//! `grpc_client_started_total{grpc_method="WorkerStream"}` counts sessions
//! and `grpc_client_msg_received_total` the coordinator's messages.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use vitals::middleware::grpc::{GrpcClientMetrics, GrpcClientMetricsLayer};

use crate::proto::{
    Hello, JobRequestMessage, JobResult, RegisterGuestProgramRequest,
    UnregisterGuestProgramRequest, WaitJobResultRequest, WorkerMessage, coordinator_message,
    worker_message, zisk_distributed_api_client::ZiskDistributedApiClient,
    zisk_worker_cluster_client::ZiskWorkerClusterClient,
};

/// The programs the demo client registers.
const PROGRAMS: [&str; 3] = ["fibonacci-v1", "sha256-v2", "keccak-v1"];

/// The worker cluster service, as its client layer registers it.
const WORKER_CLUSTER: &str = "zisk.distributed.v1.ZiskWorkerCluster";

/// Starts `workers` workers against `worker_port` and a client against `api`.
pub(crate) fn start(api: SocketAddr, worker_port: SocketAddr, workers: usize) {
    let layer = GrpcClientMetricsLayer::builder()
        .service(WORKER_CLUSTER, crate::proto::FILE_DESCRIPTOR_SET)
        .build()
        .expect("the worker cluster service is in the descriptor set");
    for index in 0..workers {
        // Worker 0 is flaky: it fails often, so per-worker series differ.
        let failure_rate = if index == 0 { 0.4 } else { 0.05 };
        // The last worker leaves and rejoins now and then.
        let restarts = index + 1 == workers && workers > 1;
        tokio::spawn(worker(
            worker_port,
            layer.clone(),
            format!("worker-{index}"),
            failure_rate,
            restarts,
        ));
    }
    tokio::spawn(client(api));
}

async fn connect(address: SocketAddr) -> Channel {
    loop {
        match Channel::from_shared(format!("http://{address}"))
            .expect("a valid URI")
            .connect()
            .await
        {
            Ok(channel) => return channel,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn worker(
    address: SocketAddr,
    layer: GrpcClientMetricsLayer,
    worker_id: String,
    failure_rate: f64,
    restarts: bool,
) {
    loop {
        let session = session(address, &layer, &worker_id, failure_rate);
        if restarts {
            // Leaves after 15-25 s, then stays away for 5 s.
            let _ = tokio::time::timeout(Duration::from_secs(fastrand::u64(15..25)), session).await;
            tracing::info!(%worker_id, "demo worker leaving for a while");
            tokio::time::sleep(Duration::from_secs(5)).await;
        } else {
            session.await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// One stream to the coordinator: hello, then work until the stream ends.
async fn session(
    address: SocketAddr,
    layer: &GrpcClientMetricsLayer,
    worker_id: &str,
    failure_rate: f64,
) {
    let channel: GrpcClientMetrics<Channel> = tower::Layer::layer(layer, connect(address).await);
    let mut client = ZiskWorkerClusterClient::new(channel);
    let (results, outbound) = mpsc::channel(64);
    let hello = WorkerMessage {
        message: Some(worker_message::Message::Hello(Hello {
            worker_id: worker_id.to_owned(),
        })),
    };
    if results.send(hello).await.is_err() {
        return;
    }
    let Ok(response) = client.worker_stream(ReceiverStream::new(outbound)).await else {
        return;
    };
    let mut inbound = response.into_inner();
    let mut running = HashMap::new();
    while let Some(Ok(message)) = inbound.next().await {
        match message.message {
            Some(coordinator_message::Message::Assign(assign)) => {
                let results = results.clone();
                let prove = assign.kind == crate::proto::JobKind::Prove as i32;
                // Executing is quick; proving takes longer, with a long tail.
                let seconds = if prove {
                    if fastrand::f64() < 0.1 {
                        fastrand::f64() * 6.0 + 4.0
                    } else {
                        fastrand::f64() * 3.0 + 0.5
                    }
                } else {
                    fastrand::f64() * 1.2 + 0.2
                };
                let success = fastrand::f64() >= failure_rate;
                let task = tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
                    let result = JobResult {
                        job_id: assign.job_id,
                        success,
                    };
                    let _ = results
                        .send(WorkerMessage {
                            message: Some(worker_message::Message::Result(result)),
                        })
                        .await;
                });
                running.retain(|_, task: &mut tokio::task::JoinHandle<()>| !task.is_finished());
                running.insert(assign.job_id, task);
            }
            Some(coordinator_message::Message::Cancel(cancel)) => {
                if let Some(task) = running.remove(&cancel.job_id) {
                    task.abort();
                }
            }
            None => {}
        }
    }
    for task in running.into_values() {
        task.abort();
    }
}

async fn client(address: SocketAddr) {
    let mut api = ZiskDistributedApiClient::new(connect(address).await);
    for program in PROGRAMS {
        let request = RegisterGuestProgramRequest {
            hash_id: program.to_owned(),
            elf: vec![0x7f, b'E', b'L', b'F'],
        };
        let _ = api.register_guest_program(request).await;
    }
    let mut round = 0u64;
    loop {
        round += 1;
        // One request in ten names a program nobody registered.
        let hash_id = if fastrand::u8(..10) == 0 {
            "unknown-program".to_owned()
        } else {
            PROGRAMS[fastrand::usize(..PROGRAMS.len())].to_owned()
        };
        let kind = if fastrand::bool() {
            crate::proto::JobKind::Prove
        } else {
            crate::proto::JobKind::Execute
        };
        let request = JobRequestMessage {
            hash_id,
            kind: kind as i32,
            input: vec![1, 2, 3],
        };
        if let Ok(response) = api.job_request(request).await {
            let job_id = response.into_inner().job_id;
            let mut waiter = api.clone();
            let cancel = fastrand::u8(..20) == 0;
            tokio::spawn(async move {
                if cancel {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let _ = waiter
                        .job_cancel(crate::proto::JobCancelRequest { job_id })
                        .await;
                }
                // A short first poll often times out (DeadlineExceeded), as real clients' do.
                for timeout_ms in [1_000, 30_000] {
                    let request = WaitJobResultRequest { job_id, timeout_ms };
                    if waiter.wait_job_result(request).await.is_ok() {
                        break;
                    }
                }
            });
        }
        if round % 50 == 0 {
            // A stale clean-up: NotFound.
            let request = UnregisterGuestProgramRequest {
                hash_id: "retired-program".to_owned(),
            };
            let _ = api.unregister_guest_program(request).await;
        }
        tokio::time::sleep(Duration::from_millis(fastrand::u64(100..250))).await;
    }
}
