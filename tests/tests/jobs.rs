//! The job tracker under a capturing (thread-local) recorder.

use vitals::MetricEnum;
use vitals::jobs::JobTracker;
use vitals::testing::{CapturingRecorder, capture};

#[derive(Clone, Copy, Debug)]
enum Kind {
    Prove,
    Execute,
}

impl MetricEnum for Kind {
    const LABEL_VALUES: &'static [&'static str] = &["prove", "execute"];
    fn index(&self) -> usize {
        *self as usize
    }
}

/// Outcomes of the proving coordinator: `cancelled` is one of them.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    Completed,
    Failed,
    Cancelled,
}

impl MetricEnum for Outcome {
    const LABEL_VALUES: &'static [&'static str] = &["completed", "failed", "cancelled"];
    fn index(&self) -> usize {
        *self as usize
    }
}

/// Outcomes without a `cancelled` value.
#[derive(Clone, Copy, Debug)]
enum Verdict {
    Passed,
    Rejected,
}

impl MetricEnum for Verdict {
    const LABEL_VALUES: &'static [&'static str] = &["passed", "rejected"];
    fn index(&self) -> usize {
        *self as usize
    }
}

const PROVING_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 300.0];

fn coordinator(prefix: &str) -> JobTracker<Kind, Outcome> {
    JobTracker::builder(prefix)
        .buckets(PROVING_BUCKETS)
        .build()
        .expect("a valid tracker")
}

#[test]
fn finished_and_dropped_jobs_are_counted_by_kind_and_outcome() {
    let recorded = capture(|| {
        let jobs = coordinator("coordinator");
        jobs.start(Kind::Prove).finish(Outcome::Completed);
        jobs.start(Kind::Prove).finish(Outcome::Completed);
        jobs.start(Kind::Execute).finish(Outcome::Failed);
        drop(jobs.start(Kind::Execute));
        jobs.start(Kind::Prove).finish(Outcome::Cancelled);
    });
    let total = |kind, outcome| {
        recorded.counter(
            "coordinator_jobs_total",
            &[("kind", kind), ("outcome", outcome)],
        )
    };
    assert_eq!(total("prove", "completed"), Some(2));
    assert_eq!(total("execute", "failed"), Some(1));
    assert_eq!(total("execute", "cancelled"), Some(1));
    assert_eq!(
        total("prove", "cancelled"),
        Some(1),
        "the outcome type's own `cancelled`"
    );
    assert_eq!(total("prove", "failed"), Some(0), "pre-created at zero");
    assert_eq!(
        recorded.series_of("coordinator_jobs_total").count(),
        6,
        "{recorded}"
    );
    let duration = |outcome| {
        recorded.histogram_count("coordinator_job_duration_seconds", &[("outcome", outcome)])
    };
    assert_eq!(duration("completed"), Some(2));
    assert_eq!(duration("failed"), Some(1));
    assert_eq!(duration("cancelled"), Some(2));
    assert_eq!(recorded.gauge("coordinator_active_jobs", &[]), Some(0.0));
}

#[test]
fn active_jobs_follow_running_guards() {
    let recorder = CapturingRecorder::new();
    let jobs = recorder.run(|| coordinator("fleet"));
    let active = || recorder.snapshot().gauge("fleet_active_jobs", &[]);
    let first = recorder.run(|| jobs.start(Kind::Prove));
    let second = recorder.run(|| jobs.clone().start(Kind::Execute));
    assert_eq!(active(), Some(2.0));
    recorder.run(|| first.finish(Outcome::Completed));
    assert_eq!(active(), Some(1.0));
    recorder.run(|| drop(second));
    assert_eq!(active(), Some(0.0));
}

#[test]
fn outcomes_without_cancelled_get_an_extra_value() {
    let recorded = capture(|| {
        let jobs: JobTracker<Kind, Verdict> = JobTracker::builder("review")
            .build()
            .expect("a valid tracker");
        jobs.start(Kind::Prove).finish(Verdict::Rejected);
        jobs.start(Kind::Execute).finish(Verdict::Passed);
        drop(jobs.start(Kind::Prove));
    });
    let total = |outcome| {
        recorded.counter(
            "review_jobs_total",
            &[("kind", "prove"), ("outcome", outcome)],
        )
    };
    assert_eq!(total("rejected"), Some(1));
    assert_eq!(total("cancelled"), Some(1));
    assert_eq!(total("passed"), Some(0));
    assert_eq!(
        recorded.counter(
            "review_jobs_total",
            &[("kind", "execute"), ("outcome", "passed")]
        ),
        Some(1)
    );
    assert_eq!(recorded.series_of("review_jobs_total").count(), 2 * 3);
}

#[test]
fn a_job_that_panics_is_cancelled() {
    let recorded = capture(|| {
        let jobs = coordinator("panicky");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _guard = jobs.start(Kind::Execute);
            panic!("the job panics on purpose");
        }));
        assert!(outcome.is_err());
    });
    assert_eq!(
        recorded.counter(
            "panicky_jobs_total",
            &[("kind", "execute"), ("outcome", "cancelled")]
        ),
        Some(1)
    );
    assert_eq!(recorded.gauge("panicky_active_jobs", &[]), Some(0.0));
}

#[tokio::test]
async fn an_abandoned_async_job_is_cancelled() {
    let recorder = CapturingRecorder::new();
    let jobs = recorder.run(|| coordinator("abandoned"));
    let job = async {
        let guard = jobs.start(Kind::Prove);
        std::future::pending::<()>().await;
        guard.finish(Outcome::Completed);
    };
    let timed_out = recorder
        .run_async(tokio::time::timeout(
            std::time::Duration::from_millis(1),
            job,
        ))
        .await;
    assert!(timed_out.is_err());
    let recorded = recorder.snapshot();
    assert_eq!(
        recorded.counter(
            "abandoned_jobs_total",
            &[("kind", "prove"), ("outcome", "cancelled")]
        ),
        Some(1)
    );
    assert_eq!(
        recorded.counter(
            "abandoned_jobs_total",
            &[("kind", "prove"), ("outcome", "completed")]
        ),
        Some(0)
    );
}

#[test]
fn the_catalogue_carries_names_labels_and_buckets() {
    let _jobs = coordinator("catalogued");
    let families = vitals::catalogue().families();
    let family = |name: &str| {
        families
            .iter()
            .find(|family| family.name() == name)
            .expect("declared")
    };
    let duration = family("catalogued_job_duration_seconds");
    assert_eq!(duration.buckets(), PROVING_BUCKETS);
    assert_eq!(duration.label_names(), ["outcome"]);
    assert_eq!(
        family("catalogued_jobs_total").label_names(),
        ["kind", "outcome"]
    );
    assert_eq!(family("catalogued_jobs_total").known_series().len(), 2 * 3);
    assert!(family("catalogued_active_jobs").label_names().is_empty());
}

/// The same families with `#[metric_enum]` types, as applications write them.
mod with_metric_enum {
    use vitals::jobs::JobTracker;
    use vitals::metric_enum;

    /// What a job does.
    #[metric_enum]
    #[derive(Clone, Copy, Debug)]
    enum JobKind {
        Prove,
        Execute,
    }

    /// How a job ended.
    #[metric_enum]
    #[derive(Clone, Copy, Debug)]
    enum JobOutcome {
        Completed,
        Failed,
        Cancelled,
    }

    #[test]
    fn metric_enum_types_label_jobs() {
        let recorded = vitals::testing::capture(|| {
            let jobs: JobTracker<JobKind, JobOutcome> = JobTracker::builder("enum_jobs")
                .build()
                .expect("a valid tracker");
            jobs.start(JobKind::Execute).finish(JobOutcome::Failed);
            jobs.start(JobKind::Execute).finish(JobOutcome::Completed);
            jobs.start(JobKind::Execute).finish(JobOutcome::Cancelled);
            drop(jobs.start(JobKind::Prove));
        });
        let total = |kind, outcome| {
            recorded.counter(
                "enum_jobs_jobs_total",
                &[("kind", kind), ("outcome", outcome)],
            )
        };
        assert_eq!(total("execute", "failed"), Some(1));
        assert_eq!(total("prove", "cancelled"), Some(1));
        assert_eq!(total("prove", "completed"), Some(0));
        assert_eq!(
            recorded.series_of("enum_jobs_jobs_total").count(),
            2 * 3,
            "{recorded}"
        );
    }
}

#[test]
fn invalid_configurations_are_refused() {
    let error = JobTracker::<Kind, Outcome>::builder("bad prefix")
        .build()
        .err()
        .expect("refused");
    assert_eq!(
        error.to_string(),
        "invalid `prefix`: `bad prefix` is not a valid metric name: expected ASCII letters, digits and `_`, not starting with a digit"
    );
    let error = JobTracker::<Kind, Outcome>::builder("jobs")
        .buckets(&[5.0, 1.0])
        .build()
        .err()
        .expect("refused");
    assert!(
        error
            .to_string()
            .starts_with("invalid `buckets` [5.0, 1.0]: bucket bounds must increase"),
        "{error}"
    );
}
