//! Provisioning jobs: download an image, convert it into a volume
//! (simulated with sleeps and occasional failures), with their metrics and logs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::metrics::{JobStatus, METRICS};

/// What a client asks for.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct VolumeRequest {
    /// The volume's name in the storage pool.
    pub(crate) name: String,
    /// Its size.
    pub(crate) size_gb: u64,
    /// The base image to download.
    pub(crate) image_url: String,
    /// The caller's id for this request, carried into every log line.
    #[serde(default)]
    pub(crate) correlation_id: String,
}

/// A job as the API shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct JobView {
    job_id: String,
    volume: String,
    status: &'static str,
    error: Option<String>,
}

struct Job {
    volume: String,
    status: JobStatus,
    error: Option<String>,
    cancel: Option<oneshot::Sender<()>>,
}

/// The largest volume the (simulated) storage pool can hold.
pub(crate) const POOL_CAPACITY_GB: u64 = 500;

/// Why a volume request was refused before any job started.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The request is malformed.
    Invalid(&'static str),
    /// The storage pool cannot hold it.
    PoolFull,
}

/// Every job; clones share them.
#[derive(Clone, Default)]
pub(crate) struct Jobs {
    jobs: Arc<Mutex<HashMap<String, Job>>>,
}

fn job_id() -> String {
    let hex = format!("{:032x}", fastrand::u128(..));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts provisioning `request`; returns the job id.
    pub(crate) fn start(&self, request: VolumeRequest) -> Result<String, Refusal> {
        if request.name.is_empty() || !request.image_url.starts_with("https://") {
            return Err(Refusal::Invalid(
                "`name` must be set and `image_url` must be https",
            ));
        }
        if request.size_gb == 0 {
            return Err(Refusal::Invalid("`size_gb` must be positive"));
        }
        if request.size_gb > POOL_CAPACITY_GB {
            tracing::error!(component = "storage", volume = %request.name, size_gb = request.size_gb, "Storage pool full");
            return Err(Refusal::PoolFull);
        }
        let id = job_id();
        let (cancel, cancelled) = oneshot::channel();
        self.lock().insert(
            id.clone(),
            Job {
                volume: request.name.clone(),
                status: JobStatus::Started,
                error: None,
                cancel: Some(cancel),
            },
        );
        METRICS.jobs_total(JobStatus::Started).increment(1);
        METRICS.active_jobs().increment(1.0);
        let jobs = self.clone();
        let job = id.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let (status, error) = tokio::select! {
                result = provision(&job, &request) => match result {
                    Ok(()) => (JobStatus::Completed, None),
                    Err(error) => (JobStatus::Failed, Some(error)),
                },
                _ = cancelled => (JobStatus::Cancelled, None),
            };
            METRICS.active_jobs().decrement(1.0);
            METRICS.jobs_total(status).increment(1);
            METRICS
                .job_duration_seconds()
                .record(started.elapsed().as_secs_f64());
            match &error {
                Some(error) => {
                    tracing::error!(component = "provisioner", job_id = %job, correlation_id = %request.correlation_id, error = %error, "Provisioning failed")
                }
                None => {
                    tracing::info!(component = "provisioner", job_id = %job, correlation_id = %request.correlation_id, status = vitals::MetricEnum::label_value(&status), "Provisioning ended")
                }
            }
            if let Some(entry) = jobs.lock().get_mut(&job) {
                entry.status = status;
                entry.error = error;
                entry.cancel = None;
            }
        });
        Ok(id)
    }

    /// The job, if it exists.
    pub(crate) fn get(&self, id: &str) -> Option<JobView> {
        self.lock().get(id).map(|job| JobView {
            job_id: id.to_owned(),
            volume: job.volume.clone(),
            status: vitals::MetricEnum::label_value(&job.status),
            error: job.error.clone(),
        })
    }

    /// Cancels a running job: `None` if unknown, `Some(false)` if it already ended.
    pub(crate) fn cancel(&self, id: &str) -> Option<bool> {
        let mut jobs = self.lock();
        let job = jobs.get_mut(id)?;
        Some(
            job.cancel
                .take()
                .is_some_and(|cancel| cancel.send(()).is_ok()),
        )
    }
}

/// The simulated work: download, then convert. An image whose URL says
/// `missing` does not exist; one conversion in twelve fails.
async fn provision(job_id: &str, request: &VolumeRequest) -> Result<(), String> {
    tracing::info!(component = "provisioner", job_id, correlation_id = %request.correlation_id, image_url = %request.image_url, "Starting image download");
    tokio::time::sleep(Duration::from_millis(fastrand::u64(500..3_000))).await;
    if request.image_url.contains("missing") {
        return Err(format!("image `{}` not found (404)", request.image_url));
    }
    tracing::info!(component = "provisioner", job_id, correlation_id = %request.correlation_id, size_gb = request.size_gb, "Converting image into volume");
    tokio::time::sleep(Duration::from_millis(fastrand::u64(200..1_500))).await;
    if fastrand::u8(..12) == 0 {
        return Err("`qemu-img convert` exited with status 1".to_owned());
    }
    Ok(())
}
