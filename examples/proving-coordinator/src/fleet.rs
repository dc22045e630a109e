//! The coordinator's state: registered programs, connected workers and
//! running jobs, and the metrics that follow them.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, watch};
use vitals::jobs::{JobGuard, JobTracker};

use crate::metrics::{FLEET, JobKind, Outcome, job_tracker};
use crate::proto::{Assign, Cancel, CoordinatorMessage, coordinator_message};

/// Why a job could not start.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StartError {
    /// No guest program has this hash.
    UnknownProgram,
    /// No worker is connected.
    NoWorkers,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobState {
    /// On a worker.
    Running,
    /// Ended.
    Ended(Outcome),
}

struct Job {
    guard: JobGuard<JobKind, Outcome>,
    worker: String,
    state: watch::Sender<JobState>,
}

#[derive(Default)]
struct State {
    programs: HashSet<String>,
    workers: HashMap<String, mpsc::Sender<CoordinatorMessage>>,
    jobs: HashMap<u64, Job>,
    /// Ended jobs' final states, for late `WaitJobResult` calls.
    ended: HashMap<u64, watch::Receiver<JobState>>,
    next_job: u64,
    next_worker: usize,
}

/// The coordinator; clones share it.
#[derive(Clone)]
pub(crate) struct Fleet {
    state: Arc<Mutex<State>>,
    tracker: Arc<JobTracker<JobKind, Outcome>>,
}

impl Fleet {
    /// An empty coordinator.
    pub(crate) fn new() -> Self {
        Self {
            state: Arc::default(),
            tracker: Arc::new(job_tracker()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a guest program (again: no change).
    pub(crate) fn register_program(&self, hash_id: &str) {
        let mut state = self.lock();
        state.programs.insert(hash_id.to_owned());
        FLEET
            .registered_programs_total()
            .set(state.programs.len() as f64);
    }

    /// Unregisters a guest program; `false` if it was not registered.
    pub(crate) fn unregister_program(&self, hash_id: &str) -> bool {
        let mut state = self.lock();
        let removed = state.programs.remove(hash_id);
        FLEET
            .registered_programs_total()
            .set(state.programs.len() as f64);
        removed
    }

    /// A worker opened its stream; jobs are sent to it through `sender`.
    pub(crate) fn connect_worker(&self, worker_id: &str, sender: mpsc::Sender<CoordinatorMessage>) {
        let mut state = self.lock();
        state.workers.insert(worker_id.to_owned(), sender);
        FLEET.workers_connected().set(state.workers.len() as f64);
    }

    /// A worker's stream closed: its running jobs fail.
    pub(crate) fn disconnect_worker(&self, worker_id: &str) {
        let orphans: Vec<u64> = {
            let mut state = self.lock();
            state.workers.remove(worker_id);
            FLEET.workers_connected().set(state.workers.len() as f64);
            state
                .jobs
                .iter()
                .filter(|(_, job)| job.worker == worker_id)
                .map(|(id, _)| *id)
                .collect()
        };
        for job_id in orphans {
            tracing::warn!(job_id, worker_id, "worker went away with a running job");
            self.end(job_id, Outcome::Failed);
        }
    }

    /// Starts a job on the next worker, round robin. An unknown program is
    /// a job that fails at once, as the guide says it is counted.
    pub(crate) fn start_job(&self, hash_id: &str, kind: JobKind) -> Result<u64, StartError> {
        let mut state = self.lock();
        if !state.programs.contains(hash_id) {
            self.tracker.start(kind).finish(Outcome::Failed);
            return Err(StartError::UnknownProgram);
        }
        let mut workers: Vec<_> = state
            .workers
            .iter()
            .map(|(id, tx)| (id.clone(), tx.clone()))
            .collect();
        if workers.is_empty() {
            return Err(StartError::NoWorkers);
        }
        workers.sort_by(|a, b| a.0.cmp(&b.0));
        let (worker, sender) = workers.swap_remove(state.next_worker % workers.len());
        state.next_worker = state.next_worker.wrapping_add(1);
        state.next_job += 1;
        let job_id = state.next_job;
        let assign = CoordinatorMessage {
            message: Some(coordinator_message::Message::Assign(Assign {
                job_id,
                kind: match kind {
                    JobKind::Prove => crate::proto::JobKind::Prove as i32,
                    JobKind::Execute => crate::proto::JobKind::Execute as i32,
                },
                hash_id: hash_id.to_owned(),
            })),
        };
        if sender.try_send(assign).is_err() {
            // The worker's queue is full or it is leaving: the job never ran.
            self.tracker.start(kind).finish(Outcome::Failed);
            FLEET
                .worker_jobs_total(&worker, Outcome::Failed)
                .increment(1);
            return Err(StartError::NoWorkers);
        }
        let (state_tx, _) = watch::channel(JobState::Running);
        state.jobs.insert(
            job_id,
            Job {
                guard: self.tracker.start(kind),
                worker,
                state: state_tx,
            },
        );
        Ok(job_id)
    }

    /// A worker reported a result.
    pub(crate) fn report(&self, job_id: u64, success: bool) {
        self.end(
            job_id,
            if success {
                Outcome::Completed
            } else {
                Outcome::Failed
            },
        );
    }

    /// Cancels a running job; `false` if it is not running.
    pub(crate) fn cancel(&self, job_id: u64) -> bool {
        let worker = self.lock().jobs.get(&job_id).map(|job| job.worker.clone());
        let Some(worker) = worker else { return false };
        if let Some(sender) = self.lock().workers.get(&worker) {
            let _ = sender.try_send(CoordinatorMessage {
                message: Some(coordinator_message::Message::Cancel(Cancel { job_id })),
            });
        }
        self.end(job_id, Outcome::Cancelled)
    }

    /// Ends a running job: its metrics, its waiters. `false` if it had already ended.
    fn end(&self, job_id: u64, outcome: Outcome) -> bool {
        let mut state = self.lock();
        let Some(job) = state.jobs.remove(&job_id) else {
            return false;
        };
        job.guard.finish(outcome);
        FLEET.worker_jobs_total(&job.worker, outcome).increment(1);
        job.state.send_replace(JobState::Ended(outcome));
        let receiver = job.state.subscribe();
        // Keep a bounded memory of ended jobs for late waiters.
        if state.ended.len() > 10_000 {
            state.ended.clear();
        }
        state.ended.insert(job_id, receiver);
        true
    }

    /// Where job `job_id` is now, with a receiver of its changes; `None` if unknown.
    pub(crate) fn watch(&self, job_id: u64) -> Option<watch::Receiver<JobState>> {
        let state = self.lock();
        match state.jobs.get(&job_id) {
            Some(job) => Some(job.state.subscribe()),
            None => state.ended.get(&job_id).cloned(),
        }
    }
}

impl Default for Fleet {
    fn default() -> Self {
        Self::new()
    }
}
