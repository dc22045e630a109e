//! The job tracker under the global Prometheus recorder: cached handles,
//! buckets from the catalogue, exact counts from many threads.

use metrics_exporter_prometheus::PrometheusBuilder;
use vitals::MetricEnum;
use vitals::jobs::JobTracker;

#[derive(Clone, Copy)]
enum Kind {
    Provision,
    Delete,
}

impl MetricEnum for Kind {
    const LABEL_VALUES: &'static [&'static str] = &["provision", "delete"];
    fn index(&self) -> usize {
        *self as usize
    }
}

#[derive(Clone, Copy)]
enum Outcome {
    Completed,
    Failed,
}

impl MetricEnum for Outcome {
    const LABEL_VALUES: &'static [&'static str] = &["completed", "failed"];
    fn index(&self) -> usize {
        *self as usize
    }
}

#[test]
fn jobs_from_many_threads_render_exactly() {
    // Build the tracker first, so the exporter reads its buckets from the catalogue.
    let jobs: JobTracker<Kind, Outcome> = JobTracker::builder("libvirt_volume_provisioner")
        .buckets(&[1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 300.0])
        .build()
        .expect("a valid tracker");
    let mut builder = PrometheusBuilder::new();
    for family in vitals::catalogue()
        .families()
        .iter()
        .filter(|family| !family.buckets().is_empty())
    {
        let matcher = metrics_exporter_prometheus::Matcher::Full(family.name().to_owned());
        builder = builder
            .set_buckets_for_metric(matcher, family.buckets())
            .expect("valid buckets");
    }
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only global recorder of this binary");
    vitals::global_recorder_installed();
    vitals::catalogue().register_known_series();

    let zero = handle.render();
    assert!(
        zero.contains(
            r#"libvirt_volume_provisioner_jobs_total{kind="delete",outcome="cancelled"} 0"#
        ),
        "{zero}"
    );
    assert!(
        zero.contains("libvirt_volume_provisioner_active_jobs 0"),
        "{zero}"
    );

    const THREADS: usize = 4;
    const JOBS: usize = 250;
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let jobs = jobs.clone();
            scope.spawn(move || {
                for job in 0..JOBS {
                    let guard = jobs.start(if thread % 2 == 0 {
                        Kind::Provision
                    } else {
                        Kind::Delete
                    });
                    match job % 5 {
                        0 => guard.finish(Outcome::Failed),
                        1 => drop(guard),
                        _ => guard.finish(Outcome::Completed),
                    }
                }
            });
        }
    });

    let text = handle.render();
    let per_kind = THREADS / 2 * JOBS;
    for kind in ["provision", "delete"] {
        let line = |outcome: &str, count: usize| {
            format!(
                r#"libvirt_volume_provisioner_jobs_total{{kind="{kind}",outcome="{outcome}"}} {count}"#
            )
        };
        assert!(text.contains(&line("failed", per_kind / 5)), "{text}");
        assert!(text.contains(&line("cancelled", per_kind / 5)), "{text}");
        assert!(
            text.contains(&line("completed", per_kind * 3 / 5)),
            "{text}"
        );
    }
    assert!(
        text.contains("libvirt_volume_provisioner_active_jobs 0"),
        "{text}"
    );
    let all = THREADS * JOBS;
    let count = format!(
        r#"libvirt_volume_provisioner_job_duration_seconds_count{{outcome="completed"}} {}"#,
        all * 3 / 5
    );
    assert!(text.contains(&count), "{text}");
    let top_bucket = format!(
        r#"libvirt_volume_provisioner_job_duration_seconds_bucket{{outcome="failed",le="300"}} {}"#,
        all / 5
    );
    assert!(text.contains(&top_bucket), "{text}");
}
