//! Run-time metric names: validation, leaking once per layer or tracker,
//! declaring in the catalogue. Used downward by the middleware and the jobs.

use std::fmt;

use crate::catalogue::{
    self, LabelDescriptor, LabelValues, MetricDescriptor, MetricKind, Origin, Unit,
};

/// A layer or tracker configuration that cannot produce valid series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Checks a metric name (or prefix) by the rules the macros apply.
pub(crate) fn check_metric_name(what: &str, name: &str) -> Result<(), ConfigError> {
    match vitals_naming::metric_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(ConfigError::new(format!("invalid `{what}`: {problem}"))),
    }
}

/// Checks a label name by the rules the macros apply.
#[cfg_attr(not(any(feature = "axum", feature = "tonic")), allow(dead_code))] // used by the server layers only
pub(crate) fn check_label_name(what: &str, name: &str) -> Result<(), ConfigError> {
    match vitals_naming::label_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(ConfigError::new(format!("invalid `{what}`: {problem}"))),
    }
}

/// Checks histogram buckets by the rules the macros apply.
pub(crate) fn check_buckets(what: &str, buckets: &[f64]) -> Result<(), ConfigError> {
    match vitals_naming::buckets_problem(buckets) {
        None => Ok(()),
        Some((_, problem)) => Err(ConfigError::new(format!(
            "invalid `{what}` {buckets:?}: {problem}"
        ))),
    }
}

/// Gives a run-time string the `'static` lifetime label keys need. Called
/// once per layer construction, never per request.
pub(crate) fn leak(text: impl Into<String>) -> &'static str {
    Box::leak(text.into().into_boxed_str())
}

/// Gives a run-time list the `'static` lifetime descriptors need.
pub(crate) fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// What one run-time metric declaration says.
pub(crate) struct Declaration {
    pub(crate) name: &'static str,
    pub(crate) kind: MetricKind,
    pub(crate) help: &'static str,
    pub(crate) unit: Option<Unit>,
    pub(crate) labels: Vec<(&'static str, LabelValues)>,
    pub(crate) buckets: &'static [f64],
}

impl Declaration {
    /// Adds the declaration to the catalogue (so the exporter describes it
    /// and sets its buckets) and pre-creates its known series under the
    /// current recorder.
    ///
    /// The origin is the caller's: every constructor between the user's
    /// code and here carries `#[track_caller]`, so a catalogue conflict
    /// names the application's call sites, not this file.
    #[track_caller]
    pub(crate) fn declare(self, module: &'static str) -> &'static MetricDescriptor {
        let labels = leak_slice(
            self.labels
                .into_iter()
                .map(|(name, values)| LabelDescriptor::new(name, values))
                .collect(),
        );
        let caller = std::panic::Location::caller();
        let origin = Origin {
            module,
            file: caller.file(),
            line: caller.line(),
        };
        let descriptor = catalogue::declare(MetricDescriptor::new(
            self.name,
            self.kind,
            self.help,
            self.unit,
            labels,
            self.buckets,
            origin,
        ));
        descriptor.register_known_series();
        descriptor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules_the_macros_apply() {
        assert!(check_metric_name("prefix", "server_client_api_http").is_ok());
        // `:` is for recording rules and a leading `_` is reserved: the
        // macros reject both, so the layers do too.
        assert!(check_metric_name("prefix", "server_client_api:http").is_err());
        assert!(check_metric_name("prefix", "_server").is_err());
        assert!(check_metric_name("prefix", "9lives").is_err());
        assert!(check_label_name("route_label", "_route").is_err());
        assert!(check_label_name("route_label", "endpoint").is_ok());
        assert!(check_label_name("route_label", "end-point").is_err());
        assert!(check_label_name("route_label", "__name").is_err());
        assert!(check_buckets("buckets", &[1.0, 2.0]).is_ok());
        assert!(check_buckets("buckets", &[2.0, 1.0]).is_err());
        assert!(check_buckets("buckets", &[]).is_err());
    }
}
