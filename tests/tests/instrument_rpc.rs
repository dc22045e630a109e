//! `#[instrument_rpc]` behaviour, asserted on the Prometheus text that
//! metrics-exporter-prometheus renders under a local recorder.

mod support;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use support::{render, render_async, samples};
use vitals::{ErrorStatus, RpcStatus, instrument_rpc};

// ---------------------------------------------------------------- sync / async

#[instrument_rpc(prefix = "plain")]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[instrument_rpc(prefix = "plain")]
async fn fetch(id: u32) -> Result<u32, String> {
    tokio::task::yield_now().await;
    if id == 0 {
        Err("no such id".into())
    } else {
        Ok(id)
    }
}

#[test]
fn sync_fn_counts_each_call_with_its_status() {
    let text = render(|| {
        assert_eq!(add(1, 2), 3);
        assert_eq!(add(2, 2), 4);
    });
    assert_eq!(
        samples(&text, "plain_requests_total"),
        ["plain_requests_total{method=\"add\",status=\"ok\"} 2"]
    );
    assert_eq!(
        samples(&text, "plain_request_duration_seconds_count"),
        ["plain_request_duration_seconds_count{method=\"add\"} 2"]
    );
    assert_eq!(
        samples(&text, "plain_requests_in_flight"),
        ["plain_requests_in_flight{method=\"add\"} 0"]
    );
}

#[tokio::test]
async fn async_fn_counts_ok_and_error() {
    let text = render_async(async {
        assert_eq!(fetch(7).await, Ok(7));
        assert!(fetch(0).await.is_err());
        assert!(fetch(0).await.is_err());
    })
    .await;
    assert_eq!(
        samples(&text, "plain_requests_total"),
        [
            "plain_requests_total{method=\"fetch\",status=\"error\"} 2",
            "plain_requests_total{method=\"fetch\",status=\"ok\"} 1",
        ]
    );
    assert_eq!(
        samples(&text, "plain_request_duration_seconds_count"),
        ["plain_request_duration_seconds_count{method=\"fetch\"} 3"]
    );
}

#[test]
fn the_question_mark_operator_and_early_return_keep_working() {
    #[derive(Debug)]
    struct ParseFailed;
    impl From<std::num::ParseIntError> for ParseFailed {
        fn from(_: std::num::ParseIntError) -> Self {
            ParseFailed
        }
    }

    #[instrument_rpc(prefix = "early")]
    fn parse(text: &str) -> Result<u32, ParseFailed> {
        if text.is_empty() {
            return Ok(0);
        }
        let value: u32 = text.parse()?;
        Ok(value * 2)
    }

    let text = render(|| {
        assert_eq!(parse("").unwrap(), 0);
        assert_eq!(parse("21").unwrap(), 42);
        assert!(parse("x").is_err());
    });
    assert_eq!(
        samples(&text, "early_requests_total"),
        [
            "early_requests_total{method=\"parse\",status=\"error\"} 1",
            "early_requests_total{method=\"parse\",status=\"ok\"} 2",
        ]
    );
}

// ---------------------------------------------------------------- status sources

#[instrument_rpc(prefix = "grpc")]
async fn get_user(id: u32) -> Result<tonic::Response<String>, tonic::Status> {
    match id {
        1 => Ok(tonic::Response::new("ada".into())),
        2 => Err(tonic::Status::not_found("no user 2")),
        _ => Err(tonic::Status::deadline_exceeded("too slow")),
    }
}

#[instrument_rpc(prefix = "grpc")]
fn check_code(ok: bool) -> tonic::Code {
    if ok {
        tonic::Code::Ok
    } else {
        tonic::Code::PermissionDenied
    }
}

#[instrument_rpc(prefix = "grpc")]
fn bare_status() -> tonic::Status {
    tonic::Status::unavailable("down")
}

#[tokio::test]
async fn tonic_statuses_use_go_grpc_middleware_names() {
    let text = render_async(async {
        get_user(1).await.unwrap();
        get_user(2).await.unwrap_err();
        get_user(3).await.unwrap_err();
        check_code(true);
        check_code(false);
        let _ = bare_status();
    })
    .await;
    assert_eq!(
        samples(&text, "grpc_requests_total"),
        [
            "grpc_requests_total{method=\"bare_status\",status=\"Unavailable\"} 1",
            "grpc_requests_total{method=\"check_code\",status=\"OK\"} 1",
            "grpc_requests_total{method=\"check_code\",status=\"PermissionDenied\"} 1",
            "grpc_requests_total{method=\"get_user\",status=\"DeadlineExceeded\"} 1",
            "grpc_requests_total{method=\"get_user\",status=\"NotFound\"} 1",
            "grpc_requests_total{method=\"get_user\",status=\"OK\"} 1",
        ]
    );
}

#[instrument_rpc(prefix = "web")]
fn teapot() -> http::StatusCode {
    http::StatusCode::IM_A_TEAPOT
}

#[instrument_rpc(prefix = "web")]
fn created() -> http::Response<String> {
    http::Response::builder()
        .status(201)
        .body(String::new())
        .unwrap()
}

#[test]
fn http_statuses_are_numeric() {
    let text = render(|| {
        teapot();
        created();
    });
    assert_eq!(
        samples(&text, "web_requests_total"),
        [
            "web_requests_total{method=\"created\",status=\"201\"} 1",
            "web_requests_total{method=\"teapot\",status=\"418\"} 1",
        ]
    );
}

#[derive(Debug)]
enum PaymentError {
    Declined,
    Fraud,
}

impl ErrorStatus for PaymentError {
    const RESULT_STATUS_VALUES: &'static [&'static str] = &["ok", "declined", "fraud"];
    fn error_status(&self) -> &'static str {
        match self {
            PaymentError::Declined => "declined",
            PaymentError::Fraud => "fraud",
        }
    }
}

struct Receipt {
    partial: bool,
}

impl RpcStatus for Receipt {
    const STATUS_VALUES: &'static [&'static str] = &["complete", "partial"];
    fn rpc_status(&self) -> &'static str {
        if self.partial { "partial" } else { "complete" }
    }
}

#[instrument_rpc(prefix = "pay")]
fn pay(cents: u64) -> Result<(), PaymentError> {
    match cents {
        0 => Err(PaymentError::Declined),
        1_000_000.. => Err(PaymentError::Fraud),
        _ => Ok(()),
    }
}

#[instrument_rpc(prefix = "pay")]
fn receipt(partial: bool) -> Receipt {
    Receipt { partial }
}

#[test]
fn user_types_choose_their_own_status() {
    let text = render(|| {
        pay(5).unwrap();
        pay(0).unwrap_err();
        pay(2_000_000).unwrap_err();
        let _ = receipt(true);
        let _ = receipt(false);
    });
    assert_eq!(
        samples(&text, "pay_requests_total"),
        [
            "pay_requests_total{method=\"pay\",status=\"declined\"} 1",
            "pay_requests_total{method=\"pay\",status=\"fraud\"} 1",
            "pay_requests_total{method=\"pay\",status=\"ok\"} 1",
            "pay_requests_total{method=\"receipt\",status=\"complete\"} 1",
            "pay_requests_total{method=\"receipt\",status=\"partial\"} 1",
        ]
    );
}

// ---------------------------------------------------------------- panic and cancellation

#[instrument_rpc(prefix = "fragile")]
fn explode(really: bool) -> u32 {
    if really {
        panic!("boom");
    }
    1
}

#[instrument_rpc(prefix = "fragile")]
async fn slow() -> u32 {
    tokio::time::sleep(Duration::from_secs(3600)).await;
    1
}

#[test]
fn a_panic_is_counted_once_and_keeps_unwinding() {
    let text = render(|| {
        let unwound = std::panic::catch_unwind(|| explode(true));
        assert!(unwound.is_err(), "the panic must propagate to the caller");
        assert_eq!(explode(false), 1);
    });
    assert_eq!(
        samples(&text, "fragile_requests_total"),
        [
            "fragile_requests_total{method=\"explode\",status=\"ok\"} 1",
            "fragile_requests_total{method=\"explode\",status=\"panicked\"} 1",
        ]
    );
    assert_eq!(
        samples(&text, "fragile_request_duration_seconds_count"),
        ["fragile_request_duration_seconds_count{method=\"explode\"} 2"]
    );
    assert_eq!(
        samples(&text, "fragile_requests_in_flight"),
        ["fragile_requests_in_flight{method=\"explode\"} 0"]
    );
}

#[tokio::test]
async fn a_dropped_future_is_counted_as_cancelled_and_leaves_the_gauge_balanced() {
    let text = render_async(async {
        for _ in 0..3 {
            let outcome = tokio::time::timeout(Duration::from_millis(5), slow()).await;
            assert!(outcome.is_err(), "the call must time out");
        }
    })
    .await;
    assert_eq!(
        samples(&text, "fragile_requests_total"),
        ["fragile_requests_total{method=\"slow\",status=\"cancelled\"} 3"]
    );
    assert_eq!(
        samples(&text, "fragile_request_duration_seconds_count"),
        ["fragile_request_duration_seconds_count{method=\"slow\"} 3"]
    );
    assert_eq!(
        samples(&text, "fragile_requests_in_flight"),
        ["fragile_requests_in_flight{method=\"slow\"} 0"]
    );
}

#[tokio::test]
async fn a_future_that_was_never_polled_is_not_counted() {
    let text = render_async(async {
        drop(slow());
    })
    .await;
    assert!(
        samples(&text, "fragile_requests_total").is_empty(),
        "{text}"
    );
}

#[tokio::test]
async fn the_gauge_counts_calls_in_progress() {
    let recorder = vitals::testing::CapturingRecorder::new();
    let labels = [("method", "gate")];

    #[instrument_rpc(prefix = "gauge")]
    async fn gate(open: tokio::sync::oneshot::Receiver<()>) {
        let _ = open.await;
    }

    recorder
        .run_async(async {
            let (release_first, first) = tokio::sync::oneshot::channel();
            let (release_second, second) = tokio::sync::oneshot::channel();
            let mut first_call = Box::pin(gate(first));
            let mut second_call = Box::pin(gate(second));
            // Poll both calls up to their first await, so both are in progress.
            std::future::poll_fn(|cx| {
                assert!(first_call.as_mut().poll(cx).is_pending());
                assert!(second_call.as_mut().poll(cx).is_pending());
                std::task::Poll::Ready(())
            })
            .await;
            assert_eq!(
                recorder
                    .snapshot()
                    .gauge("gauge_requests_in_flight", &labels),
                Some(2.0)
            );
            release_first.send(()).unwrap();
            first_call.await;
            assert_eq!(
                recorder
                    .snapshot()
                    .gauge("gauge_requests_in_flight", &labels),
                Some(1.0)
            );
            release_second.send(()).unwrap();
            second_call.await;
        })
        .await;
    assert_eq!(
        recorder
            .snapshot()
            .gauge("gauge_requests_in_flight", &labels),
        Some(0.0)
    );
    assert_eq!(
        recorder.snapshot().counter(
            "gauge_requests_total",
            &[("method", "gate"), ("status", "ok")]
        ),
        Some(2)
    );
}

// ---------------------------------------------------------------- impl blocks, receivers, generics

struct Coordinator {
    jobs: u32,
}

#[instrument_rpc(
    prefix = "coordinator",
    rename_all = "PascalCase",
    labels(api = "public")
)]
impl Coordinator {
    fn job_request(&mut self) -> Result<u32, tonic::Status> {
        self.jobs += 1;
        Ok(self.jobs)
    }

    fn wait_job_result(&self, id: u32) -> Result<u32, tonic::Status> {
        if id <= self.jobs {
            Ok(id)
        } else {
            Err(tonic::Status::not_found("unknown job"))
        }
    }

    #[instrument_rpc(method = "Shutdown", labels(api = "admin"))]
    fn stop(self) -> u32 {
        self.jobs
    }

    fn boxed(self: Box<Self>) -> u32 {
        self.jobs
    }

    fn shared(self: Arc<Self>) -> u32 {
        self.jobs
    }

    fn pinned(self: Pin<&mut Self>) -> u32 {
        self.jobs
    }

    #[instrument_rpc(skip)]
    fn helper(&self) -> u32 {
        self.jobs
    }
}

#[test]
fn impl_blocks_instrument_every_method_with_renames_overrides_and_receivers() {
    let text = render(|| {
        let mut coordinator = Coordinator { jobs: 0 };
        coordinator.job_request().unwrap();
        coordinator.wait_job_result(1).unwrap();
        coordinator.wait_job_result(9).unwrap_err();
        assert_eq!(coordinator.helper(), 1);
        let mut pinned = Coordinator { jobs: 3 };
        assert_eq!(Pin::new(&mut pinned).pinned(), 3);
        assert_eq!(Box::new(Coordinator { jobs: 4 }).boxed(), 4);
        assert_eq!(Arc::new(Coordinator { jobs: 5 }).shared(), 5);
        assert_eq!(coordinator.stop(), 1);
    });
    assert_eq!(
        samples(&text, "coordinator_requests_total"),
        [
            "coordinator_requests_total{api=\"admin\",method=\"Shutdown\",status=\"ok\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"Boxed\",status=\"ok\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"JobRequest\",status=\"OK\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"Pinned\",status=\"ok\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"Shared\",status=\"ok\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"WaitJobResult\",status=\"NotFound\"} 1",
            "coordinator_requests_total{api=\"public\",method=\"WaitJobResult\",status=\"OK\"} 1",
        ]
    );
}

struct Wrapper<T>(T);

#[instrument_rpc(prefix = "generic")]
impl<T: Clone + std::fmt::Debug> Wrapper<T> {
    fn get(&self) -> T {
        self.0.clone()
    }

    fn parse_as<U: std::str::FromStr>(&self, text: &str) -> Result<U, U::Err> {
        text.parse()
    }

    fn describe(&self) -> impl std::fmt::Display {
        format!("{:?}", self.0)
    }

    fn try_describe(&self, ok: bool) -> Result<impl std::fmt::Display + use<T>, String> {
        if ok {
            Ok(format!("{:?}", self.0))
        } else {
            Err("refused".into())
        }
    }
}

#[test]
fn generics_and_impl_trait_returns() {
    let text = render(|| {
        let wrapper = Wrapper(5u8);
        assert_eq!(wrapper.get(), 5);
        assert_eq!(wrapper.parse_as::<u32>("12").unwrap(), 12);
        assert!(wrapper.parse_as::<u32>("x").is_err());
        assert_eq!(wrapper.describe().to_string(), "5");
        assert_eq!(wrapper.try_describe(true).unwrap().to_string(), "5");
        assert!(wrapper.try_describe(false).is_err());
        let strings = Wrapper("s");
        assert_eq!(strings.get(), "s");
    });
    assert_eq!(
        samples(&text, "generic_requests_total"),
        [
            "generic_requests_total{method=\"describe\",status=\"ok\"} 1",
            "generic_requests_total{method=\"get\",status=\"ok\"} 2",
            "generic_requests_total{method=\"parse_as\",status=\"error\"} 1",
            "generic_requests_total{method=\"parse_as\",status=\"ok\"} 1",
            "generic_requests_total{method=\"try_describe\",status=\"error\"} 1",
            "generic_requests_total{method=\"try_describe\",status=\"ok\"} 1",
        ]
    );
}

// ---------------------------------------------------------------- async_trait, both orders

#[async_trait::async_trait]
trait Greeter {
    async fn greet(&self, name: String) -> Result<String, tonic::Status>;
    async fn wave(&self);
}

struct OursFirst;
struct TheirsFirst;

#[instrument_rpc(prefix = "ours_first", rename_all = "PascalCase")]
#[async_trait::async_trait]
impl Greeter for OursFirst {
    async fn greet(&self, name: String) -> Result<String, tonic::Status> {
        if name.is_empty() {
            Err(tonic::Status::invalid_argument("empty name"))
        } else {
            Ok(format!("hi {name}"))
        }
    }
    async fn wave(&self) {}
}

#[async_trait::async_trait]
#[instrument_rpc(prefix = "theirs_first", rename_all = "PascalCase")]
impl Greeter for TheirsFirst {
    async fn greet(&self, name: String) -> Result<String, tonic::Status> {
        if name.is_empty() {
            Err(tonic::Status::invalid_argument("empty name"))
        } else {
            Ok(format!("hi {name}"))
        }
    }
    async fn wave(&self) {}
}

#[tokio::test]
async fn async_trait_impls_work_in_either_attribute_order() {
    for (prefix, greeter) in [
        ("ours_first", &OursFirst as &(dyn Greeter + Sync)),
        ("theirs_first", &TheirsFirst),
    ] {
        let text = render_async(async {
            assert_eq!(greeter.greet("ada".into()).await.unwrap(), "hi ada");
            greeter.greet(String::new()).await.unwrap_err();
            greeter.wave().await;
        })
        .await;
        let name = format!("{prefix}_requests_total");
        assert_eq!(
            samples(&text, &name),
            [
                format!("{name}{{method=\"Greet\",status=\"InvalidArgument\"}} 1"),
                format!("{name}{{method=\"Greet\",status=\"OK\"}} 1"),
                format!("{name}{{method=\"Wave\",status=\"ok\"}} 1"),
            ],
            "{prefix}"
        );
    }
}

// ---------------------------------------------------------------- arguments

#[instrument_rpc(prefix = "tuned", method = "Lookup", buckets = [0.5, 1, 2], in_flight = false)]
fn lookup() {}

#[test]
fn buckets_method_and_in_flight_arguments() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets_for_metric(
            metrics_exporter_prometheus::Matcher::Full("tuned_request_duration_seconds".into()),
            vitals::catalogue()
                .families()
                .iter()
                .find(|family| family.name() == "tuned_request_duration_seconds")
                .expect("declared")
                .buckets(),
        )
        .unwrap()
        .build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, lookup);
    let text = handle.render();
    let buckets: Vec<String> = samples(&text, "tuned_request_duration_seconds_bucket")
        .into_iter()
        .map(|line| line.rsplit_once(' ').unwrap().0.to_owned())
        .collect();
    assert_eq!(
        buckets,
        [
            "tuned_request_duration_seconds_bucket{le=\"+Inf\",method=\"Lookup\"}",
            "tuned_request_duration_seconds_bucket{le=\"0.5\",method=\"Lookup\"}",
            "tuned_request_duration_seconds_bucket{le=\"1\",method=\"Lookup\"}",
            "tuned_request_duration_seconds_bucket{le=\"2\",method=\"Lookup\"}",
        ]
    );
    assert!(
        samples(&text, "tuned_requests_in_flight").is_empty(),
        "in_flight = false: {text}"
    );
    assert_eq!(
        samples(&text, "tuned_requests_total"),
        ["tuned_requests_total{method=\"Lookup\",status=\"ok\"} 1"]
    );
}

#[instrument_rpc(prefix = "raw", labels(r#type = "bulk"))]
fn r#move() {}

#[test]
fn raw_identifiers_name_labels_and_methods_without_their_prefix() {
    let text = render(r#move);
    assert_eq!(
        samples(&text, "raw_requests_total"),
        ["raw_requests_total{method=\"move\",status=\"ok\",type=\"bulk\"} 1"]
    );
}

#[test]
fn prefix_defaults_to_the_package_name() {
    #[instrument_rpc]
    fn defaulted() {}
    let text = render(defaulted);
    assert_eq!(
        samples(&text, "vitals_tests_requests_total"),
        ["vitals_tests_requests_total{method=\"defaulted\",status=\"ok\"} 1"]
    );
}

// ---------------------------------------------------------------- recorders

#[test]
fn two_local_recorders_one_after_the_other_each_see_their_own_calls() {
    // The same helper, so both recorders live at the same stack address.
    let first = render(|| {
        add(1, 1);
    });
    let second = render(|| {
        add(1, 1);
        add(1, 1);
    });
    assert_eq!(
        samples(&first, "plain_requests_total"),
        ["plain_requests_total{method=\"add\",status=\"ok\"} 1"]
    );
    assert_eq!(
        samples(&second, "plain_requests_total"),
        ["plain_requests_total{method=\"add\",status=\"ok\"} 2"]
    );
}

#[test]
fn calls_without_any_recorder_are_dropped_silently() {
    assert_eq!(add(2, 3), 5);
    let after = render(|| {
        add(0, 0);
    });
    assert_eq!(
        samples(&after, "plain_requests_total"),
        ["plain_requests_total{method=\"add\",status=\"ok\"} 1"]
    );
}

// ---------------------------------------------------------------- catalogue

#[test]
fn the_catalogue_lists_every_site_with_its_known_statuses() {
    let families = vitals::catalogue().families();
    let family = |name: &str| {
        families
            .iter()
            .find(|family| family.name() == name)
            .unwrap_or_else(|| panic!("`{name}` in the catalogue"))
    };

    let requests = family("grpc_requests_total");
    assert_eq!(requests.kind(), vitals::catalogue::MetricKind::Counter);
    assert_eq!(requests.label_names(), ["method", "status"]);
    let series = requests.known_series();
    assert!(series.contains(&vec![("method", "get_user"), ("status", "NotFound")]));
    assert!(series.contains(&vec![("method", "check_code"), ("status", "DataLoss")]));
    assert_eq!(
        series
            .iter()
            .filter(|labels| labels[0].1 == "get_user")
            .count(),
        17
    );

    let pay = family("pay_requests_total").known_series();
    assert!(pay.contains(&vec![("method", "pay"), ("status", "fraud")]));
    assert!(pay.contains(&vec![("method", "receipt"), ("status", "partial")]));

    // HTTP codes cannot be listed; generics cannot be named in a static.
    assert!(family("web_requests_total").known_series().is_empty());
    assert!(
        !family("generic_requests_total")
            .known_series()
            .iter()
            .any(|labels| labels[0].1 == "get")
    );

    let duration = family("tuned_request_duration_seconds");
    assert_eq!(duration.kind(), vitals::catalogue::MetricKind::Histogram);
    assert_eq!(duration.buckets(), [0.5, 1.0, 2.0]);
    assert_eq!(duration.unit(), Some(vitals::catalogue::Unit::Seconds));
    assert_eq!(family("plain_request_duration_seconds").buckets().len(), 14);
    assert!(
        families
            .iter()
            .all(|family| family.name() != "tuned_requests_in_flight")
    );
    assert!(
        vitals::catalogue().conflicts().is_empty(),
        "{:?}",
        vitals::catalogue().conflicts()
    );
}

/// Looks an order up by id.
///
/// Only the first paragraph becomes the help text.
#[instrument_rpc(prefix = "documented")]
fn find_order() {}

/// Not the help text: `help` wins.
#[instrument_rpc(prefix = "overridden", help = "Orders cancelled.")]
fn cancel_order() {}

struct Orders;

#[instrument_rpc(prefix = "documented_block")]
impl Orders {
    /// Ships an order.
    fn ship(&self) {}
}

#[test]
fn doc_comments_and_help_become_the_families_help() {
    let _ = (find_order, cancel_order, Orders.ship());
    let help = |name: &str| {
        vitals::catalogue()
            .families()
            .into_iter()
            .find(|family| family.name() == name)
            .map(|family| family.help())
            .expect("declared")
    };
    assert_eq!(
        help("documented_requests_total"),
        "Looks an order up by id."
    );
    assert_eq!(
        help("documented_request_duration_seconds"),
        "Looks an order up by id. Duration of calls in seconds, by method."
    );
    assert_eq!(
        help("documented_requests_in_flight"),
        "Looks an order up by id. Calls in progress, by method."
    );
    assert_eq!(help("overridden_requests_total"), "Orders cancelled.");
    assert_eq!(help("documented_block_requests_total"), "Ships an order.");

    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || vitals::catalogue().register_known_series());
    let text = handle.render();
    assert!(
        text.contains("# HELP documented_requests_total Looks an order up by id.\n"),
        "{text}"
    );
    assert!(
        text.contains("# HELP overridden_requests_total Orders cancelled.\n"),
        "{text}"
    );
}

/// A hand-written list that misspells a value.
#[derive(Debug)]
struct Misspelt;

impl ErrorStatus for Misspelt {
    const RESULT_STATUS_VALUES: &'static [&'static str] = &["ok", "unavailabel"];
    fn error_status(&self) -> &'static str {
        "unavailable"
    }
}

#[instrument_rpc(prefix = "misspelt")]
fn misspelt(fail: bool) -> Result<(), Misspelt> {
    if fail { Err(Misspelt) } else { Ok(()) }
}

/// Only `ok` is missing: the check names it.
#[derive(Debug)]
struct WithoutOk;

impl ErrorStatus for WithoutOk {
    const RESULT_STATUS_VALUES: &'static [&'static str] = &["unavailable"];
    fn error_status(&self) -> &'static str {
        "unavailable"
    }
}

#[instrument_rpc(prefix = "without_ok")]
fn without_ok() -> Result<(), WithoutOk> {
    Err(WithoutOk)
}

#[test]
#[cfg_attr(
    debug_assertions,
    should_panic(
        expected = "gave status `unavailable`, which `instrument_rpc::Misspelt::RESULT_STATUS_VALUES` [\"ok\", \"unavailabel\"] leaves out"
    )
)]
fn a_hand_written_status_list_missing_a_value_fails_at_the_call_in_debug_builds() {
    let _ = render(|| {
        let _ = misspelt(true);
    });
}

#[test]
#[cfg_attr(
    debug_assertions,
    should_panic(
        expected = "`instrument_rpc::WithoutOk::RESULT_STATUS_VALUES` is [\"unavailable\"], without its `OK_STATUS` `ok`"
    )
)]
fn a_hand_written_status_list_without_ok_fails_at_the_call_in_debug_builds() {
    let _ = render(|| {
        let _ = without_ok();
    });
}

#[test]
fn registering_known_series_exposes_zeroes_before_any_call() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || vitals::catalogue().register_known_series());
    let text = handle.render();
    assert!(
        samples(&text, "pay_requests_total")
            .contains(&"pay_requests_total{method=\"pay\",status=\"declined\"} 0".to_owned()),
        "{text}"
    );
    assert!(
        text.contains("# HELP pay_requests_total Calls handled, by method and status"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE coordinator_requests_in_flight gauge"),
        "{text}"
    );
}

// ---------------------------------------------------------------- tracing

#[test]
fn trace_runs_the_call_in_a_span_that_records_the_status() {
    #[instrument_rpc(prefix = "traced", method = "Traced", trace)]
    fn traced(fail: bool) -> Result<(), String> {
        assert_eq!(
            support::spans::current_span_name().as_deref(),
            Some("Traced"),
            "the body runs inside the span"
        );
        if fail { Err("no".into()) } else { Ok(()) }
    }

    let spans = support::spans::record(|| {
        traced(false).unwrap();
        traced(true).unwrap_err();
    });
    assert_eq!(
        spans,
        [
            ("Traced".to_owned(), "ok".to_owned()),
            ("Traced".to_owned(), "error".to_owned())
        ]
    );
}

// ---------------------------------------------------------------- trait default methods

trait Pinger {
    #[instrument_rpc(prefix = "default_method", method = "Ping")]
    fn ping(&self, fail: bool) -> Result<(), String> {
        if fail {
            Err("unreachable".into())
        } else {
            Ok(())
        }
    }
}

struct PingerA;
struct PingerB;
impl Pinger for PingerA {}
impl Pinger for PingerB {}

#[test]
fn a_trait_default_method_is_one_site_for_every_implementor() {
    let text = render(|| {
        PingerA.ping(false).unwrap();
        PingerB.ping(false).unwrap();
        PingerB.ping(true).unwrap_err();
    });
    assert_eq!(
        samples(&text, "default_method_requests_total"),
        [
            "default_method_requests_total{method=\"Ping\",status=\"error\"} 1",
            "default_method_requests_total{method=\"Ping\",status=\"ok\"} 2",
        ]
    );
}
