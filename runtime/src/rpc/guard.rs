//! Entering a site and the per-call guard: a call is counted exactly once, however it ends.

use metrics::Gauge;

use super::site::{RpcSite, STATUSES_PER_SITE, SiteHandles};
use crate::per_recorder::Cached;
use crate::status::{CANCELLED, PANICKED};
use crate::table::Table;

impl RpcSite {
    /// Starts a call: adds one to the in-flight gauge and starts the clock.
    pub fn enter(&'static self) -> CallGuard {
        self.enter_with_span(None)
    }

    /// Like [`enter`](Self::enter), and records the call's status on `span`
    /// when it ends.
    pub fn enter_with_span(&'static self, span: Option<tracing::Span>) -> CallGuard {
        let handles = self.cache.with(
            |recorder| SiteHandles {
                duration: self.register_duration(recorder),
                in_flight: self.in_flight.map(|_| self.register_in_flight(recorder)),
                statuses: Table::new(STATUSES_PER_SITE),
            },
            |recorder, cached| match cached {
                Some(cached) => Handles::Cached(cached),
                None => Handles::Direct {
                    in_flight: self.in_flight.map(|_| self.register_in_flight(recorder)),
                },
            },
        );
        CallGuard::start(self, handles, span)
    }
}

/// Where a call's handles come from.
enum Handles {
    /// Cached handles of the ambient recorder.
    Cached(Cached<'static, SiteHandles>),
    /// Another recorder (a local one): resolved per call, through whatever
    /// recorder is current when the call ends. The gauge is kept from the
    /// start so it returns to exactly where it was.
    Direct { in_flight: Option<Gauge> },
}

/// One call in progress. Created by [`RpcSite::enter`]; the call is counted
/// when it is [finished](CallGuard::finish) or, failing that, dropped.
#[must_use = "a call is counted when its guard is finished or dropped"]
pub struct CallGuard {
    site: &'static RpcSite,
    handles: Option<Handles>,
    start: quanta::Instant,
    span: Option<tracing::Span>,
}

impl CallGuard {
    fn start(site: &'static RpcSite, handles: Handles, span: Option<tracing::Span>) -> CallGuard {
        let in_flight = match &handles {
            Handles::Cached(handles) => handles.value().in_flight.as_ref(),
            Handles::Direct { in_flight } => in_flight.as_ref(),
        };
        if let Some(gauge) = in_flight {
            gauge.increment(1.0);
        }
        CallGuard {
            site,
            handles: Some(handles),
            start: quanta::Instant::now(),
            span,
        }
    }

    /// Ends the call with `status`: counts it, observes its duration and
    /// takes it off the in-flight gauge.
    pub fn finish(mut self, status: &'static str) {
        self.record(status);
    }

    fn record(&mut self, status: &'static str) {
        let Some(handles) = self.handles.take() else {
            return;
        };
        let seconds = self.start.elapsed().as_secs_f64();
        let site = self.site;
        match handles {
            Handles::Cached(handles) => {
                match site.cached_requests(handles, status) {
                    Some(counter) => counter.increment(1),
                    None => metrics::with_recorder(|recorder| {
                        site.register_requests(recorder, status).increment(1)
                    }),
                }
                handles.duration.record(seconds);
                if let Some(gauge) = &handles.in_flight {
                    gauge.decrement(1.0);
                }
            }
            Handles::Direct { in_flight } => {
                metrics::with_recorder(|recorder| {
                    site.register_requests(recorder, status).increment(1);
                    site.register_duration(recorder).record(seconds);
                });
                if let Some(gauge) = in_flight {
                    gauge.decrement(1.0);
                }
            }
        }
        if let Some(span) = &self.span {
            span.record("status", status);
        }
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        // Reached with handles still present only when `finish` never ran:
        // the body is unwinding, or its future was dropped mid-flight.
        let status = if std::thread::panicking() {
            PANICKED
        } else {
            CANCELLED
        };
        self.record(status);
    }
}
