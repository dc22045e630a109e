//! One request in progress: counted exactly once, however it ends.

use std::sync::Arc;

use bytes::Buf;
use http_body::Frame;
use metrics::Gauge;

use super::config::Config;
use super::handles::{Labels, RouteMethodHandles};
use crate::exporter_routes::ServedByExporter;
use crate::middleware::plumbing::{self, CallEnd, ServiceErrorEnd};

/// Status of a request whose response future or body was dropped before the
/// end of the body: the client went away. 499 is nginx's "client closed
/// request", the value access logs and dashboards already use.
pub const CLIENT_CLOSED_STATUS: &str = "499";

/// Status of a request the server could not answer: its handler panicked
/// while this layer was polling it (what a catch-panic layer answers), or
/// the service returned an error instead of a response (which the server
/// turns into a failed response).
pub const SERVER_ERROR_STATUS: &str = "500";

enum Handles {
    Cached(Arc<RouteMethodHandles>),
    /// Resolved through the current recorder when the request ends; the
    /// gauge is kept so it returns exactly to where it was.
    Direct {
        config: &'static Config,
        labels: Labels,
        active: Gauge,
    },
    /// On an exporter's route: nothing registered until the response head
    /// says whose answer it is; then uncounted, or [`Handles::Direct`].
    Deferred {
        config: &'static Config,
        labels: Labels,
    },
}

/// Counts one request when it ends. Lives in the response future, then in
/// the response body.
pub struct RequestGuard {
    handles: Option<Handles>,
    start: quanta::Instant,
    request_bytes: Option<u64>,
    /// The response body's bytes so far.
    response_bytes: u64,
    /// The status label, from the response head once it is there.
    status: &'static str,
    /// Whether an answer an exporter marked goes uncounted.
    skip_exporter_answers: bool,
    /// Set while the inner future or body is polled: still set at drop
    /// means a poll panicked and something (a catch-panic layer) caught it.
    polling: bool,
}

impl RequestGuard {
    pub(super) fn cached(
        config: &'static Config,
        handles: Arc<RouteMethodHandles>,
        request_bytes: Option<u64>,
    ) -> Self {
        handles.active.increment(1.0);
        Self::start(config, Handles::Cached(handles), request_bytes)
    }

    pub(super) fn direct(
        config: &'static Config,
        labels: Labels,
        request_bytes: Option<u64>,
    ) -> Self {
        let active = labels.active_gauge(config);
        active.increment(1.0);
        let handles = Handles::Direct {
            config,
            labels,
            active,
        };
        Self::start(config, handles, request_bytes)
    }

    /// A request on an exporter's route; see [`Handles::Deferred`].
    pub(super) fn deferred(
        config: &'static Config,
        labels: Labels,
        request_bytes: Option<u64>,
    ) -> Self {
        Self::start(config, Handles::Deferred { config, labels }, request_bytes)
    }

    fn start(config: &'static Config, handles: Handles, request_bytes: Option<u64>) -> Self {
        Self {
            handles: Some(handles),
            start: quanta::Instant::now(),
            request_bytes,
            response_bytes: 0,
            status: SERVER_ERROR_STATUS,
            skip_exporter_answers: config.exclude_exporter_routes,
            polling: false,
        }
    }

    /// Takes the request off the active gauge without counting it: an
    /// exporter answered it.
    fn abandon(&mut self) {
        match self.handles.take() {
            Some(Handles::Cached(handles)) => handles.active.decrement(1.0),
            Some(Handles::Direct { active, .. }) => active.decrement(1.0),
            Some(Handles::Deferred { .. }) | None => {}
        }
    }

    /// Counts the request under `status` and takes it off the active gauge.
    fn finish(&mut self, status: &'static str) {
        let Some(handles) = self.handles.take() else {
            return;
        };
        let seconds = self.start.elapsed().as_secs_f64();
        let request_bytes = self.request_bytes;
        let response_bytes = self.response_bytes;
        match handles {
            Handles::Cached(handles) => {
                handles.record(status, seconds, request_bytes, response_bytes);
                handles.active.decrement(1.0);
            }
            Handles::Direct {
                config,
                labels,
                active,
            } => {
                let handles = labels.status_handles(config, status);
                handles.record(seconds, request_bytes, response_bytes);
                active.decrement(1.0);
            }
            // Ended before its head (the client left, the handler failed):
            // counted, without ever having been on the in-flight gauge.
            Handles::Deferred { config, labels } => {
                let handles = labels.status_handles(config, status);
                handles.record(seconds, request_bytes, response_bytes);
            }
        }
    }

    /// An application's own answer on an exporter's route: it enters the
    /// in-flight gauge now, at its head, and is counted as any request.
    fn resolve_deferred(&mut self) {
        if let Some(Handles::Deferred { config, labels }) = &self.handles {
            let active = labels.active_gauge(config);
            active.increment(1.0);
            self.handles = Some(Handles::Direct {
                config,
                labels: labels.clone(),
                active,
            });
        }
    }
}

impl<E> ServiceErrorEnd<E> for RequestGuard {
    fn on_service_error(&mut self, _error: &E) {
        // The server turns a service error into a failed response.
        self.finish(SERVER_ERROR_STATUS);
    }
}

impl<D: Buf> CallEnd<D> for RequestGuard {
    fn set_polling(&mut self, polling: bool) {
        self.polling = polling;
    }

    fn on_response<B>(&mut self, response: &http::Response<B>) {
        if self.skip_exporter_answers && response.extensions().get::<ServedByExporter>().is_some() {
            self.abandon();
        } else {
            self.resolve_deferred();
        }
        self.status = crate::status::http_status_label(response.status());
    }

    fn on_frame(&mut self, frame: &Frame<D>) {
        if let Some(data) = frame.data_ref() {
            self.response_bytes += data.remaining() as u64;
        }
    }

    fn on_body_end(&mut self) {
        self.finish(self.status);
    }

    fn on_body_error(&mut self) {
        self.finish(CLIENT_CLOSED_STATUS);
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        // Reached unfinished only when the response future or body was
        // dropped (client gone, timeout) or a poll of it panicked: unwinding
        // through it, or caught by `catch_unwind` and dropped afterwards.
        let panicked = plumbing::ended_by_panic(self.polling);
        let status = if panicked {
            SERVER_ERROR_STATUS
        } else {
            CLIENT_CLOSED_STATUS
        };
        // An answer cut off is counted with no response size, as before the
        // body started.
        self.response_bytes = 0;
        self.finish(status);
    }
}
