//! `#[metric_enum]`: label values, renames, error statuses and state gauges
//! in both encodings, asserted on rendered Prometheus text.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};
use vitals::{ErrorStatus, MetricEnum, StateMetric, instrument_rpc, metric_enum};

#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobOutcome {
    Completed,
    Failed,
    #[metric(rename = "cancelled_by_user")]
    Cancelled,
}

#[metric_enum(rename_all = "PascalCase")]
#[derive(Clone, Copy, Debug)]
enum Method {
    JobRequest,
    WaitJobResult,
}

/// The coordinator's lifecycle state.
#[metric_enum(state = "coordinator_state", encoding = "value")]
#[derive(Clone, Copy, Debug)]
enum CoordinatorState {
    Recovery = 1,
    AwaitingManifest = 2,
    AcceptingMarbles = 3,
}

/// Phase of the provisioner.
#[metric_enum(state = "provisioner_phase", labels(component = "provisioner"))]
#[derive(Clone, Copy, Debug)]
enum Phase {
    Starting,
    #[metric(rename = "serving")]
    Ready,
    Draining,
}

#[metric_enum(
    state = "marble_activation_state",
    help = "State of marble activation."
)]
enum ActivationState {
    Idle,
    Activating,
}

/// Derives may come before the attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[metric_enum(rename_all = "SCREAMING_SNAKE_CASE")]
enum Priority {
    #[metric(rename = "low")]
    Background,
    Interactive,
}

/// A state set from many threads at once.
#[metric_enum(state = "contended_state")]
#[derive(Clone, Copy, Debug)]
enum Contended {
    A,
    B,
    C,
    D,
}

#[metric_enum]
#[derive(Debug)]
enum ManifestError {
    NotSet,
    InvalidSignature,
}

fn recorder() -> PrometheusRecorder {
    PrometheusBuilder::new().build_recorder()
}

/// The rendered text with the samples of each family sorted: the exporter
/// writes series in hash order.
fn render(recorder: &PrometheusRecorder) -> String {
    let rendered = recorder.handle().render();
    let mut out = String::new();
    for family in rendered.split("\n\n").filter(|family| !family.is_empty()) {
        let (mut comments, mut samples): (Vec<&str>, Vec<&str>) =
            family.lines().partition(|line| line.starts_with('#'));
        samples.sort_unstable();
        comments.append(&mut samples);
        out.push_str(&comments.join("\n"));
        out.push_str("\n\n");
    }
    out
}

#[test]
fn label_values_are_snake_case_with_renames() {
    assert_eq!(
        JobOutcome::LABEL_VALUES,
        ["completed", "failed", "cancelled_by_user"]
    );
    assert_eq!(JobOutcome::Cancelled.index(), 2);
    assert_eq!(JobOutcome::Failed.label_value(), "failed");
    assert_eq!(Method::LABEL_VALUES, ["JobRequest", "WaitJobResult"]);
    assert_eq!(Method::JobRequest.index(), 0);
    assert_eq!(Priority::LABEL_VALUES, ["low", "INTERACTIVE"]);
    assert_eq!(Priority::Background.label_value(), "low");
    let (first, copy) = (Priority::Interactive, Priority::Interactive);
    assert_eq!(first, copy, "derives before the attribute still apply");
    assert_eq!(JobOutcome::Completed.label_value(), "completed");
    assert_eq!(Method::WaitJobResult.label_value(), "WaitJobResult");
}

#[test]
fn an_error_enum_gives_the_status_label() {
    assert_eq!(
        ManifestError::RESULT_STATUS_VALUES,
        ["ok", "not_set", "invalid_signature"]
    );
    assert_eq!(
        ManifestError::InvalidSignature.error_status(),
        "invalid_signature"
    );

    #[instrument_rpc(prefix = "coordinator")]
    fn set_manifest(signed: bool, present: bool) -> Result<(), ManifestError> {
        match (present, signed) {
            (false, _) => Err(ManifestError::NotSet),
            (true, false) => Err(ManifestError::InvalidSignature),
            (true, true) => Ok(()),
        }
    }

    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        set_manifest(true, true).unwrap();
        set_manifest(false, true).unwrap_err();
        set_manifest(false, true).unwrap_err();
        set_manifest(true, false).unwrap_err();
    });
    let rendered = render(&recorder);
    let requests: Vec<&str> = rendered
        .lines()
        .filter(|line| line.starts_with("coordinator_requests_total{"))
        .collect();
    assert_eq!(
        requests,
        [
            r#"coordinator_requests_total{method="set_manifest",status="invalid_signature"} 2"#,
            r#"coordinator_requests_total{method="set_manifest",status="not_set"} 1"#,
            r#"coordinator_requests_total{method="set_manifest",status="ok"} 1"#,
        ],
        "{rendered}"
    );
}

#[test]
fn stateset_has_every_variant_at_zero_before_the_first_set() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        Phase::state_descriptor().register_known_series()
    });
    assert_eq!(
        render(&recorder),
        "# HELP provisioner_phase Phase of the provisioner.\n\
         # TYPE provisioner_phase gauge\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"draining\"} 0\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"serving\"} 0\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"starting\"} 0\n\n"
    );
}

#[test]
fn stateset_reads_one_for_the_current_variant_only() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        Phase::state_descriptor().register_known_series();
        Phase::Starting.set_current();
        Phase::Ready.set_current();
    });
    assert_eq!(
        render(&recorder),
        "# HELP provisioner_phase Phase of the provisioner.\n\
         # TYPE provisioner_phase gauge\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"draining\"} 0\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"serving\"} 1\n\
         provisioner_phase{component=\"provisioner\",provisioner_phase=\"starting\"} 0\n\n"
    );
    metrics::with_local_recorder(&recorder, || Phase::Draining.set_current());
    let rendered = render(&recorder);
    assert!(
        rendered.contains(
            "provisioner_phase{component=\"provisioner\",provisioner_phase=\"serving\"} 0\n"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "provisioner_phase{component=\"provisioner\",provisioner_phase=\"draining\"} 1\n"
        ),
        "{rendered}"
    );
}

#[test]
fn value_encoding_holds_the_discriminant() {
    let recorder = recorder();
    metrics::with_local_recorder(&recorder, || {
        CoordinatorState::state_descriptor().register_known_series()
    });
    assert_eq!(
        render(&recorder),
        "# HELP coordinator_state The coordinator's lifecycle state.\n\
         # TYPE coordinator_state gauge\n\
         coordinator_state 0\n\n"
    );
    metrics::with_local_recorder(&recorder, || {
        CoordinatorState::AwaitingManifest.set_current()
    });
    assert!(render(&recorder).contains("\ncoordinator_state 2\n"));
    metrics::with_local_recorder(&recorder, || {
        CoordinatorState::Recovery.set_current();
        CoordinatorState::AcceptingMarbles.set_current();
    });
    assert!(render(&recorder).contains("\ncoordinator_state 3\n"));
}

#[test]
fn help_argument_wins_and_state_works_under_capture() {
    let descriptor = ActivationState::state_descriptor();
    assert_eq!(descriptor.help(), "State of marble activation.");
    assert_eq!(descriptor.name(), "marble_activation_state");
    let recorded = vitals::testing::capture(|| ActivationState::Activating.set_current());
    assert_eq!(
        recorded.gauge(
            "marble_activation_state",
            &[("marble_activation_state", "activating")]
        ),
        Some(1.0)
    );
    assert_eq!(
        recorded.gauge(
            "marble_activation_state",
            &[("marble_activation_state", "idle")]
        ),
        Some(0.0)
    );
    assert_eq!(recorded.series_of("marble_activation_state").count(), 2);
}

#[test]
fn state_gauges_are_in_the_catalogue() {
    let families = vitals::catalogue().families();
    let phase = families
        .iter()
        .find(|family| family.name() == "provisioner_phase")
        .expect("declared");
    assert_eq!(phase.kind(), vitals::catalogue::MetricKind::Gauge);
    assert_eq!(phase.label_names(), ["component", "provisioner_phase"]);
    assert_eq!(phase.known_series().len(), 3);
    let state = families
        .iter()
        .find(|family| family.name() == "coordinator_state")
        .expect("declared");
    assert_eq!(state.known_series(), [Vec::<(&str, &str)>::new()]);
}

#[test]
fn concurrent_state_changes_settle_on_one_current_state() {
    let recorder = vitals::testing::CapturingRecorder::new();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let recorder = recorder.clone();
            scope.spawn(move || {
                recorder.run(|| {
                    let states = [Contended::A, Contended::B, Contended::C, Contended::D];
                    for round in 0..2_000 {
                        states[(thread + round) % 4].set_current();
                    }
                });
            });
        }
    });
    let recorded = recorder.snapshot();
    let ones: Vec<String> = recorded
        .series_of("contended_state")
        .filter(|(_, value)| **value == vitals::testing::Value::Gauge(1.0))
        .map(|(series, _)| series.to_string())
        .collect();
    assert_eq!(ones.len(), 1, "exactly one current state: {recorded}");
    assert_eq!(recorded.series_of("contended_state").count(), 4);
}

/// A replica's role, followed by readiness and `/status`.
#[vitals::metric_enum(state = "replica_role", encoding = "value", health)]
#[derive(Clone, Copy, Debug)]
enum ReplicaRole {
    /// Replaying the log after a restart.
    #[metric(not_ready)]
    Recovering = 1,
    /// Serving reads and writes.
    Primary = 2,
    #[metric(meaning = "Serving reads only.")]
    Backup = 3,
}

#[test]
fn a_health_state_enum_drives_readiness_status_and_its_gauge_from_one_call() {
    use vitals::StateMetric;
    use vitals::health::{HealthRegistry, HealthState, Probe, StateOf};

    assert_eq!(ReplicaRole::Recovering.code(), 1);
    assert_eq!(ReplicaRole::Backup.name(), "backup");
    assert_eq!(ReplicaRole::Primary.meaning(), "Serving reads and writes.");
    assert_eq!(ReplicaRole::Backup.meaning(), "Serving reads only.");
    assert!(!ReplicaRole::Recovering.is_ready());

    let registry = HealthRegistry::new();
    registry.add_state("replica_role", StateOf::<ReplicaRole>::new());
    let recorded = vitals::testing::capture(|| {
        // Before any state is set the application is not ready.
        assert!(!registry.report_blocking(Probe::Readiness).is_ok());
        ReplicaRole::Recovering.set_current();
        assert!(!registry.report_blocking(Probe::Readiness).is_ok());
        assert_eq!(registry.states()[0].state.name, "recovering");
        ReplicaRole::Backup.set_current();
    });
    assert!(registry.report_blocking(Probe::Readiness).is_ok());
    assert_eq!(registry.states()[0].state.code, 3);
    assert_eq!(recorded.gauge("replica_role", &[]), Some(3.0));
}

#[metric_enum]
#[derive(Debug)]
enum LookupError {
    NotFound(#[allow(dead_code)] u64),
    Conflict {
        #[allow(dead_code)]
        id: u64,
    },
    Unavailable,
}

#[test]
fn an_error_enum_with_fields_is_labelled_by_its_variant() {
    assert_eq!(
        LookupError::RESULT_STATUS_VALUES,
        ["ok", "not_found", "conflict", "unavailable"]
    );
    assert_eq!(LookupError::Conflict { id: 3 }.index(), 1);
    assert_eq!(LookupError::NotFound(9).error_status(), "not_found");

    #[instrument_rpc(prefix = "lookup")]
    fn find(id: u64) -> Result<u64, LookupError> {
        match id {
            0 => Err(LookupError::NotFound(id)),
            1 => Err(LookupError::Conflict { id }),
            2 => Err(LookupError::Unavailable),
            _ => Ok(id),
        }
    }

    let recorded = vitals::testing::capture(|| {
        for id in [0, 0, 1, 2, 5, 6, 7] {
            let _ = find(id);
        }
    });
    let count = |status| {
        recorded.counter(
            "lookup_requests_total",
            &[("method", "find"), ("status", status)],
        )
    };
    assert_eq!(count("not_found"), Some(2));
    assert_eq!(count("conflict"), Some(1));
    assert_eq!(count("unavailable"), Some(1));
    assert_eq!(count("ok"), Some(3));
    // What a variant holds never becomes a label value.
    let families = vitals::catalogue().families();
    let family = families
        .iter()
        .find(|family| family.name() == "lookup_requests_total")
        .expect("declared");
    let statuses: Vec<&str> = family
        .known_series()
        .iter()
        .filter_map(|series| {
            series
                .iter()
                .find(|(name, _)| *name == "status")
                .map(|(_, value)| *value)
        })
        .collect();
    for status in ["ok", "not_found", "conflict", "unavailable"] {
        assert!(
            statuses.contains(&status),
            "{status} not pre-created: {statuses:?}"
        );
    }
}
