//! Attribute macros of [vitals](https://docs.rs/vitals). Depend on `vitals`,
//! not on this crate: `vitals` re-exports every macro and provides the
//! runtime the generated code calls.
//!
//! Each macro runs the same pipeline: parse the arguments (`*/args.rs`),
//! check them against the Prometheus naming rules shared in `names.rs`, then
//! expand. Errors are collected, not returned one by one, and a failed
//! expansion still emits the original item, so one mistake gives one error.

mod attr;
mod ctxt;
mod fallback;
mod metric_enum;
mod metric_group;
mod names;
mod parse;
mod rpc;
mod symbol;

use proc_macro::TokenStream;

/// Records a request counter, a duration histogram and an in-flight gauge
/// for every call of a fn, a method, or every method of an `impl` block.
///
/// ```
/// use vitals::instrument_rpc;
///
/// #[derive(Debug)]
/// struct Unavailable;
///
/// #[instrument_rpc(prefix = "coordinator", method = "JobRequest")]
/// async fn job_request(payload: Vec<u8>) -> Result<u64, Unavailable> {
///     if payload.is_empty() { Err(Unavailable) } else { Ok(7) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let recorded = vitals::testing::capture_async(async {
///     job_request(vec![1]).await.unwrap();
///     job_request(vec![]).await.unwrap_err();
/// }).await;
/// let ok = [("method", "JobRequest"), ("status", "ok")];
/// let error = [("method", "JobRequest"), ("status", "error")];
/// assert_eq!(recorded.counter("coordinator_requests_total", &ok), Some(1));
/// assert_eq!(recorded.counter("coordinator_requests_total", &error), Some(1));
/// assert_eq!(recorded.histogram_count("coordinator_request_duration_seconds", &[("method", "JobRequest")]), Some(2));
/// assert_eq!(recorded.gauge("coordinator_requests_in_flight", &[("method", "JobRequest")]), Some(0.0));
/// # }
/// ```
///
/// # What each call records
///
/// | series | type | labels |
/// |---|---|---|
/// | `{prefix}_requests_total` | counter, counted when the call ends | `method`, static labels, `status` |
/// | `{prefix}_request_duration_seconds` | histogram | `method`, static labels |
/// | `{prefix}_requests_in_flight` | gauge | `method`, static labels |
///
/// - `prefix` defaults to the name of the package being compiled, with `-`
///   replaced by `_` (`my-service` gives `my_service_requests_total`).
/// - `method` defaults to the fn's name.
/// - `status` comes from the returned value: see [`vitals::status`]. In short,
///   `Result<_, tonic::Status>` gives `OK`, `NotFound`, ...; `http::StatusCode`
///   and `http::Response` give `200`, `404`, ...; any other `Result` gives `ok`
///   or `error`; anything else gives `ok`. A call that panics is counted as
///   `panicked` (the panic goes on unwinding), and an `async` call whose
///   future is dropped before it completes is counted as `cancelled`. Either
///   way the duration is observed and the in-flight gauge returns to where it
///   was.
/// - The duration buckets default to
///   `[0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]`
///   seconds (OpenTelemetry's advice).
/// - An `async fn` is measured from its first poll to its completion.
/// - The first paragraph of the fn's doc comment (a method's own, in an
///   instrumented `impl` block) is the `# HELP` of the request counter; the
///   duration histogram and in-flight gauge get it followed by what they
///   measure. `help = ".."` overrides it; with neither, each family says
///   what it counts. The families are shared by every fn of one prefix, so
///   the help of the first declaration in the catalogue is the one shown.
///
/// ```
/// /// Looks an order up by id.
/// #[vitals::instrument_rpc(prefix = "orders")]
/// fn find_order(id: u64) -> Option<u64> { Some(id) }
///
/// let help = |name: &str| vitals::catalogue().families().into_iter()
///     .find(|family| family.name() == name).map(|family| family.help());
/// assert_eq!(help("orders_requests_total"), Some("Looks an order up by id."));
/// assert_eq!(
///     help("orders_request_duration_seconds"),
///     Some("Looks an order up by id. Duration of calls in seconds, by method."),
/// );
/// # let _ = find_order(1);
/// ```
///
/// # Arguments
///
/// | argument | on | meaning |
/// |---|---|---|
/// | `prefix = "name"` | fn, impl | metric name prefix; a valid metric name |
/// | `method = "Name"` | fn, method | the `method` label value |
/// | `help = "..."` | fn, method, impl | the `# HELP` text; defaults to the doc comment's first paragraph |
/// | `rename_all = "PascalCase"` | impl | derive `method` from fn names: `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `lowercase`, `UPPERCASE` |
/// | `buckets = [0.1, 1, 10]` | fn, impl | duration bucket bounds: finite, increasing |
/// | `labels(key = "value", ...)` | fn, impl | constant labels on every series |
/// | `in_flight = false` | fn, impl | no in-flight gauge |
/// | `trace` | fn, impl | run the call in a `tracing` span named after the method, with a `status` field |
/// | `crate = path` | fn, impl | where `vitals` is, when it is re-exported under another name |
/// | `skip` | method in an instrumented impl | leave this method alone |
///
/// Arguments on a method inside an instrumented `impl` block override the
/// block's.
///
/// Every name is checked at compile time against the Prometheus rules:
/// prefixes and label names must be `[a-zA-Z_][a-zA-Z0-9_]*`, must not start
/// with `_`, and `le` and `quantile` are reserved.
///
/// ```compile_fail
/// #[vitals::instrument_rpc(labels(le = "0.5"))] // label `le` is reserved for histogram bucket bounds
/// fn handler() {}
/// ```
///
/// # Impl blocks, traits and `async_trait`
///
/// ```
/// use vitals::instrument_rpc;
///
/// struct Coordinator;
///
/// #[instrument_rpc(prefix = "coordinator", rename_all = "PascalCase")]
/// impl Coordinator {
///     fn job_request(&self) -> Result<(), String> { Ok(()) }       // method="JobRequest"
///     #[instrument_rpc(method = "Status")]
///     fn status_query(&self) {}                                     // method="Status"
///     #[instrument_rpc(skip)]
///     fn helper(&self) {}                                           // not instrumented
/// }
///
/// let recorded = vitals::testing::capture(|| {
///     let coordinator = Coordinator;
///     coordinator.job_request().unwrap();
///     coordinator.status_query();
///     coordinator.helper();
/// });
/// assert_eq!(recorded.counter("coordinator_requests_total", &[("method", "JobRequest"), ("status", "ok")]), Some(1));
/// assert_eq!(recorded.counter("coordinator_requests_total", &[("method", "Status"), ("status", "ok")]), Some(1));
/// assert_eq!(recorded.series_of("coordinator_requests_total").count(), 2);
/// ```
///
/// On a trait impl made with `#[async_trait]` (or `#[tonic::async_trait]`),
/// the attributes may come in either order.
///
/// # Cost
///
/// The first call of a site resolves its handles; after that, under the
/// global recorder, a call allocates nothing, hashes nothing and takes no
/// lock. Under any other recorder (a test's local recorder) handles are
/// resolved on every call, which is slower but always records into the
/// recorder that is current. See `BENCHMARKS.md` for figures.
///
/// [`vitals::status`]: ../vitals/status/index.html
#[proc_macro_attribute]
pub fn instrument_rpc(args: TokenStream, item: TokenStream) -> TokenStream {
    rpc::instrument_rpc(args.into(), item.into()).into()
}

/// Makes an enum a fixed set of label values, an error status and, with
/// `state = "..."`, a state gauge.
///
/// ```
/// use vitals::{MetricEnum, metric_enum};
///
/// #[metric_enum]
/// #[derive(Clone, Copy, Debug)]
/// enum Outcome {
///     Completed,
///     Failed,
///     #[metric(rename = "canceled")]
///     Cancelled,
/// }
///
/// assert_eq!(Outcome::LABEL_VALUES, ["completed", "failed", "canceled"]);
/// assert_eq!(Outcome::Cancelled.label_value(), "canceled");
/// assert_eq!(Outcome::Failed.index(), 1);
/// ```
///
/// The enum gets:
///
/// - [`vitals::MetricEnum`]: `LABEL_VALUES`, every label value in variant
///   order (snake_case by default), and `index()` / `label_value()`, a
///   `match` compiled to a table lookup. `#[metric_group]` labels and
///   pre-creates series with it.
/// - [`vitals::ErrorStatus`]: a `Result<_, Outcome>` returned by an
///   `#[instrument_rpc]` fn gets the status `ok` or the label value of its
///   `Err` variant, and every one of those statuses exists from start-up.
///
/// ```
/// use vitals::{instrument_rpc, metric_enum};
///
/// #[metric_enum]
/// #[derive(Debug)]
/// enum ManifestError { NotSet, BadSignature }
///
/// #[instrument_rpc(prefix = "coordinator")]
/// fn set_manifest(signed: bool) -> Result<(), ManifestError> {
///     if signed { Ok(()) } else { Err(ManifestError::BadSignature) }
/// }
///
/// let recorded = vitals::testing::capture(|| { let _ = set_manifest(false); });
/// let labels = [("method", "set_manifest"), ("status", "bad_signature")];
/// assert_eq!(recorded.counter("coordinator_requests_total", &labels), Some(1));
/// ```
///
/// Variants may hold data, as error enums do: the label is the variant,
/// never what it holds, so the set of values stays fixed and nobody writes
/// the status list by hand. (A state gauge, below, needs fieldless
/// variants: it builds each state back from its index.)
///
/// ```
/// use vitals::{ErrorStatus, metric_enum};
///
/// #[metric_enum]
/// #[derive(Debug)]
/// enum StoreError {
///     NotFound(u64),
///     Conflict { id: u64, version: u32 },
///     Unavailable,
/// }
///
/// assert_eq!(StoreError::RESULT_STATUS_VALUES, ["ok", "not_found", "conflict", "unavailable"]);
/// assert_eq!(StoreError::Conflict { id: 7, version: 2 }.error_status(), "conflict");
/// ```
///
/// # State gauges
///
/// With `state = "name"` the enum also implements [`vitals::StateMetric`]:
/// `variant.set_current()` records which state the program is in.
///
/// - `encoding = "stateset"` (the default), as OpenMetrics' StateSet: one
///   gauge series per variant, labelled with the metric's own name, 1 for
///   the current variant and 0 for the others.
/// - `encoding = "value"`: one series holding the variant's discriminant
///   (give explicit discriminants, as below, for codes such as 1, 2, 3).
///
/// Either way every series is in the [catalogue], so it is exposed at 0
/// before the first `set_current()`. The help text is `help = "..."` or the
/// enum's doc comment.
///
/// ```
/// use vitals::{StateMetric, metric_enum};
///
/// /// The coordinator's lifecycle phase.
/// #[metric_enum(state = "coordinator_phase", labels(component = "coordinator"))]
/// enum Phase { Recovery, AwaitingManifest, AcceptingMarbles }
///
/// /// The coordinator's state code.
/// #[metric_enum(state = "coordinator_state", encoding = "value")]
/// enum State { Recovery = 1, AwaitingManifest = 2, AcceptingMarbles = 3 }
///
/// let recorded = vitals::testing::capture(|| {
///     Phase::AwaitingManifest.set_current();
///     State::AwaitingManifest.set_current();
/// });
/// let phase = |value| [("component", "coordinator"), ("coordinator_phase", value)];
/// assert_eq!(recorded.gauge("coordinator_phase", &phase("awaiting_manifest")), Some(1.0));
/// assert_eq!(recorded.gauge("coordinator_phase", &phase("recovery")), Some(0.0));
/// assert_eq!(recorded.gauge("coordinator_state", &[]), Some(2.0));
/// ```
///
/// # Arguments
///
/// | argument | meaning |
/// |---|---|
/// | `rename_all = "kebab-case"` | derive label values from variant names: `PascalCase`, `camelCase`, `snake_case` (default), `SCREAMING_SNAKE_CASE`, `kebab-case`, `lowercase`, `UPPERCASE` |
/// | `state = "name"` | also a state gauge of this metric name |
/// | `help = "..."` | the state gauge's help text; defaults to the doc comment |
/// | `encoding = "stateset"` or `"value"` | how the state gauge is exposed |
/// | `labels(key = "value", ...)` | constant identity labels on the state gauge |
/// | `health` | with `state`: also implement `vitals::health::HealthState` (the enum must be `Copy`) |
/// | `crate = path` | where `vitals` is, when it is re-exported under another name |
/// | `#[metric(rename = "value")]` on a variant | that variant's label value |
/// | `#[metric(meaning = "...")]` on a variant | with `health`: its meaning in `/status`; defaults to the variant's doc comment |
/// | `#[metric(not_ready)]` on a variant | with `health`: readiness fails in this state |
///
/// # Health
///
/// With `health`, the state enum is also what readiness and `/status`
/// follow: register `vitals::health::StateOf::<YourEnum>::new()` with the
/// health registry, and `variant.set_current()` moves the gauge, readiness
/// and `/status` at once. The code is the discriminant, the name the label
/// value, the meaning the variant's doc comment.
///
/// ```
/// use vitals::health::{HealthRegistry, Probe, StateOf};
/// use vitals::{StateMetric, metric_enum};
///
/// /// Where the replica is.
/// #[metric_enum(state = "replica_status", encoding = "value", health)]
/// #[derive(Clone, Copy, Debug)]
/// enum ReplicaStatus {
///     /// Replaying the log after a restart.
///     #[metric(not_ready)]
///     Recovering = 1,
///     /// Serving reads and writes.
///     Normal = 2,
/// }
///
/// let registry = HealthRegistry::new();
/// registry.add_state("replica_status", StateOf::<ReplicaStatus>::new());
/// ReplicaStatus::Recovering.set_current();
/// assert!(!registry.report_blocking(Probe::Readiness).is_ok());
/// ReplicaStatus::Normal.set_current();
/// assert!(registry.report_blocking(Probe::Readiness).is_ok());
/// ```
///
/// Checked at compile time: the enum has variants, no fields and no generics;
/// label values are non-empty and distinct; the state name is a valid metric
/// name (and, for a StateSet, a valid label name); labels follow the
/// Prometheus rules.
///
/// ```compile_fail
/// #[vitals::metric_enum] // variants `Done` and `Completed` have the same label value `done`
/// enum Outcome { Done, #[metric(rename = "done")] Completed }
/// ```
///
/// [`vitals::MetricEnum`]: ../vitals/trait.MetricEnum.html
/// [`vitals::ErrorStatus`]: ../vitals/trait.ErrorStatus.html
/// [`vitals::StateMetric`]: ../vitals/trait.StateMetric.html
/// [catalogue]: ../vitals/catalogue/index.html
#[proc_macro_attribute]
pub fn metric_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    metric_enum::metric_enum(args.into(), item.into()).into()
}

/// Declares an application's own metrics as the fields of a struct: typed
/// counters, gauges and histograms whose names and labels the compiler
/// checks.
///
/// ```
/// use vitals::{metric_enum, metric_group};
///
/// #[metric_enum]
/// #[derive(Clone, Copy)]
/// enum JobKind { Prove, Execute }
///
/// #[metric_enum]
/// #[derive(Clone, Copy)]
/// enum Outcome { Completed, Failed, Cancelled }
///
/// #[metric_group(prefix = "coordinator")]
/// pub struct CoordinatorMetrics {
///     /// Jobs that reached a terminal state, by kind and outcome.
///     #[metric(labels(kind: JobKind, outcome: Outcome))]
///     jobs_total: Counter,
///     /// Workers with an open stream to the coordinator.
///     workers_connected: Gauge,
///     /// End-to-end job latency.
///     #[metric(labels(outcome: Outcome), buckets = [1, 2, 5, 10, 20, 60, 300])]
///     job_duration_seconds: Histogram,
///     /// Jobs per worker, by outcome.
///     #[metric(labels(worker_id: &str, outcome: Outcome), limit = 500)]
///     worker_jobs_total: Counter,
/// }
///
/// static METRICS: CoordinatorMetrics = CoordinatorMetrics::new();
///
/// let recorded = vitals::testing::capture(|| {
///     METRICS.jobs_total(JobKind::Prove, Outcome::Completed).increment(1);
///     METRICS.workers_connected().set(4.0);
///     METRICS.job_duration_seconds(Outcome::Completed).record(12.5);
///     METRICS.worker_jobs_total("worker-7", Outcome::Failed).increment(1);
/// });
/// assert_eq!(recorded.counter("coordinator_jobs_total", &[("kind", "prove"), ("outcome", "completed")]), Some(1));
/// assert_eq!(recorded.gauge("coordinator_workers_connected", &[]), Some(4.0));
/// assert_eq!(recorded.histogram_count("coordinator_job_duration_seconds", &[("outcome", "completed")]), Some(1));
/// assert_eq!(recorded.counter("coordinator_worker_jobs_total", &[("worker_id", "worker-7"), ("outcome", "failed")]), Some(1));
/// ```
///
/// # What it generates
///
/// - Each field becomes a private metric family, and a method of the same
///   name (with the struct's visibility) taking one argument per label, in
///   order, and returning the series' `metrics` handle: `Counter`
///   (`increment`, `absolute`), `Gauge` (`set`, `increment`, `decrement`) or
///   `Histogram` (`record`). A misspelt metric or a label of the wrong type
///   does not compile.
/// - `const fn new()` and `Default`: a group lives in a `static`, so it need
///   not be passed around. Every instance records into the same series.
/// - One [catalogue] entry per field: name, type, help (the first paragraph
///   of the field's doc comment), unit, buckets and, for enum labels, every
///   label value, so exporters pre-create every enum series at 0.
///
/// # Fields
///
/// The field type is `Counter`, `Gauge` or `Histogram` (the names are read
/// by the macro, nothing needs to be imported). The metric name is
/// `{prefix}_{field}`, or the field name without `prefix`. `#[metric(...)]`
/// takes:
///
/// | argument | meaning |
/// |---|---|
/// | `labels(name: Type, ...)` | labels in series order: a `#[metric_enum]` type, or `&str` for a bounded string |
/// | `limit = 100` | distinct values kept per `&str` label (default 100); later values become `__overflow__`, counted in `vitals_label_overflow_total{metric}` (see [`vitals::bounded`]) |
/// | `unit = "bytes"` | `seconds`, `bytes`, ...: must be a suffix of the name; inferred from a `_seconds` or `_bytes` suffix |
/// | `buckets = [1, 5, 60]` | histogram bucket bounds; default: the OpenTelemetry duration buckets |
///
/// `#[metric_group]` itself takes `prefix = "name"` and `crate = path`.
///
/// # Checked at compile time
///
/// Metric names after prefixing and label names follow the Prometheus rules
/// (no `le`, `quantile` or leading `_` label, no duplicate label); a counter
/// ends in `_total`; a histogram whose name says `duration` or `latency`
/// ends in `_seconds`; a unit is a suffix of the name; buckets are finite and
/// increasing, and only on histograms; each field has a doc comment.
///
/// ```compile_fail
/// #[vitals::metric_group(prefix = "coordinator")]
/// struct Metrics {
///     /// Jobs.
///     jobs: Counter, // counter `coordinator_jobs` must end in `_total`
/// }
/// ```
///
/// # Cost
///
/// Under the global recorder, after the first record of a series, recording
/// a series labelled only by enums allocates nothing, hashes nothing and
/// takes no lock: handles sit in an array indexed by the labels'
/// `MetricEnum::index()`. A `&str` label costs two hash look-ups under read
/// locks, and no allocation once its value has been seen. Under
/// any other recorder (a test's local recorder) handles are resolved on
/// every record, so they always reach the recorder that is current.
///
/// [catalogue]: ../vitals/catalogue/index.html
/// [`vitals::bounded`]: ../vitals/bounded/index.html
#[proc_macro_attribute]
pub fn metric_group(args: TokenStream, item: TokenStream) -> TokenStream {
    metric_group::metric_group(args.into(), item.into()).into()
}
