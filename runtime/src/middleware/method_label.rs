//! The `method` label both HTTP layers give a request: one of the nine
//! standard methods, or OpenTelemetry's `_OTHER`, so clients cannot grow
//! the series count with invented methods.

/// The nine standard methods, then the label of every other method
/// (OpenTelemetry's `_OTHER`), in label-index order.
pub(crate) const METHOD_LABELS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER",
];

/// The index of `method` in [`METHOD_LABELS`].
pub(crate) fn method_index(method: &http::Method) -> usize {
    const STANDARD: [http::Method; 9] = [
        http::Method::GET,
        http::Method::HEAD,
        http::Method::POST,
        http::Method::PUT,
        http::Method::DELETE,
        http::Method::CONNECT,
        http::Method::OPTIONS,
        http::Method::TRACE,
        http::Method::PATCH,
    ];
    STANDARD
        .iter()
        .position(|standard| standard == method)
        .unwrap_or(STANDARD.len())
}
