//! Scrape self-metrics with client_golang's names and help (RFC 002), so
//! dashboards and alerts written for `promhttp` work unchanged:
//!
//! - `promhttp_metric_handler_requests_total{code}`: every answer of
//!   `/metrics` by status code, refusals (401, 406, ...) included;
//! - `promhttp_metric_handler_requests_in_flight`: scrapes being served,
//!   the one reading it included.
//!
//! The counting wraps `/metrics` outside the token guard, so a refused
//! scrape is counted like a served one.

use std::sync::{Arc, PoisonError, RwLock};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;
use metrics::{Counter, Gauge, Key, KeyName, Label, Level, Metadata, SharedString, Unit};

use crate::store::MetricsStore;

const REQUESTS: &str = "promhttp_metric_handler_requests_total";
const IN_FLIGHT: &str = "promhttp_metric_handler_requests_in_flight";
/// The codes client_golang exports at zero before the first scrape.
const INITIAL_CODES: [StatusCode; 3] = [
    StatusCode::OK,
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::SERVICE_UNAVAILABLE,
];

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The handles of both metrics, in one store.
pub(crate) struct ScrapeMetrics {
    store: Arc<dyn MetricsStore>,
    in_flight: Gauge,
    /// One counter per status code seen; at most the 900 codes HTTP has.
    requests: RwLock<Vec<(StatusCode, Counter)>>,
}

impl ScrapeMetrics {
    /// Describes both metrics in `store` and exports the initial codes at zero.
    pub(crate) fn new(store: Arc<dyn MetricsStore>) -> Self {
        let recorder = store.recorder();
        recorder.describe_counter(
            KeyName::from_const_str(REQUESTS),
            Some(Unit::Count),
            SharedString::const_str("Total number of scrapes by HTTP status code."),
        );
        recorder.describe_gauge(
            KeyName::from_const_str(IN_FLIGHT),
            None,
            SharedString::const_str("Current number of scrapes being served."),
        );
        let in_flight = recorder.register_gauge(&Key::from_static_name(IN_FLIGHT), &METADATA);
        in_flight.set(0.0);
        let scrape_metrics = Self {
            store,
            in_flight,
            requests: RwLock::new(Vec::new()),
        };
        for code in INITIAL_CODES {
            scrape_metrics.counter(code).absolute(0);
        }
        scrape_metrics
    }

    /// The counter of answers with `code`, registered on first use.
    fn counter(&self, code: StatusCode) -> Counter {
        let known = |requests: &[(StatusCode, Counter)]| {
            requests
                .iter()
                .find(|(known, _)| *known == code)
                .map(|(_, counter)| counter.clone())
        };
        if let Some(counter) = known(&self.requests.read().unwrap_or_else(PoisonError::into_inner))
        {
            return counter;
        }
        let mut requests = self
            .requests
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(counter) = known(&requests) {
            return counter;
        }
        let key = Key::from_parts(REQUESTS, vec![Label::new("code", code.as_str().to_owned())]);
        let counter = self.store.recorder().register_counter(&key, &METADATA);
        requests.push((code, counter.clone()));
        counter
    }
}

/// Leaves the in-flight gauge when the scrape ends, answered or dropped.
struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// Middleware around `/metrics`: in flight while served, counted by the
/// answer's status code.
pub(crate) async fn count_scrapes(
    State(scrape_metrics): State<Arc<ScrapeMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    scrape_metrics.in_flight.increment(1.0);
    let _in_flight = InFlight(&scrape_metrics.in_flight);
    let response = next.run(request).await;
    scrape_metrics.counter(response.status()).increment(1);
    response
}
