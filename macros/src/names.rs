//! Prometheus and OpenMetrics naming rules, checked at compile time.
//!
//! Shared by every macro, so a name is valid or invalid the same way
//! wherever it is declared.

use proc_macro2::Span;

/// Why `name` cannot be a metric name (or a metric name prefix), if it cannot.
///
/// Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, but `:` is reserved for
/// recording rules and OpenMetrics reserves names starting with `_`.
pub(crate) fn metric_name_problem(name: &str) -> Option<String> {
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
pub(crate) fn label_name_problem(name: &str) -> Option<String> {
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

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why a list of bucket bounds is unusable, pointing at the bound at fault.
pub(crate) fn buckets_problem(bounds: &[(f64, Span)], whole: Span) -> Option<(Span, String)> {
    if bounds.is_empty() {
        return Some((whole, "expected at least one bucket bound".to_owned()));
    }
    for (bound, span) in bounds {
        if !bound.is_finite() {
            return Some((
                *span,
                "bucket bounds must be finite; the `+Inf` bucket is always added".to_owned(),
            ));
        }
    }
    for pair in bounds.windows(2) {
        let ((previous, _), (bound, span)) = (pair[0], pair[1]);
        if bound <= previous {
            return Some((
                span,
                format!("bucket bounds must increase: `{bound}` follows `{previous}`"),
            ));
        }
    }
    None
}

/// The default metric prefix: the package being compiled, `-` becoming `_`.
pub(crate) fn package_prefix() -> Option<String> {
    std::env::var("CARGO_PKG_NAME")
        .ok()
        .map(|name| name.replace('-', "_"))
}

/// The OpenTelemetry / Prometheus duration buckets, in seconds.
pub(crate) const DEFAULT_DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// How fn names become label values (`rename_all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    Lower,
    Upper,
}

impl RenameRule {
    /// Every accepted spelling, as serde spells them.
    pub(crate) const NAMES: &'static [&'static str] = &[
        "PascalCase",
        "camelCase",
        "snake_case",
        "SCREAMING_SNAKE_CASE",
        "kebab-case",
        "lowercase",
        "UPPERCASE",
    ];

    pub(crate) fn from_name(name: &str) -> Option<RenameRule> {
        Some(match name {
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            _ => return None,
        })
    }

    /// Applies the rule to a snake_case (fn) or PascalCase (variant) name.
    pub(crate) fn apply(self, name: &str) -> String {
        let words = split_words(name);
        let capitalised = |word: &String| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        };
        match self {
            RenameRule::Pascal => words.iter().map(capitalised).collect(),
            RenameRule::Camel => words
                .iter()
                .enumerate()
                .map(|(index, word)| {
                    if index == 0 {
                        word.clone()
                    } else {
                        capitalised(word)
                    }
                })
                .collect(),
            RenameRule::Snake => words.join("_"),
            RenameRule::ScreamingSnake => words.join("_").to_ascii_uppercase(),
            RenameRule::Kebab => words.join("-"),
            RenameRule::Lower => words.concat(),
            RenameRule::Upper => words.concat().to_ascii_uppercase(),
        }
    }
}

/// Lower-case words of a snake_case or PascalCase name.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '_' || c == '-' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if c.is_ascii_uppercase() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        assert_eq!(metric_name_problem("coordinator"), None);
        assert_eq!(metric_name_problem("grpc_server"), None);
        assert!(metric_name_problem("9lives").is_some());
        assert!(metric_name_problem("a:b").is_some());
        assert!(metric_name_problem("_hidden").is_some());
        assert!(metric_name_problem("with-dash").is_some());
        assert!(metric_name_problem("").is_some());
    }

    #[test]
    fn label_names() {
        assert_eq!(label_name_problem("region"), None);
        assert!(label_name_problem("le").is_some());
        assert!(label_name_problem("quantile").is_some());
        assert!(label_name_problem("__name__").is_some());
        assert!(label_name_problem("a b").is_some());
    }

    #[test]
    fn renames() {
        assert_eq!(RenameRule::Pascal.apply("wait_job_result"), "WaitJobResult");
        assert_eq!(RenameRule::Camel.apply("wait_job_result"), "waitJobResult");
        assert_eq!(RenameRule::ScreamingSnake.apply("get"), "GET");
        assert_eq!(RenameRule::Kebab.apply("get_user"), "get-user");
        assert_eq!(
            RenameRule::Snake.apply("WaitingForManifest"),
            "waiting_for_manifest"
        );
        assert_eq!(RenameRule::Pascal.apply("r#type"), "Type");
    }

    #[test]
    fn buckets() {
        let span = Span::call_site();
        assert!(buckets_problem(&[], span).is_some());
        assert!(buckets_problem(&[(1.0, span), (1.0, span)], span).is_some());
        assert!(buckets_problem(&[(1.0, span), (f64::INFINITY, span)], span).is_some());
        assert!(buckets_problem(&[(0.1, span), (1.0, span)], span).is_none());
    }
}

/// Units a metric may declare, as they are spelt in its name, with the
/// `metrics::Unit` variant each stands for.
pub(crate) const UNITS: &[(&str, &str)] = &[
    ("seconds", "Seconds"),
    ("milliseconds", "Milliseconds"),
    ("microseconds", "Microseconds"),
    ("nanoseconds", "Nanoseconds"),
    ("bytes", "Bytes"),
    ("kibibytes", "Kibibytes"),
    ("mebibytes", "Mebibytes"),
    ("gibibytes", "Gibibytes"),
    ("tebibytes", "Tebibytes"),
    ("percent", "Percent"),
    ("bits_per_second", "BitsPerSecond"),
];

/// The metric name without the `_total` of a counter.
pub(crate) fn base_name(name: &str, counter: bool) -> &str {
    if counter {
        name.strip_suffix("_total").unwrap_or(name)
    } else {
        name
    }
}

/// Why a counter's name is wrong, if it is: counters end in `_total`.
pub(crate) fn counter_name_problem(name: &str) -> Option<String> {
    (!name.ends_with("_total"))
        .then(|| format!("counter `{name}` must end in `_total`; expected `{name}_total`"))
}

/// Why `unit` cannot be the unit of metric `name`: OpenMetrics wants the
/// unit as a suffix of the name (before a counter's `_total`).
pub(crate) fn unit_suffix_problem(name: &str, unit: &str, counter: bool) -> Option<String> {
    let base = base_name(name, counter);
    if base.ends_with(&format!("_{unit}")) {
        return None;
    }
    let expected = if counter {
        format!("_{unit}_total")
    } else {
        format!("_{unit}")
    };
    Some(format!(
        "unit `{unit}` is not a suffix of `{name}`; expected a name ending in `{expected}`"
    ))
}

/// The unit a name announces by its suffix, if any.
pub(crate) fn unit_from_name(name: &str, counter: bool) -> Option<&'static str> {
    let base = base_name(name, counter);
    UNITS
        .iter()
        .map(|(unit, _)| *unit)
        .find(|unit| base.ends_with(&format!("_{unit}")))
}

/// Why histogram `name` is wrong for a duration, if it looks like one
/// (`duration` or `latency` in its name) without measuring in seconds.
pub(crate) fn duration_histogram_problem(name: &str) -> Option<String> {
    let looks_like_duration = name.contains("duration") || name.contains("latency");
    (looks_like_duration && !name.ends_with("_seconds")).then(|| {
        format!(
            "histogram `{name}` measures a duration; durations are in seconds, so expected a name ending in `_seconds`"
        )
    })
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn units_and_suffixes() {
        assert_eq!(counter_name_problem("jobs_total"), None);
        assert!(counter_name_problem("jobs").is_some());
        assert_eq!(
            unit_suffix_problem("cpu_seconds_total", "seconds", true),
            None
        );
        assert!(unit_suffix_problem("payload", "bytes", false).is_some());
        assert_eq!(
            unit_from_name("job_duration_seconds", false),
            Some("seconds")
        );
        assert_eq!(unit_from_name("sent_bytes_total", true), Some("bytes"));
        assert!(duration_histogram_problem("job_duration_ms").is_some());
        assert_eq!(duration_histogram_problem("job_duration_seconds"), None);
    }
}
