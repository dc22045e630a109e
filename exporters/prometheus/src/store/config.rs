//! What a store is built from: the resolved, validated histogram buckets.

use std::sync::Arc;

use crate::error::BuildError;
use crate::store::metrics_store::MetricsStore;

/// Builds the metrics store from the builder's resolved configuration
/// (see [`ExporterBuilder::store`](crate::ExporterBuilder::store)).
pub type StoreFactory =
    Box<dyn FnOnce(&StoreConfig) -> Result<Arc<dyn MetricsStore>, BuildError> + Send>;

/// What a metrics store needs from the builder: histogram buckets, already
/// resolved from the catalogue and the builder's overrides and validated.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct StoreConfig {
    /// Bounds for every histogram not listed in `buckets`; a store must
    /// never fall back to summaries.
    pub default_buckets: Vec<f64>,
    /// Bounds per metric name.
    pub buckets: Vec<(String, Vec<f64>)>,
}

impl StoreConfig {
    /// The bounds for histogram `name`.
    pub fn buckets_for(&self, name: &str) -> &[f64] {
        self.buckets
            .iter()
            .find(|(metric, _)| metric == name)
            .map_or(&self.default_buckets, |(_, bounds)| bounds)
    }
}

/// The most bounds a histogram may have (its buckets are one run of cells,
/// within one chunk of the store's cells).
const MAX_BOUNDS: usize = 1000;

/// Bucket bounds must be finite, strictly increasing and at most 1000.
pub(crate) fn checked_buckets(metric: &str, bounds: &[f64]) -> Result<Vec<f64>, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBuckets {
        metric: metric.to_owned(),
        reason: reason.to_owned(),
    };
    if bounds.is_empty() {
        return Err(invalid("no bounds given"));
    }
    if bounds.iter().any(|bound| !bound.is_finite()) {
        return Err(invalid("bounds must be finite; `+Inf` is always added"));
    }
    if bounds.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(invalid("bounds must be strictly increasing"));
    }
    if bounds.len() > MAX_BOUNDS {
        return Err(invalid("at most 1000 bounds"));
    }
    Ok(bounds.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_checked() {
        assert!(checked_buckets("m", &[0.1, 1.0]).is_ok());
        assert_eq!(
            checked_buckets("m", &[1.0, 1.0]).unwrap_err().to_string(),
            "invalid buckets for `m`: bounds must be strictly increasing"
        );
        assert!(checked_buckets("m", &[]).is_err());
        assert!(checked_buckets("m", &[1.0, f64::INFINITY]).is_err());
        let many: Vec<f64> = (0..1001).map(f64::from).collect();
        assert!(checked_buckets("m", &many[..1000]).is_ok());
        assert!(checked_buckets("m", &many).is_err());
    }

    #[test]
    fn a_metric_without_its_own_buckets_gets_the_default() {
        let config = StoreConfig {
            default_buckets: vec![1.0],
            buckets: vec![("latency_seconds".to_owned(), vec![0.1, 0.5])],
        };
        assert_eq!(config.buckets_for("latency_seconds"), &[0.1, 0.5]);
        assert_eq!(config.buckets_for("jobs_seconds"), &[1.0]);
    }
}
