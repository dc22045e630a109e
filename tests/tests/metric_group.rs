//! `#[metric_group]`: every metric kind, enum and bounded-string labels,
//! series present at zero from the catalogue, asserted on rendered
//! Prometheus text; and handles that follow the current recorder.

mod support;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};
use support::alloc::{CountingAllocator, allocations};
use vitals::{StateMetric, metric_enum, metric_group};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// A state gauge, for the hot-path test.
#[metric_enum(state = "hot_path_phase")]
#[derive(Clone, Copy, Debug)]
enum Phase {
    Recovery,
    Serving,
}

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
enum Outcome {
    Completed,
    Failed,
    #[metric(rename = "canceled")]
    Cancelled,
}

/// The proving coordinator's own series (not per call).
#[metric_group(prefix = "coordinator")]
struct CoordinatorMetrics {
    /// Jobs that reached a terminal state, by kind and outcome.
    #[metric(labels(kind: JobKind, outcome: Outcome))]
    jobs_total: Counter,
    /// Jobs currently running.
    active_jobs: Gauge,
    /// End-to-end job latency, from request to terminal state.
    #[metric(labels(outcome: Outcome), buckets = [1, 5, 60])]
    job_duration_seconds: Histogram,
    /// Workers with an open stream to the coordinator.
    workers_connected: Gauge,
    /// Jobs per worker, by outcome.
    #[metric(labels(worker_id: &str, outcome: Outcome), limit = 2)]
    worker_jobs_total: Counter,
    /// Log entries written, by tenant.
    #[metric(labels(tenant_id: &str, outcome: Outcome), limit = 2)]
    tenant_log_entries_total: Counter,
    /// Jobs queued, by tenant.
    #[metric(labels(tenant_id: &str))]
    tenant_queued_jobs: Gauge,
    /// Size of job inputs, by tenant and outcome.
    #[metric(labels(tenant_id: &str, outcome: Outcome), buckets = [1024])]
    tenant_input_bytes: Histogram,
    /// Bytes of manifests received.
    #[metric(unit = "bytes")]
    manifest_received_bytes_total: Counter,
}

static METRICS: CoordinatorMetrics = CoordinatorMetrics::new();

/// A group without a prefix: field names are the metric names.
#[metric_group]
struct MarbleMetrics {
    /// Marble activations, by marble type.
    #[metric(labels(r#type: &str))]
    marble_activations_total: Counter,
}

static MARBLES: MarbleMetrics = MarbleMetrics::new();

fn recorder() -> PrometheusRecorder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("coordinator_job_duration_seconds".into()),
            &[1.0, 5.0, 60.0],
        )
        .expect("valid buckets")
        .set_buckets_for_metric(
            Matcher::Full("coordinator_tenant_input_bytes".into()),
            &[1024.0],
        )
        .expect("valid buckets")
        .build_recorder()
}

/// The rendered families whose name starts with `prefix`, with the samples
/// of each sorted: the exporter writes series in hash order.
fn render(recorder: &PrometheusRecorder, prefix: &str) -> String {
    let rendered = recorder.handle().render();
    let mut families: Vec<String> = Vec::new();
    for family in rendered.split("\n\n").filter(|family| !family.is_empty()) {
        let (mut lines, mut samples): (Vec<&str>, Vec<&str>) =
            family.lines().partition(|line| line.starts_with('#'));
        if !samples
            .first()
            .is_some_and(|sample| sample.starts_with(prefix))
        {
            continue;
        }
        samples.sort_unstable();
        lines.append(&mut samples);
        families.push(lines.join("\n") + "\n");
    }
    families.sort();
    families.join("\n")
}

fn register_known_series_of(prefix: &str) {
    for descriptor in vitals::catalogue().descriptors() {
        if descriptor.name().starts_with(prefix) {
            descriptor.register_known_series();
        }
    }
}

#[test]
fn every_enum_series_exists_at_zero_from_the_catalogue() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        register_known_series_of("coordinator_jobs_total")
    });
    assert_eq!(
        render(&recorder, "coordinator_jobs_total"),
        "# HELP coordinator_jobs_total Jobs that reached a terminal state, by kind and outcome.
# TYPE coordinator_jobs_total counter
coordinator_jobs_total{kind=\"execute\",outcome=\"canceled\"} 0
coordinator_jobs_total{kind=\"execute\",outcome=\"completed\"} 0
coordinator_jobs_total{kind=\"execute\",outcome=\"failed\"} 0
coordinator_jobs_total{kind=\"prove\",outcome=\"canceled\"} 0
coordinator_jobs_total{kind=\"prove\",outcome=\"completed\"} 0
coordinator_jobs_total{kind=\"prove\",outcome=\"failed\"} 0
"
    );
}

#[test]
fn every_metric_kind_renders_with_its_labels() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        register_known_series_of("coordinator_");
        METRICS
            .jobs_total(JobKind::Prove, Outcome::Completed)
            .increment(1);
        METRICS
            .jobs_total(JobKind::Prove, Outcome::Completed)
            .increment(2);
        METRICS
            .jobs_total(JobKind::Execute, Outcome::Cancelled)
            .increment(1);
        METRICS.active_jobs().increment(3.0);
        METRICS.active_jobs().decrement(1.0);
        METRICS.workers_connected().set(4.0);
        METRICS.job_duration_seconds(Outcome::Completed).record(0.5);
        METRICS
            .job_duration_seconds(Outcome::Completed)
            .record(30.0);
        METRICS
            .worker_jobs_total("worker-1", Outcome::Failed)
            .increment(1);
        METRICS.manifest_received_bytes_total().increment(512);
        METRICS.tenant_queued_jobs("acme").set(2.0);
        METRICS.tenant_queued_jobs("globex").increment(1.0);
        METRICS
            .tenant_input_bytes("acme", Outcome::Failed)
            .record(2048.0);
    });
    assert_eq!(
        render(&recorder, "coordinator_"),
        "# HELP coordinator_active_jobs Jobs currently running.
# TYPE coordinator_active_jobs gauge
coordinator_active_jobs 2

# HELP coordinator_job_duration_seconds End-to-end job latency, from request to terminal state.
# TYPE coordinator_job_duration_seconds histogram
coordinator_job_duration_seconds_bucket{outcome=\"canceled\",le=\"+Inf\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"canceled\",le=\"1\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"canceled\",le=\"5\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"canceled\",le=\"60\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"completed\",le=\"+Inf\"} 2
coordinator_job_duration_seconds_bucket{outcome=\"completed\",le=\"1\"} 1
coordinator_job_duration_seconds_bucket{outcome=\"completed\",le=\"5\"} 1
coordinator_job_duration_seconds_bucket{outcome=\"completed\",le=\"60\"} 2
coordinator_job_duration_seconds_bucket{outcome=\"failed\",le=\"+Inf\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"failed\",le=\"1\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"failed\",le=\"5\"} 0
coordinator_job_duration_seconds_bucket{outcome=\"failed\",le=\"60\"} 0
coordinator_job_duration_seconds_count{outcome=\"canceled\"} 0
coordinator_job_duration_seconds_count{outcome=\"completed\"} 2
coordinator_job_duration_seconds_count{outcome=\"failed\"} 0
coordinator_job_duration_seconds_sum{outcome=\"canceled\"} 0
coordinator_job_duration_seconds_sum{outcome=\"completed\"} 30.5
coordinator_job_duration_seconds_sum{outcome=\"failed\"} 0

# HELP coordinator_jobs_total Jobs that reached a terminal state, by kind and outcome.
# TYPE coordinator_jobs_total counter
coordinator_jobs_total{kind=\"execute\",outcome=\"canceled\"} 1
coordinator_jobs_total{kind=\"execute\",outcome=\"completed\"} 0
coordinator_jobs_total{kind=\"execute\",outcome=\"failed\"} 0
coordinator_jobs_total{kind=\"prove\",outcome=\"canceled\"} 0
coordinator_jobs_total{kind=\"prove\",outcome=\"completed\"} 3
coordinator_jobs_total{kind=\"prove\",outcome=\"failed\"} 0

# HELP coordinator_manifest_received_bytes_total Bytes of manifests received.
# TYPE coordinator_manifest_received_bytes_total counter
coordinator_manifest_received_bytes_total 512

# HELP coordinator_tenant_input_bytes Size of job inputs, by tenant and outcome.
# TYPE coordinator_tenant_input_bytes histogram
coordinator_tenant_input_bytes_bucket{tenant_id=\"acme\",outcome=\"failed\",le=\"+Inf\"} 1
coordinator_tenant_input_bytes_bucket{tenant_id=\"acme\",outcome=\"failed\",le=\"1024\"} 0
coordinator_tenant_input_bytes_count{tenant_id=\"acme\",outcome=\"failed\"} 1
coordinator_tenant_input_bytes_sum{tenant_id=\"acme\",outcome=\"failed\"} 2048

# HELP coordinator_tenant_queued_jobs Jobs queued, by tenant.
# TYPE coordinator_tenant_queued_jobs gauge
coordinator_tenant_queued_jobs{tenant_id=\"acme\"} 2
coordinator_tenant_queued_jobs{tenant_id=\"globex\"} 1

# HELP coordinator_worker_jobs_total Jobs per worker, by outcome.
# TYPE coordinator_worker_jobs_total counter
coordinator_worker_jobs_total{worker_id=\"worker-1\",outcome=\"failed\"} 1

# HELP coordinator_workers_connected Workers with an open stream to the coordinator.
# TYPE coordinator_workers_connected gauge
coordinator_workers_connected 4
"
    );
}

#[test]
fn bounded_labels_fold_values_beyond_the_limit() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        for tenant in ["t-a", "t-b", "t-c", "t-d", "t-a", "t-e"] {
            METRICS
                .tenant_log_entries_total(tenant, Outcome::Completed)
                .increment(1);
        }
    });
    // Values are kept in the order first seen, across the whole process:
    // this is the only test that feeds this metric.
    assert_eq!(
        render(&recorder, "coordinator_tenant_log_entries_total"),
        "# TYPE coordinator_tenant_log_entries_total counter
coordinator_tenant_log_entries_total{tenant_id=\"__overflow__\",outcome=\"completed\"} 3
coordinator_tenant_log_entries_total{tenant_id=\"t-a\",outcome=\"completed\"} 2
coordinator_tenant_log_entries_total{tenant_id=\"t-b\",outcome=\"completed\"} 1
"
    );
    assert_eq!(
        render(&recorder, "vitals_label_overflow_total"),
        "# TYPE vitals_label_overflow_total counter
vitals_label_overflow_total{metric=\"coordinator_tenant_log_entries_total\"} 3
"
    );
}

#[test]
fn raw_identifier_labels_and_groups_without_prefix() {
    let recorded =
        vitals::testing::capture(|| MARBLES.marble_activations_total("frontend").increment(1));
    assert_eq!(
        recorded.counter("marble_activations_total", &[("type", "frontend")]),
        Some(1)
    );
}

#[test]
fn descriptors_are_in_the_catalogue() {
    let families = vitals::catalogue().families();
    let find = |name: &str| {
        families
            .iter()
            .find(|family| family.name() == name)
            .expect("declared")
    };
    let jobs = find("coordinator_jobs_total");
    assert_eq!(jobs.kind(), vitals::catalogue::MetricKind::Counter);
    assert_eq!(jobs.label_names(), ["kind", "outcome"]);
    assert_eq!(jobs.known_series().len(), 6);
    let duration = find("coordinator_job_duration_seconds");
    assert_eq!(duration.unit(), Some(metrics::Unit::Seconds));
    assert_eq!(duration.buckets(), [1.0, 5.0, 60.0]);
    let bytes = find("coordinator_manifest_received_bytes_total");
    assert_eq!(bytes.unit(), Some(metrics::Unit::Bytes));
    assert_eq!(
        find("coordinator_tenant_input_bytes").unit(),
        Some(metrics::Unit::Bytes)
    );
    assert_eq!(find("coordinator_tenant_queued_jobs").unit(), None);
    let per_worker = find("coordinator_worker_jobs_total");
    assert!(
        per_worker.known_series().is_empty(),
        "a bounded label has no values known in advance"
    );
    assert_eq!(
        find("vitals_label_overflow_total").label_names(),
        ["metric"]
    );
}

#[test]
fn handles_follow_the_current_recorder() {
    // The ambient recorder: the no-op one (handles cached for it), then a
    // local recorder (resolved per record), then a global recorder
    // installed later (cached anew).
    static LATE: CoordinatorMetrics = CoordinatorMetrics::new();
    LATE.jobs_total(JobKind::Execute, Outcome::Failed)
        .increment(1);

    let local = vitals::testing::capture(|| {
        LATE.jobs_total(JobKind::Execute, Outcome::Failed)
            .increment(2)
    });
    assert_eq!(
        local.counter(
            "coordinator_jobs_total",
            &[("kind", "execute"), ("outcome", "failed")]
        ),
        Some(2)
    );

    let global = vitals::testing::CapturingRecorder::new();
    metrics::set_global_recorder(global.clone())
        .expect("the only global recorder of this test binary");
    vitals::global_recorder_installed();
    for _ in 0..3 {
        LATE.jobs_total(JobKind::Execute, Outcome::Failed)
            .increment(1);
    }
    LATE.workers_connected().set(7.0);
    let recorded = global.snapshot();
    assert_eq!(
        recorded.counter(
            "coordinator_jobs_total",
            &[("kind", "execute"), ("outcome", "failed")]
        ),
        Some(3)
    );
    assert_eq!(
        recorded.gauge("coordinator_workers_connected", &[]),
        Some(7.0)
    );

    // A local recorder still wins over the global one.
    let local = vitals::testing::capture(|| {
        LATE.jobs_total(JobKind::Execute, Outcome::Failed)
            .increment(5)
    });
    assert_eq!(
        local.counter(
            "coordinator_jobs_total",
            &[("kind", "execute"), ("outcome", "failed")]
        ),
        Some(5)
    );
    assert_eq!(
        global.snapshot().counter(
            "coordinator_jobs_total",
            &[("kind", "execute"), ("outcome", "failed")]
        ),
        Some(3)
    );

    // Under the global recorder, after the first record of each series,
    // enum-labelled records and state changes allocate nothing (the
    // capturing recorder's handles are plain atomics).
    let outcomes = [Outcome::Completed, Outcome::Failed, Outcome::Cancelled];
    let record = |round: usize| {
        let outcome = outcomes[round % 3];
        LATE.jobs_total(JobKind::Prove, outcome).increment(1);
        LATE.active_jobs().increment(1.0);
        LATE.job_duration_seconds(outcome).record(0.5);
        if round % 2 == 0 {
            Phase::Recovery.set_current()
        } else {
            Phase::Serving.set_current()
        }
    };
    for round in 0..6 {
        record(round);
    }
    const ROUNDS: usize = 10_000;
    let before = allocations();
    for round in 0..ROUNDS {
        record(round);
    }
    let allocated = allocations() - before;
    assert_eq!(
        allocated, 0,
        "{allocated} allocations in {ROUNDS} rounds of records"
    );
    let recorded = global.snapshot();
    assert_eq!(
        recorded.counter(
            "coordinator_jobs_total",
            &[("kind", "prove"), ("outcome", "failed")]
        ),
        Some((ROUNDS as u64 + 6) / 3)
    );
    assert_eq!(
        recorded.gauge("hot_path_phase", &[("hot_path_phase", "serving")]),
        Some(1.0)
    );
    assert_eq!(
        recorded.gauge("hot_path_phase", &[("hot_path_phase", "recovery")]),
        Some(0.0)
    );
}
