//! A service that uses every vitals feature available: instrumented async
//! and sync fns and an impl block (rename_all, per-method overrides, skip,
//! constant labels, buckets, no in-flight gauge, tracing spans), statuses
//! from `tonic::Status`, `http::StatusCode` and plain `Result`s, panics and
//! cancellations, run-time declared metrics with known label values, a
//! state enum driving readiness, build info and process metrics.

#![allow(dead_code, unreachable_pub)] // each test file uses a different subset

use std::sync::Once;

use vitals::catalogue::{LabelDescriptor, LabelValues, MetricDescriptor, MetricKind, Origin, Unit};
use vitals::health::{HealthRegistry, HealthState, StateCell};
use vitals::instrument_rpc;

pub struct Coordinator;

#[instrument_rpc(prefix = "coordinator", rename_all = "PascalCase", buckets = [0.001, 0.01, 0.1, 1, 10])]
impl Coordinator {
    pub async fn submit_job(&self, size: usize) -> Result<u64, tonic::Status> {
        tokio::task::yield_now().await;
        if size == 0 {
            Err(tonic::Status::invalid_argument("empty job"))
        } else {
            Ok(size as u64)
        }
    }

    #[instrument_rpc(method = "Status")]
    pub fn job_status(&self, id: u64) -> http::StatusCode {
        if id == 0 {
            http::StatusCode::NOT_FOUND
        } else {
            http::StatusCode::OK
        }
    }

    pub fn register_program(&self, name: &str) -> Result<(), String> {
        if name.is_empty() {
            Err("no name".to_owned())
        } else {
            Ok(())
        }
    }

    pub fn crash(&self) {
        panic!("the worker died");
    }

    #[instrument_rpc(skip)]
    pub fn helper(&self) -> u32 {
        7
    }
}

#[instrument_rpc(
    prefix = "worker",
    method = "Prove",
    labels(pool = "gpu"),
    in_flight = false,
    trace
)]
pub async fn prove(steps: u32) -> Result<u32, std::io::Error> {
    for _ in 0..steps {
        tokio::task::yield_now().await;
    }
    Ok(steps)
}

static KIND: LabelDescriptor =
    LabelDescriptor::new("kind", LabelValues::Known(&["build", "prove"]));
static OUTCOME: LabelDescriptor =
    LabelDescriptor::new("outcome", LabelValues::Known(&["completed", "failed"]));
static JOB_LABELS: [LabelDescriptor; 2] = [KIND, OUTCOME];
static KIND_ONLY: [LabelDescriptor; 1] = [KIND];
static WORKER: [LabelDescriptor; 1] = [LabelDescriptor::new("worker", LabelValues::Open)];

fn origin(line: u32) -> Origin {
    Origin {
        module: module_path!(),
        file: file!(),
        line,
    }
}

/// Declares the job metrics at run time, once per process.
pub fn declare_job_metrics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use vitals::catalogue::declare;
        declare(MetricDescriptor::new(
            "coordinator_jobs_total",
            MetricKind::Counter,
            "Jobs finished, by kind and outcome.",
            None,
            &JOB_LABELS,
            &[],
            origin(line!()),
        ));
        declare(MetricDescriptor::new(
            "coordinator_job_duration_seconds",
            MetricKind::Histogram,
            "Time from a job's submission to its outcome.",
            Some(Unit::Seconds),
            &KIND_ONLY,
            &[1.0, 5.0, 15.0, 60.0, 300.0],
            origin(line!()),
        ));
        declare(MetricDescriptor::new(
            "coordinator_workers_connected",
            MetricKind::Gauge,
            "Workers currently connected.",
            None,
            &[],
            &[],
            origin(line!()),
        ));
        declare(MetricDescriptor::new(
            "coordinator_worker_jobs_total",
            MetricKind::Counter,
            "Jobs handed to each worker.",
            None,
            &WORKER,
            &[],
            origin(line!()),
        ));
    });
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum State {
    Recovery,
    AcceptingManifest,
    AcceptingMarbles,
}

impl HealthState for State {
    fn code(&self) -> i64 {
        *self as i64 + 1
    }
    fn name(&self) -> &'static str {
        ["recovery", "accepting_manifest", "accepting_marbles"][*self as usize]
    }
    fn meaning(&self) -> &'static str {
        [
            "waiting for a key or a new manifest",
            "ready to accept a manifest",
            "accepting marbles",
        ][*self as usize]
    }
    fn is_ready(&self) -> bool {
        *self != State::Recovery
    }
}

/// Registers the state with `health` and returns its cell.
pub fn register_state(health: &HealthRegistry) -> StateCell<State> {
    let state = StateCell::new(State::Recovery);
    health.add_state("coordinator_state", state.clone());
    health.add_liveness("event_loop", || Ok(()));
    state
}

/// Runs a representative workload through every instrumented path.
pub async fn workload() {
    let coordinator = Coordinator;
    coordinator.submit_job(3).await.unwrap();
    coordinator.submit_job(0).await.unwrap_err();
    assert_eq!(coordinator.job_status(1), http::StatusCode::OK);
    assert_eq!(coordinator.job_status(0), http::StatusCode::NOT_FOUND);
    coordinator.register_program("fib").unwrap();
    coordinator.register_program("").unwrap_err();
    assert!(std::panic::catch_unwind(|| coordinator.crash()).is_err());
    assert_eq!(coordinator.helper(), 7);
    // A call whose future is dropped after it started counts as cancelled.
    let mut cancelled = Box::pin(coordinator.submit_job(5));
    let _ = futures_poll_once(cancelled.as_mut()).await;
    drop(cancelled);
    prove(2).await.unwrap();

    use vitals::__private::metrics::{counter, gauge, histogram};
    counter!("coordinator_jobs_total", "kind" => "prove", "outcome" => "completed").increment(4);
    histogram!("coordinator_job_duration_seconds", "kind" => "prove").record(42.0);
    gauge!("coordinator_workers_connected").set(3.0);
    counter!("coordinator_worker_jobs_total", "worker" => "w-1").increment(2);
}

/// Polls a future exactly once.
async fn futures_poll_once<F: std::future::Future + Unpin>(
    future: F,
) -> std::task::Poll<F::Output> {
    let mut future = Some(future);
    std::future::poll_fn(move |cx| {
        let polled = std::pin::Pin::new(future.as_mut().unwrap()).poll(cx);
        std::task::Poll::Ready(polled)
    })
    .await
}
