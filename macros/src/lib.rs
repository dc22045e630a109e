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
mod metric_enum;
mod metric_group;
mod names;
mod rpc;
mod symbol;

use proc_macro::TokenStream;
use quote::ToTokens;

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
///
/// # Arguments
///
/// | argument | on | meaning |
/// |---|---|---|
/// | `prefix = "name"` | fn, impl | metric name prefix; a valid metric name |
/// | `method = "Name"` | fn, method | the `method` label value |
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

/// METRIC_ENUM_DOCS
#[proc_macro_attribute]
pub fn metric_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    metric_enum::metric_enum(args.into(), item.into()).into()
}

/// METRIC_GROUP_DOCS
#[proc_macro_attribute]
pub fn metric_group(args: TokenStream, item: TokenStream) -> TokenStream {
    metric_group::metric_group(args.into(), item.into()).into()
}

/// The tokens an item error points at: its name where it has one.
pub(crate) fn item_head(item: &syn::Item) -> proc_macro2::TokenStream {
    match item {
        syn::Item::Struct(item) => item.ident.to_token_stream(),
        syn::Item::Enum(item) => item.ident.to_token_stream(),
        syn::Item::Union(item) => item.ident.to_token_stream(),
        syn::Item::Const(item) => item.ident.to_token_stream(),
        syn::Item::Static(item) => item.ident.to_token_stream(),
        syn::Item::Type(item) => item.ident.to_token_stream(),
        syn::Item::Mod(item) => item.ident.to_token_stream(),
        syn::Item::Fn(item) => item.sig.ident.to_token_stream(),
        syn::Item::Trait(item) => item.ident.to_token_stream(),
        syn::Item::Use(item) => item.use_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}
