//! gRPC status code names as go-grpc-middleware spells them.

/// The 17 gRPC code names in code order, CamelCase as grpc-go's
/// `codes.Code.String()` prints them, so dashboards built for Go services
/// (`grpc_code="NotFound"`) read vitals series unchanged.
pub const GRPC_CODE_NAMES: &[&str] = &[
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated",
];

/// The name of a numeric gRPC code; codes outside 0..=16 are `Unknown`, as
/// the gRPC spec asks receivers to treat them.
pub fn grpc_code_name(code: i32) -> &'static str {
    usize::try_from(code)
        .ok()
        .and_then(|index| GRPC_CODE_NAMES.get(index))
        .copied()
        .unwrap_or("Unknown")
}

#[cfg(feature = "tonic")]
mod tonic_impls {
    use super::{GRPC_CODE_NAMES, grpc_code_name};
    use crate::status::traits::{ErrorStatus, RpcStatus};

    impl ErrorStatus for tonic::Status {
        const OK_STATUS: &'static str = "OK";
        const RESULT_STATUS_VALUES: &'static [&'static str] = GRPC_CODE_NAMES;

        fn error_status(&self) -> &'static str {
            grpc_code_name(self.code() as i32)
        }
    }

    impl RpcStatus for tonic::Status {
        const STATUS_VALUES: &'static [&'static str] = GRPC_CODE_NAMES;

        fn rpc_status(&self) -> &'static str {
            grpc_code_name(self.code() as i32)
        }
    }

    impl RpcStatus for tonic::Code {
        const STATUS_VALUES: &'static [&'static str] = GRPC_CODE_NAMES;

        fn rpc_status(&self) -> &'static str {
            grpc_code_name(*self as i32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_grpc_go() {
        assert_eq!(grpc_code_name(0), "OK");
        assert_eq!(grpc_code_name(5), "NotFound");
        assert_eq!(grpc_code_name(16), "Unauthenticated");
        assert_eq!(grpc_code_name(17), "Unknown");
        assert_eq!(grpc_code_name(-1), "Unknown");
    }
}
