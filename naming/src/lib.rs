//! The naming rules and default buckets of vitals, in one place.
//!
//! `vitals-macros` checks names at compile time and `vitals` checks the names
//! a layer or tracker is given at run time; both call these functions, so a
//! name is valid or invalid the same way wherever it is declared. The crate
//! has no dependencies, so a proc-macro can use it.
//!
//! Each check returns why a name is unusable, in the voice of every vitals
//! error: lower-case, names in backticks, saying what is expected.
//!
//! ```
//! assert_eq!(vitals_naming::metric_name_problem("http_requests_total"), None);
//! assert!(vitals_naming::metric_name_problem("api:http").is_some());
//! assert!(vitals_naming::label_name_problem("le").is_some());
//! ```

pub mod buckets;
pub mod limits;

/// Why `name` cannot be a metric name (or a metric name prefix), if it cannot.
///
/// Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, but `:` is reserved for
/// recording rules and OpenMetrics reserves names starting with `_`, so
/// vitals accepts `[a-zA-Z][a-zA-Z0-9_]*`.
pub fn metric_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("expected a non-empty metric name".to_owned());
    }
    if name.contains(':') {
        return Some(format!(
            "`{name}` contains `:`, which is reserved for recording rules"
        ));
    }
    if name.starts_with('_') {
        return Some(format!(
            "`{name}` starts with `_`; metric names starting with `_` are reserved"
        ));
    }
    if !is_identifier(name) {
        return Some(format!(
            "`{name}` is not a valid metric name: expected ASCII letters, digits and `_`, not starting with a digit"
        ));
    }
    None
}

/// Why `name` cannot be a label name, if it cannot.
///
/// Label names match `[a-zA-Z_][a-zA-Z0-9_]*`; names starting with `_` are
/// reserved (`__name__` and friends), and `le` and `quantile` belong to
/// histograms and summaries.
pub fn label_name_problem(name: &str) -> Option<String> {
    match name {
        "le" => return Some("label `le` is reserved for histogram bucket bounds".to_owned()),
        "quantile" => return Some("label `quantile` is reserved for summary quantiles".to_owned()),
        _ => {}
    }
    if name.starts_with('_') {
        return Some(format!(
            "label `{name}` starts with `_`; label names starting with `_` are reserved"
        ));
    }
    if !is_identifier(name) {
        return Some(format!(
            "`{name}` is not a valid label name: expected ASCII letters, digits and `_`, not starting with a digit"
        ));
    }
    None
}

/// Why a list of bucket bounds is unusable, with the index of the bound at
/// fault (`None` when the list as a whole is: it is empty).
pub fn buckets_problem(bounds: &[f64]) -> Option<(Option<usize>, String)> {
    if bounds.is_empty() {
        return Some((None, "expected at least one bucket bound".to_owned()));
    }
    if let Some(index) = bounds.iter().position(|bound| !bound.is_finite()) {
        return Some((
            Some(index),
            "bucket bounds must be finite; the `+Inf` bucket is always added".to_owned(),
        ));
    }
    for (index, pair) in bounds.windows(2).enumerate() {
        let (previous, bound) = (pair[0], pair[1]);
        if bound <= previous {
            return Some((
                Some(index + 1),
                format!("bucket bounds must increase: `{bound}` follows `{previous}`"),
            ));
        }
    }
    None
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        assert_eq!(metric_name_problem("grpc_server_handled_total"), None);
        assert!(metric_name_problem("").is_some());
        assert!(metric_name_problem("server_client_api:http").is_some());
        assert!(metric_name_problem("_private").is_some());
        assert!(metric_name_problem("9lives").is_some());
        assert!(metric_name_problem("kebab-case").is_some());
    }

    #[test]
    fn label_names() {
        assert_eq!(label_name_problem("grpc_method"), None);
        assert!(label_name_problem("le").is_some());
        assert!(label_name_problem("quantile").is_some());
        assert!(label_name_problem("__name__").is_some());
        assert!(label_name_problem("end-point").is_some());
    }

    #[test]
    fn buckets() {
        assert_eq!(buckets_problem(&[0.1, 1.0]), None);
        assert_eq!(buckets_problem(&[]).map(|(at, _)| at), Some(None));
        assert_eq!(
            buckets_problem(&[1.0, f64::INFINITY]).map(|(at, _)| at),
            Some(Some(1))
        );
        assert_eq!(
            buckets_problem(&[1.0, 2.0, 2.0]).map(|(at, _)| at),
            Some(Some(2))
        );
        assert_eq!(
            buckets_problem(&[f64::NAN]).map(|(at, _)| at),
            Some(Some(0))
        );
    }

    #[test]
    fn default_buckets_pass_the_bucket_rules() {
        for bounds in [
            buckets::PROMETHEUS_DEFAULT,
            buckets::OTEL_DURATION,
            buckets::JOB_DURATION,
            buckets::BODY_SIZE,
        ] {
            assert_eq!(buckets_problem(bounds), None, "{bounds:?}");
        }
    }
}
