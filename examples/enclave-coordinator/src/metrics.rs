//! The coordinator's own series (the gRPC and client-API HTTP series come
//! from the vitals middleware layers).
//!
//! | series | type | labels |
//! |---|---|---|
//! | `coordinator_state` | gauge: 1 recovery, 2 waiting for a manifest, 3 accepting marbles | |
//! | `coordinator_version_info` | gauge, 1 | commit, version |
//! | `coordinator_manifest_generation` | gauge: 0 until a manifest is set | |
//! | `coordinator_attestation_failures_total` | counter | reason (bounded: [`AttestationError`]) |
//! | `marble_activations_total` | counter | type, uuid |
//! | `marble_activations_success_total` | counter | type, uuid |

use vitals::{metric_enum, metric_group};

/// Why an attestation failed: a fixed set, so the `reason` label stays
/// bounded whatever the error messages say.
#[metric_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttestationError {
    /// The quote does not parse or its signature is wrong.
    InvalidQuote,
    /// The enclave's measurement is not in the manifest.
    UnknownMeasurement,
    /// The platform's TCB level is out of date.
    TcbOutOfDate,
    /// The marble type is not in the manifest.
    UnknownMarbleType,
}

impl std::fmt::Display for AttestationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InvalidQuote => "the quote is invalid",
            Self::UnknownMeasurement => "the enclave measurement is not in the manifest",
            Self::TcbOutOfDate => "the platform TCB is out of date",
            Self::UnknownMarbleType => "the marble type is not in the manifest",
        })
    }
}

/// The coordinator's series.
#[metric_group(prefix = "coordinator")]
pub(crate) struct CoordinatorMetrics {
    /// Build and version information of the Coordinator.
    #[metric(labels(commit: &str, version: &str), limit = 1)]
    version_info: Gauge,
    /// Generation of the current manifest; 0 while no manifest has been set.
    manifest_generation: Gauge,
    /// Attestations that failed at the transport layer, by reason.
    #[metric(labels(reason: AttestationError))]
    attestation_failures_total: Counter,
}

/// Marble activations, by marble type and instance.
#[metric_group]
pub(crate) struct MarbleMetrics {
    /// Marble activation attempts, labelled with the Marble's type and UUID.
    #[metric(labels(r#type: &str, uuid: &str), limit = 1000)]
    marble_activations_total: Counter,
    /// Successful Marble activations, labelled with the Marble's type and UUID.
    #[metric(labels(r#type: &str, uuid: &str), limit = 1000)]
    marble_activations_success_total: Counter,
}

/// The coordinator's series, shared by the whole process.
pub(crate) static COORDINATOR: CoordinatorMetrics = CoordinatorMetrics::new();

/// The marble series, shared by the whole process.
pub(crate) static MARBLES: MarbleMetrics = MarbleMetrics::new();
