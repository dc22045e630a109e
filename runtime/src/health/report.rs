//! The outcome of running one probe's checks.

use super::check::{CheckResult, Probe};

/// The result of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The check's name.
    pub name: String,
    /// `Ok(())` or the failure, whose reason belongs in the log only.
    pub result: CheckResult,
}

/// The outcomes of every check of one probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    probe: Probe,
    outcomes: Vec<CheckOutcome>,
}

impl Report {
    /// A report from outcomes, in check order.
    pub fn new(probe: Probe, outcomes: Vec<CheckOutcome>) -> Self {
        Self { probe, outcomes }
    }

    /// The probe that was run.
    pub fn probe(&self) -> Probe {
        self.probe
    }

    /// Every outcome, in check order.
    pub fn outcomes(&self) -> &[CheckOutcome] {
        &self.outcomes
    }

    /// Whether every check passed (also when there are none).
    pub fn is_ok(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.result.is_ok())
    }

    /// The names of the failed checks, in check order.
    pub fn failed_names(&self) -> Vec<&str> {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.result.is_err())
            .map(|outcome| outcome.name.as_str())
            .collect()
    }
}
