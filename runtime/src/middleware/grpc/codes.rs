//! Where a call's gRPC code comes from, and how each naming spells it.

/// `OK`.
pub(super) const OK: usize = 0;
/// `Canceled`: the client went away before the call ended.
pub(super) const CANCELED: usize = 1;
/// `DeadlineExceeded`: the call's deadline passed before it ended.
pub(super) const DEADLINE_EXCEEDED: usize = 4;
/// `Unavailable`: no connection, or the connection broke.
pub(super) const UNAVAILABLE: usize = 14;
/// `Unknown`: no status was sent, or one outside the 17 codes.
pub(super) const UNKNOWN: usize = 2;
/// `Internal`: the handler panicked (what a recovery interceptor answers).
pub(super) const INTERNAL: usize = 13;
/// Number of gRPC codes.
pub(super) const CODES: usize = 17;

/// The code names of the OpenTelemetry semantic conventions (`rpc.status_code`).
pub(super) const OTEL_CODE_NAMES: [&str; CODES] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// The code in a `grpc-status` value: ASCII digits, `Unknown` if it is not
/// one of the 17 codes.
pub(super) fn parse_code(value: &http::HeaderValue) -> usize {
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 2 || !bytes.iter().all(u8::is_ascii_digit) {
        return UNKNOWN;
    }
    let code = bytes
        .iter()
        .fold(0usize, |code, digit| code * 10 + usize::from(digit - b'0'));
    if code < CODES { code } else { UNKNOWN }
}

/// The code of `grpc-status` in `headers`, if present.
pub(super) fn code_in(headers: &http::HeaderMap) -> Option<usize> {
    headers.get("grpc-status").map(parse_code)
}

/// The code of a response known from its headers: `grpc-status` of a
/// trailers-only response, or the gRPC spec's mapping of an HTTP error
/// status (a proxy or a non-gRPC handler answered); `None` when the status
/// will come in the trailers.
pub(super) fn code_from_head<B>(response: &http::Response<B>) -> Option<usize> {
    if let Some(code) = code_in(response.headers()) {
        return Some(code);
    }
    // doc/http-grpc-status-mapping.md in grpc/grpc.
    match response.status().as_u16() {
        200 => None,
        400 => Some(INTERNAL),
        401 => Some(16),
        403 => Some(7),
        404 => Some(12),
        429 | 502 | 503 | 504 => Some(14),
        _ => Some(UNKNOWN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_grpc_status_values() {
        let parse = |text: &'static str| parse_code(&http::HeaderValue::from_static(text));
        assert_eq!(parse("0"), 0);
        assert_eq!(parse("5"), 5);
        assert_eq!(parse("16"), 16);
        assert_eq!(parse("17"), UNKNOWN);
        assert_eq!(parse("x"), UNKNOWN);
        assert_eq!(parse(""), UNKNOWN);
    }
}
