//! One client request in progress: counted exactly once, however it ends.

use std::sync::Arc;

use http_body::Frame;

use super::errors::error_type;
use super::handles::Target;
use crate::middleware::plumbing::{CallEnd, ServiceErrorEnd};
use crate::status::http_status_label;

/// The `error_type` of a request dropped before its response arrived.
const CANCELLED: &str = "cancelled";
/// The `error_type` of a response whose body failed.
const BODY_ERROR: &str = "body_error";

/// Counts one request when it ends: at the end of the response body, when
/// the body fails, when the client returns an error, or when the caller
/// drops the request or the body. Lives in the response future, then in
/// the response body.
pub struct ClientRequestGuard {
    /// `None` once the request is counted.
    target: Option<Arc<Target>>,
    method: usize,
    start: quanta::Instant,
    /// The response's status code, once the head has arrived.
    status: Option<http::StatusCode>,
}

impl ClientRequestGuard {
    pub(super) fn start(target: Arc<Target>, method: usize) -> Self {
        Self {
            target: Some(target),
            method,
            start: quanta::Instant::now(),
            status: None,
        }
    }

    /// Counts the request with its status and `error`.
    fn finish(&mut self, error: Option<&'static str>) {
        if let Some(target) = self.target.take() {
            let status = self.status.map_or("", http_status_label);
            // OpenTelemetry: a 4xx or 5xx answer is an error named by its code.
            let error = error
                .or_else(|| {
                    self.status
                        .filter(|status| status.is_client_error() || status.is_server_error())
                        .map(|_| status)
                })
                .unwrap_or("");
            target.record(
                self.method,
                status,
                error,
                self.start.elapsed().as_secs_f64(),
            );
        }
    }
}

impl ClientRequestGuard {
    /// Counts a request that got no response, with its `error_type`.
    #[cfg(feature = "reqwest-middleware")]
    pub(super) fn fail(mut self, error_type: &'static str) {
        self.finish(Some(error_type));
    }
}

impl<E: 'static> ServiceErrorEnd<E> for ClientRequestGuard {
    fn on_service_error(&mut self, error: &E) {
        self.finish(Some(error_type(error)));
    }
}

impl<D> CallEnd<D> for ClientRequestGuard {
    fn set_polling(&mut self, _polling: bool) {}

    fn on_response<B>(&mut self, response: &http::Response<B>) {
        self.status = Some(response.status());
    }

    fn on_frame(&mut self, _frame: &Frame<D>) {}

    fn on_body_end(&mut self) {
        self.finish(None);
    }

    fn on_body_error(&mut self) {
        self.finish(Some(BODY_ERROR));
    }
}

impl Drop for ClientRequestGuard {
    fn drop(&mut self) {
        // Unfinished here: the caller dropped the request before its
        // response, or the response body before its end (which ends the
        // request as far as the caller is concerned).
        let error = self.status.is_none().then_some(CANCELLED);
        self.finish(error);
    }
}
