//! Build info and process metrics are on by default and can be switched off.

use vitals::health::HealthRegistry;
use vitals_prometheus::{BuildInfo, Exporter, Format};

fn builder() -> vitals_prometheus::ExporterBuilder {
    Exporter::builder(BuildInfo::new("svc", "0.1.0")).health(HealthRegistry::new())
}

#[cfg(feature = "process")]
#[test]
fn build_info_and_process_metrics_are_on_by_default() {
    let text = builder().build().unwrap().render(Format::Text);
    assert!(text.contains("svc_build_info{"), "{text}");
    assert!(text.contains("\nprocess_resident_memory_bytes "), "{text}");
    assert!(
        text.contains("# TYPE process_cpu_seconds_total counter"),
        "{text}"
    );
}

#[cfg(feature = "process")]
#[test]
fn both_can_be_switched_off() {
    let exporter = builder()
        .without_build_info()
        .process_metrics(false)
        .build()
        .unwrap();
    let text = exporter.render(Format::Text);
    assert!(!text.contains("_build_info"), "{text}");
    assert!(!text.contains("process_"), "{text}");
    // Metrics recorded through the exporter still render.
    metrics::with_local_recorder(exporter.recorder(), || {
        metrics::gauge!("svc_queue_depth").set(4.0)
    });
    assert!(
        exporter
            .render(Format::Text)
            .contains("svc_queue_depth 4\n")
    );
}

#[test]
fn build_info_names_are_valid_metric_names() {
    assert_eq!(
        BuildInfo::new("my-app", "1").metric_name(),
        "my_app_build_info"
    );
    assert_eq!(
        BuildInfo::new("9lives", "1").metric_name(),
        "app_9lives_build_info"
    );
    let info = BuildInfo::new("svc", "1")
        .with_revision("")
        .with_branch("release/1.x");
    assert_eq!((info.revision(), info.branch()), ("unknown", "release/1.x"));
    let text = builder().build().unwrap().render(Format::Text);
    assert!(text.contains(&format!(
        "rustc_version=\"{}\"",
        vitals_prometheus::__RUSTC_VERSION
    )));
}

#[test]
fn an_exporter_needs_no_build_info() {
    let exporter = vitals_prometheus::ExporterBuilder::default()
        .health(HealthRegistry::new())
        .build()
        .expect("an exporter without build info");
    let text = exporter.render(Format::Text);
    assert!(!text.contains("_build_info"), "{text}");
    let with_info = vitals_prometheus::ExporterBuilder::default()
        .health(HealthRegistry::new())
        .build_info(BuildInfo::new("later", "2.0.0"))
        .build()
        .unwrap();
    assert!(with_info.render(Format::Text).contains("later_build_info{"));
}
