//! A million distinct label values must never become a million series.

use metrics_exporter_prometheus::PrometheusBuilder;
use vitals::bounded::{BoundedLabel, DEFAULT_LIMIT, OVERFLOW};
use vitals::metric_group;

/// Per-tenant series of a replicated database.
#[metric_group(prefix = "kmb")]
struct TenantMetrics {
    /// Log entries written, by tenant.
    #[metric(labels(tenant_id: &str), limit = 1000)]
    tenant_log_entries_total: Counter,
    /// Entries per tenant with the default limit.
    #[metric(labels(tenant_id: &str))]
    tenant_reads_total: Counter,
}

static TENANTS: TenantMetrics = TenantMetrics::new();

const INPUTS: usize = 1_000_000;

#[test]
fn a_million_distinct_values_give_limit_plus_one_series() {
    let recorder = PrometheusBuilder::new().build_recorder();
    metrics::with_local_recorder(&recorder, || {
        for tenant in 0..INPUTS {
            TENANTS
                .tenant_log_entries_total(&format!("tenant-{tenant}"))
                .increment(1);
        }
    });
    let rendered = recorder.handle().render();
    let series: Vec<&str> = rendered
        .lines()
        .filter(|line| line.starts_with("kmb_tenant_log_entries_total{"))
        .collect();
    assert_eq!(
        series.len(),
        1000 + 1,
        "the limit, plus the overflow series"
    );
    assert!(series.contains(&"kmb_tenant_log_entries_total{tenant_id=\"tenant-0\"} 1"));
    assert!(series.contains(&"kmb_tenant_log_entries_total{tenant_id=\"tenant-999\"} 1"));
    assert!(!series.iter().any(|line| line.contains("\"tenant-1000\"")));
    assert!(
        series.contains(&"kmb_tenant_log_entries_total{tenant_id=\"__overflow__\"} 999000"),
        "{series:?}"
    );
    let overflow: Vec<&str> = rendered
        .lines()
        .filter(|line| line.starts_with("vitals_label_overflow_total"))
        .collect();
    assert_eq!(
        overflow,
        ["vitals_label_overflow_total{metric=\"kmb_tenant_log_entries_total\"} 999000"]
    );
}

#[test]
fn the_default_limit_applies_without_limit_argument() {
    let recorded = vitals::testing::capture(|| {
        for tenant in 0..=DEFAULT_LIMIT {
            TENANTS.tenant_reads_total(&tenant.to_string()).increment(1);
        }
        TENANTS.tenant_reads_total("0").increment(1);
    });
    assert_eq!(
        recorded.series_of("kmb_tenant_reads_total").count(),
        DEFAULT_LIMIT + 1
    );
    assert_eq!(
        recorded.counter("kmb_tenant_reads_total", &[("tenant_id", "0")]),
        Some(2)
    );
    assert_eq!(
        recorded.counter("kmb_tenant_reads_total", &[("tenant_id", OVERFLOW)]),
        Some(1)
    );
    assert_eq!(
        recorded.counter(
            "vitals_label_overflow_total",
            &[("metric", "kmb_tenant_reads_total")]
        ),
        Some(1)
    );
}

#[test]
fn a_bounded_label_on_its_own() {
    static WORKER: BoundedLabel = BoundedLabel::new("coordinator_worker_jobs_total", 2);
    let recorded = vitals::testing::capture(|| {
        let values: Vec<String> = ["w-1", "w-2", "w-3", "w-1", "w-4"]
            .iter()
            .map(|id| WORKER.get(id).as_str().to_owned())
            .collect();
        assert_eq!(values, ["w-1", "w-2", OVERFLOW, "w-1", OVERFLOW]);
    });
    assert_eq!(WORKER.len(), 2);
    assert_eq!(
        recorded.counter(
            "vitals_label_overflow_total",
            &[("metric", "coordinator_worker_jobs_total")]
        ),
        Some(2)
    );
}

#[test]
fn the_overflow_counter_is_in_the_catalogue() {
    let families = vitals::catalogue().families();
    let overflow = families
        .iter()
        .find(|family| family.name() == "vitals_label_overflow_total")
        .expect("declared");
    assert_eq!(overflow.kind(), vitals::catalogue::MetricKind::Counter);
    assert_eq!(overflow.label_names(), ["metric"]);
    assert!(!overflow.help().is_empty());
}
