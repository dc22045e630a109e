//! Default histogram bucket bounds, each written once.

/// client_golang's `DefBuckets`, in seconds: what go-grpc-middleware's
/// `grpc_server_handling_seconds` and most Go dashboards assume.
pub const PROMETHEUS_DEFAULT: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The bucket advice of OpenTelemetry's HTTP and RPC semantic conventions
/// for durations, in seconds: a superset of [`PROMETHEUS_DEFAULT`].
pub const OTEL_DURATION: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Long-running jobs, in seconds: 100 ms to an hour.
pub const JOB_DURATION: &[f64] = &[
    0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

/// Body sizes, in bytes: powers of four from 64 B to 64 MiB.
pub const BODY_SIZE: &[f64] = &[
    64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
    67108864.0,
];
