//! The coordinator's state machine, its manifest and its marbles.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use vitals::health::HealthState;
use vitals::{StateMetric, metric_enum};

use crate::metrics::{AttestationError, COORDINATOR, MARBLES};

/// The state of the Coordinator, with the codes `/status` and
/// `coordinator_state` report. `coordinator_state` holds the code (the
/// `value` encoding exposes no label values), so the names can be the
/// guide's words; `health` makes the same enum what readiness and `/status`
/// follow. Only a coordinator accepting marbles can serve workloads.
#[metric_enum(state = "coordinator_state", encoding = "value", health)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoordinatorState {
    /// Recovery mode: upload a key to unseal the saved state, or set a new manifest.
    #[metric(
        rename = "recovery",
        not_ready,
        meaning = "Recovery mode: either upload a key to unseal the saved state, or set a new manifest. Waiting for user input on /recover."
    )]
    Recovery = 1,
    /// Ready to accept a manifest.
    #[metric(
        rename = "waiting for a manifest",
        not_ready,
        meaning = "Coordinator is ready to accept a manifest. Waiting for user input on /manifest."
    )]
    AcceptingManifest = 2,
    /// Running correctly and ready to accept Marbles.
    #[metric(
        rename = "accepting marbles",
        meaning = "Coordinator is running correctly and ready to accept Marbles through the Marble API."
    )]
    AcceptingMarbles = 3,
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not possible in the current state.
    WrongState(CoordinatorState),
    /// The request itself is bad.
    Invalid(&'static str),
    /// Attestation failed.
    Attestation(AttestationError),
    /// No such marble.
    UnknownMarble,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WrongState(state) => write!(f, "not possible in state `{}`", state.name()),
            Self::Invalid(why) => f.write_str(why),
            Self::Attestation(error) => write!(f, "attestation failed: {error}"),
            Self::UnknownMarble => f.write_str("no marble with this uuid was activated"),
        }
    }
}

#[derive(Debug)]
struct Inner {
    state: CoordinatorState,
    manifest: Option<String>,
    generation: u64,
    /// Activated marbles: uuid to type.
    marbles: HashMap<String, String>,
}

/// The coordinator; clones share it.
#[derive(Clone, Debug)]
pub(crate) struct Coordinator {
    inner: Arc<Mutex<Inner>>,
}

/// The marble types the demo manifest defines.
pub(crate) const MARBLE_TYPES: [&str; 3] = ["frontend", "backend", "database"];

impl Coordinator {
    /// A coordinator starting in `state`.
    pub(crate) fn new(state: CoordinatorState) -> Self {
        state.set_current();
        COORDINATOR.manifest_generation().set(0.0);
        Self {
            inner: Arc::new(Mutex::new(Inner {
                state,
                manifest: None,
                generation: 0,
                marbles: HashMap::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current state.
    pub(crate) fn state(&self) -> CoordinatorState {
        self.lock().state
    }

    fn move_to(&self, inner: &mut Inner, state: CoordinatorState) {
        if inner.state != state {
            tracing::info!(
                from = inner.state.name(),
                to = state.name(),
                "coordinator state changed"
            );
        }
        inner.state = state;
        // Moves `coordinator_state`, readiness and `/status` together.
        state.set_current();
    }

    /// Unseals the saved state with `key`: recovery ends, a manifest is expected.
    pub(crate) fn recover(&self, key: &str) -> Result<(), Refusal> {
        let mut inner = self.lock();
        if inner.state != CoordinatorState::Recovery {
            return Err(Refusal::WrongState(inner.state));
        }
        if key.is_empty() {
            return Err(Refusal::Invalid("the recovery key is empty"));
        }
        self.move_to(&mut inner, CoordinatorState::AcceptingManifest);
        Ok(())
    }

    /// Sets (or updates) the manifest; returns its generation.
    pub(crate) fn set_manifest(&self, manifest: &str) -> Result<u64, Refusal> {
        let mut inner = self.lock();
        if inner.state == CoordinatorState::Recovery {
            // A new manifest is the other way out of recovery.
            tracing::warn!("manifest set in recovery mode: the sealed state is discarded");
        }
        if serde_json::from_str::<serde_json::Value>(manifest).is_err() {
            return Err(Refusal::Invalid("the manifest is not JSON"));
        }
        inner.manifest = Some(manifest.to_owned());
        inner.generation += 1;
        COORDINATOR
            .manifest_generation()
            .set(inner.generation as f64);
        self.move_to(&mut inner, CoordinatorState::AcceptingMarbles);
        Ok(inner.generation)
    }

    /// The manifest and its generation.
    pub(crate) fn manifest(&self) -> Result<(String, u64), Refusal> {
        let inner = self.lock();
        match &inner.manifest {
            Some(manifest) => Ok((manifest.clone(), inner.generation)),
            None => Err(Refusal::WrongState(inner.state)),
        }
    }

    /// Activates a marble after checking its quote.
    pub(crate) fn activate(
        &self,
        marble_type: &str,
        uuid: &str,
        quote: &[u8],
    ) -> Result<String, Refusal> {
        let mut inner = self.lock();
        if inner.state != CoordinatorState::AcceptingMarbles {
            return Err(Refusal::WrongState(inner.state));
        }
        if uuid.is_empty() {
            return Err(Refusal::Invalid("the uuid is empty"));
        }
        MARBLES
            .marble_activations_total(marble_type, uuid)
            .increment(1);
        if let Err(error) = attest(marble_type, quote) {
            COORDINATOR.attestation_failures_total(error).increment(1);
            tracing::warn!(
                marble_type,
                uuid,
                reason = vitals::MetricEnum::label_value(&error),
                "attestation failed"
            );
            return Err(Refusal::Attestation(error));
        }
        MARBLES
            .marble_activations_success_total(marble_type, uuid)
            .increment(1);
        inner
            .marbles
            .insert(uuid.to_owned(), marble_type.to_owned());
        Ok(format!(
            "certificate for {marble_type}/{uuid} (generation {})",
            inner.generation
        ))
    }

    /// Issues a mesh certificate to an activated marble.
    pub(crate) fn mesh_certificate(&self, uuid: &str) -> Result<String, Refusal> {
        let inner = self.lock();
        match inner.marbles.get(uuid) {
            Some(marble_type) => Ok(format!("mesh certificate for {marble_type}/{uuid}")),
            None => Err(Refusal::UnknownMarble),
        }
    }
}

/// The simulated quote check: a real coordinator verifies the quote's
/// signature chain and measurement; here the quote names its own defect.
fn attest(marble_type: &str, quote: &[u8]) -> Result<(), AttestationError> {
    if !MARBLE_TYPES.contains(&marble_type) {
        return Err(AttestationError::UnknownMarbleType);
    }
    match quote {
        b"" | b"garbage" => Err(AttestationError::InvalidQuote),
        b"wrong-measurement" => Err(AttestationError::UnknownMeasurement),
        b"old-tcb" => Err(AttestationError::TcbOutOfDate),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine_goes_recovery_then_manifest_then_marbles() {
        let coordinator = Coordinator::new(CoordinatorState::Recovery);
        assert_eq!(
            coordinator.activate("frontend", "u1", b"ok"),
            Err(Refusal::WrongState(CoordinatorState::Recovery))
        );
        coordinator.recover("key").unwrap();
        assert_eq!(coordinator.state(), CoordinatorState::AcceptingManifest);
        assert_eq!(coordinator.set_manifest("{}"), Ok(1));
        assert_eq!(coordinator.state(), CoordinatorState::AcceptingMarbles);
        assert!(coordinator.activate("frontend", "u1", b"ok").is_ok());
        assert!(coordinator.mesh_certificate("u1").is_ok());
        assert_eq!(
            coordinator.mesh_certificate("u2"),
            Err(Refusal::UnknownMarble)
        );
        assert_eq!(
            coordinator.activate("frontend", "u3", b"old-tcb"),
            Err(Refusal::Attestation(AttestationError::TcbOutOfDate))
        );
        assert_eq!(coordinator.set_manifest("{}"), Ok(2));
    }

    #[test]
    fn status_names_and_codes_are_the_guide_s() {
        let names: Vec<(i64, &str)> = [
            CoordinatorState::Recovery,
            CoordinatorState::AcceptingManifest,
            CoordinatorState::AcceptingMarbles,
        ]
        .iter()
        .map(|state| (state.code(), state.name()))
        .collect();
        assert_eq!(
            names,
            [
                (1, "recovery"),
                (2, "waiting for a manifest"),
                (3, "accepting marbles")
            ]
        );
        assert!(
            CoordinatorState::AcceptingManifest
                .meaning()
                .contains("/manifest")
        );
    }

    #[test]
    fn only_accepting_marbles_is_ready() {
        assert!(!CoordinatorState::Recovery.is_ready());
        assert!(!CoordinatorState::AcceptingManifest.is_ready());
        assert!(CoordinatorState::AcceptingMarbles.is_ready());
        assert_eq!(CoordinatorState::AcceptingManifest.code(), 2);
    }
}
