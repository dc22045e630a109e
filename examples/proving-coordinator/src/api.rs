//! The gRPC services: the public API (instrumented) and the worker cluster.

use std::pin::Pin;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};
use vitals::instrument_rpc;

use crate::fleet::{Fleet, JobState, StartError};
use crate::metrics::{JobKind, Outcome};
use crate::proto::{
    self, CoordinatorMessage, JobCancelRequest, JobCancelResponse, JobRequestMessage,
    JobRequestResponse, RegisterGuestProgramRequest, RegisterGuestProgramResponse,
    UnregisterGuestProgramRequest, UnregisterGuestProgramResponse, WaitJobResultRequest,
    WaitJobResultResponse, WorkerMessage, worker_message,
};

/// The longest a `WaitJobResult` long-poll may hold the call.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The public API: every call counted in `coordinator_requests_total{method,
/// status}` (status is the gRPC code) and timed in
/// `coordinator_request_duration_seconds{method}`.
pub(crate) struct Api {
    fleet: Fleet,
}

impl Api {
    /// The API over `fleet`.
    pub(crate) fn new(fleet: Fleet) -> Self {
        Self { fleet }
    }
}

#[tonic::async_trait]
#[instrument_rpc(prefix = "coordinator", rename_all = "PascalCase", in_flight = false, buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])]
impl proto::zisk_distributed_api_server::ZiskDistributedApi for Api {
    async fn register_guest_program(
        &self,
        request: Request<RegisterGuestProgramRequest>,
    ) -> Result<Response<RegisterGuestProgramResponse>, Status> {
        let request = request.into_inner();
        if request.hash_id.is_empty() {
            return Err(Status::invalid_argument("`hash_id` is empty"));
        }
        self.fleet.register_program(&request.hash_id);
        tracing::info!(hash_id = %request.hash_id, "guest program registered");
        Ok(Response::new(RegisterGuestProgramResponse {}))
    }

    async fn unregister_guest_program(
        &self,
        request: Request<UnregisterGuestProgramRequest>,
    ) -> Result<Response<UnregisterGuestProgramResponse>, Status> {
        let hash_id = request.into_inner().hash_id;
        if !self.fleet.unregister_program(&hash_id) {
            return Err(Status::not_found(format!("no guest program `{hash_id}`")));
        }
        Ok(Response::new(UnregisterGuestProgramResponse {}))
    }

    async fn job_request(
        &self,
        request: Request<JobRequestMessage>,
    ) -> Result<Response<JobRequestResponse>, Status> {
        let request = request.into_inner();
        let kind = match proto::JobKind::try_from(request.kind) {
            Ok(proto::JobKind::Prove) => JobKind::Prove,
            Ok(proto::JobKind::Execute) => JobKind::Execute,
            Err(_) => return Err(Status::invalid_argument("unknown job kind")),
        };
        match self.fleet.start_job(&request.hash_id, kind) {
            Ok(job_id) => Ok(Response::new(JobRequestResponse { job_id })),
            Err(StartError::UnknownProgram) => Err(Status::not_found(format!(
                "no guest program `{}`",
                request.hash_id
            ))),
            Err(StartError::NoWorkers) => Err(Status::unavailable("no worker can take the job")),
        }
    }

    async fn wait_job_result(
        &self,
        request: Request<WaitJobResultRequest>,
    ) -> Result<Response<WaitJobResultResponse>, Status> {
        let request = request.into_inner();
        let Some(mut state) = self.fleet.watch(request.job_id) else {
            return Err(Status::not_found(format!("no job {}", request.job_id)));
        };
        let timeout = Duration::from_millis(request.timeout_ms.into()).min(MAX_WAIT);
        let ended = tokio::time::timeout(timeout, async {
            loop {
                if let JobState::Ended(outcome) = *state.borrow_and_update() {
                    return Some(outcome);
                }
                if state.changed().await.is_err() {
                    // The job ended and its sender is gone: read the last value.
                    return match *state.borrow() {
                        JobState::Ended(outcome) => Some(outcome),
                        JobState::Running => None,
                    };
                }
            }
        })
        .await;
        let state = match ended {
            Ok(Some(Outcome::Completed)) => proto::JobState::Completed,
            Ok(Some(Outcome::Failed)) => proto::JobState::Failed,
            Ok(Some(Outcome::Cancelled)) => proto::JobState::Cancelled,
            Ok(None) => return Err(Status::internal("the job vanished")),
            Err(_) => return Err(Status::deadline_exceeded("the job is still running")),
        };
        Ok(Response::new(WaitJobResultResponse {
            state: state as i32,
        }))
    }

    async fn job_cancel(
        &self,
        request: Request<JobCancelRequest>,
    ) -> Result<Response<JobCancelResponse>, Status> {
        let job_id = request.into_inner().job_id;
        if self.fleet.cancel(job_id) {
            Ok(Response::new(JobCancelResponse {}))
        } else {
            Err(Status::failed_precondition(format!(
                "job {job_id} is not running"
            )))
        }
    }
}

/// The worker cluster port: not counted as public API traffic.
pub(crate) struct WorkerCluster {
    fleet: Fleet,
}

impl WorkerCluster {
    /// The cluster port over `fleet`.
    pub(crate) fn new(fleet: Fleet) -> Self {
        Self { fleet }
    }
}

type Outbound = Pin<Box<dyn Stream<Item = Result<CoordinatorMessage, Status>> + Send>>;

#[tonic::async_trait]
impl proto::zisk_worker_cluster_server::ZiskWorkerCluster for WorkerCluster {
    type WorkerStreamStream = Outbound;

    async fn worker_stream(
        &self,
        request: Request<Streaming<WorkerMessage>>,
    ) -> Result<Response<Outbound>, Status> {
        let mut inbound = request.into_inner();
        let worker_id = match inbound.next().await {
            Some(Ok(WorkerMessage {
                message: Some(worker_message::Message::Hello(hello)),
            })) if !hello.worker_id.is_empty() => hello.worker_id,
            _ => return Err(Status::invalid_argument("a worker must say hello first")),
        };
        let (sender, receiver) = mpsc::channel(64);
        self.fleet.connect_worker(&worker_id, sender);
        tracing::info!(%worker_id, "worker connected");
        let fleet = self.fleet.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = inbound.next().await {
                if let Some(worker_message::Message::Result(result)) = message.message {
                    fleet.report(result.job_id, result.success);
                }
            }
            fleet.disconnect_worker(&worker_id);
            tracing::info!(%worker_id, "worker disconnected");
        });
        let outbound = ReceiverStream::new(receiver).map(Ok);
        Ok(Response::new(Box::pin(outbound)))
    }
}
