//! Prometheus and OpenMetrics naming rules, checked at compile time.
//!
//! Shared by every macro, so a name is valid or invalid the same way
//! wherever it is declared.

use proc_macro2::Span;

pub(crate) use vitals_naming::{label_name_problem, metric_name_problem};

/// [`vitals_naming::buckets_problem`], pointing at the bound at fault (or
/// at the whole list, `whole`, when it is empty).
pub(crate) fn buckets_problem(bounds: &[(f64, Span)], whole: Span) -> Option<(Span, String)> {
    let values: Vec<f64> = bounds.iter().map(|(bound, _)| *bound).collect();
    let (at, problem) = vitals_naming::buckets_problem(&values)?;
    let span = at
        .and_then(|index| bounds.get(index))
        .map_or(whole, |(_, span)| *span);
    Some((span, problem))
}

/// The default metric prefix: the package being compiled, `-` becoming `_`.
pub(crate) fn package_prefix() -> Option<String> {
    std::env::var("CARGO_PKG_NAME")
        .ok()
        .map(|name| name.replace('-', "_"))
}

/// The duration buckets used when none are given: OpenTelemetry's.
pub(crate) const DEFAULT_DURATION_BUCKETS: &[f64] = vitals_naming::buckets::OTEL_DURATION;

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
mod tests {
    use super::*;

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
        assert_eq!(RenameRule::Pascal.apply("type"), "Type");
    }

    #[test]
    fn a_bucket_problem_points_at_the_bound_at_fault() {
        let whole = Span::call_site();
        assert!(buckets_problem(&[], whole).is_some());
        assert!(buckets_problem(&[(1.0, whole), (1.0, whole)], whole).is_some());
        assert!(buckets_problem(&[(0.1, whole), (1.0, whole)], whole).is_none());
    }

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
