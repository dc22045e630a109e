//! Which label carries a request's outcome, and which outcomes are errors.

/// Label names that carry a request's outcome, in the order looked for:
/// vitals' and axum-prometheus' `status`, client_golang's `code`,
/// go-grpc-middleware's `grpc_code`, and OpenTelemetry's.
pub const STATUS_LABELS: &[&str] = &[
    "status",
    "code",
    "grpc_code",
    "status_code",
    "http_status_code",
    "http_response_status_code",
    "rpc_grpc_status_code",
];

/// gRPC codes that are the server's fault (OpenTelemetry's server errors),
/// in go-grpc-middleware's and in the wire spelling.
const GRPC_SERVER_ERRORS: &[&str] = &[
    "Unknown",
    "DeadlineExceeded",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "UNKNOWN",
    "DEADLINE_EXCEEDED",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
];

/// Whether an outcome counts as an error: an HTTP status of 500 or more, a
/// gRPC server-error code, or a word such as `error`, `failed` or
/// `panicked`. Client errors (404, `NotFound`, `InvalidArgument`) and
/// cancellations are not the service's errors.
pub fn is_error(status: &str) -> bool {
    if let Ok(code) = status.parse::<u16>() {
        return code >= 500;
    }
    if GRPC_SERVER_ERRORS.contains(&status) {
        return true;
    }
    let lower = status.to_ascii_lowercase();
    lower.contains("error")
        || lower.contains("fail")
        || lower == "panicked"
        || lower == "panic"
        || lower == "timeout"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_faults_are_errors_and_client_faults_are_not() {
        for error in [
            "500",
            "503",
            "Internal",
            "UNAVAILABLE",
            "error",
            "failed",
            "panicked",
            "SERVER_ERROR",
        ] {
            assert!(is_error(error), "{error}");
        }
        for fine in [
            "200",
            "404",
            "429",
            "OK",
            "NotFound",
            "InvalidArgument",
            "ok",
            "not_found",
            "cancelled",
        ] {
            assert!(!is_error(fine), "{fine}");
        }
    }
}
