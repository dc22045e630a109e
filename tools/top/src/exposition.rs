//! A parser for the Prometheus text exposition format (version 0.0.4, and
//! the OpenMetrics text that shares its sample lines): `# TYPE` lines and
//! samples with their labels; `# HELP`, timestamps and exemplars are read
//! past.

use std::collections::HashMap;

/// What a `# TYPE` line declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `counter`.
    Counter,
    /// `gauge`.
    Gauge,
    /// `histogram`.
    Histogram,
    /// `summary`.
    Summary,
    /// Anything else (`untyped`, `stateset`, `info`, ...).
    Other,
}

/// One sample line: `name{labels} value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The sample's name (`http_server_requests_total`, `..._bucket`).
    pub name: String,
    /// The labels, in the order written.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

impl Sample {
    /// The value of label `name`, if the sample has it.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A parsed exposition: the declared kinds by family name, and every sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposition {
    /// The kind of each family with a `# TYPE` line.
    pub kinds: HashMap<String, Kind>,
    /// Every sample, in the order written.
    pub samples: Vec<Sample>,
}

impl Exposition {
    /// The family a sample belongs to and its declared kind: the sample's
    /// own name, or that name without a histogram's or summary's suffix.
    pub fn family_of<'a>(&self, sample: &'a str) -> Option<(&'a str, Kind)> {
        if let Some(kind) = self.kinds.get(sample) {
            return Some((sample, *kind));
        }
        ["_bucket", "_sum", "_count", "_total", "_created"]
            .iter()
            .filter_map(|suffix| sample.strip_suffix(suffix))
            .find_map(|family| self.kinds.get(family).map(|kind| (family, *kind)))
    }
}

/// Why a line is not a sample.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// The line's number, from 1.
    pub line: usize,
    /// What was expected.
    pub reason: String,
}

/// Parses a whole exposition.
pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut exposition = Exposition::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(rest) = comment.trim_start().strip_prefix("TYPE ") {
                let mut words = rest.split_whitespace();
                if let (Some(family), Some(kind)) = (words.next(), words.next()) {
                    exposition.kinds.insert(family.to_owned(), kind_of(kind));
                }
            }
            continue;
        }
        let sample = sample(line).map_err(|reason| ParseError {
            line: index + 1,
            reason,
        })?;
        exposition.samples.push(sample);
    }
    Ok(exposition)
}

fn kind_of(word: &str) -> Kind {
    match word {
        "counter" => Kind::Counter,
        "gauge" => Kind::Gauge,
        "histogram" => Kind::Histogram,
        "summary" => Kind::Summary,
        _ => Kind::Other,
    }
}

fn sample(line: &str) -> Result<Sample, String> {
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .ok_or_else(|| format!("`{line}` has no value"))?;
    let name = &line[..name_end];
    if !valid_name(name) {
        return Err(format!("`{name}` is not a metric name"));
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inside) = rest.strip_prefix('{') {
        let (parsed, after) = label_set(inside)?;
        labels = parsed;
        rest = after;
    }
    // The value, then an optional timestamp and (OpenMetrics) an exemplar.
    let rest = rest.split(" # ").next().unwrap_or_default();
    let word = rest
        .split_whitespace()
        .next()
        .ok_or_else(|| format!("`{name}` has no value"))?;
    let value = number(word).ok_or_else(|| format!("`{word}` is not a sample value"))?;
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// A sample's labels, in the order written.
type Labels = Vec<(String, String)>;

/// The labels up to the closing brace, and what follows it.
fn label_set(mut text: &str) -> Result<(Labels, &str), String> {
    let mut labels = Vec::new();
    loop {
        text = text.trim_start();
        if let Some(after) = text.strip_prefix('}') {
            return Ok((labels, after));
        }
        let equals = text
            .find('=')
            .ok_or_else(|| "a label without `=`".to_owned())?;
        let key = text[..equals].trim();
        if !valid_name(key) || key.contains(':') {
            return Err(format!("`{key}` is not a label name"));
        }
        let after = text[equals + 1..].trim_start();
        let quoted = after
            .strip_prefix('"')
            .ok_or_else(|| format!("the value of `{key}` is not quoted"))?;
        let (value, after) =
            quoted_value(quoted).ok_or_else(|| format!("the value of `{key}` is not closed"))?;
        labels.push((key.to_owned(), value));
        text = after.trim_start();
        text = text.strip_prefix(',').unwrap_or(text);
    }
}

/// Reads an escaped label value up to its closing quote.
fn quoted_value(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[at + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                other => value.push(other),
            },
            other => value.push(other),
        }
    }
    None
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A sample value: a float, or `+Inf`, `-Inf`, `NaN`.
pub fn number(word: &str) -> Option<f64> {
    match word {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => word.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# HELP http_server_requests_total Requests by route and status.
# TYPE http_server_requests_total counter
http_server_requests_total{method=\"GET\",route=\"/users/{id}\",status=\"200\"} 25
http_server_requests_total{method=\"GET\",route=\"/users/{id}\",status=\"404\"} 4 1700000000000
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 23
http_server_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 29
http_server_request_duration_seconds_sum{route=\"/a\"} 0.25
http_server_request_duration_seconds_count{route=\"/a\"} 29
odd{text=\"a \\\"quoted\\\" \\\\ back\\nslash\", } NaN
up 1
";

    #[test]
    fn reads_kinds_samples_labels_and_values() {
        let exposition = parse(TEXT).unwrap();
        assert_eq!(exposition.samples.len(), 8);
        assert_eq!(
            exposition.kinds["http_server_request_duration_seconds"],
            Kind::Histogram
        );
        let first = &exposition.samples[0];
        assert_eq!(first.name, "http_server_requests_total");
        assert_eq!(first.label("route"), Some("/users/{id}"));
        assert_eq!(first.label("status"), Some("200"));
        assert_eq!(first.value, 25.0);
        assert_eq!(
            exposition.samples[1].value, 4.0,
            "the timestamp is not the value"
        );
        assert_eq!(exposition.samples[3].value, 29.0);
        assert_eq!(exposition.samples[3].label("le"), Some("+Inf"));
        let odd = &exposition.samples[6];
        assert_eq!(odd.label("text"), Some("a \"quoted\" \\ back\nslash"));
        assert!(odd.value.is_nan());
        assert_eq!(exposition.samples[7].labels, vec![]);
        assert_eq!(exposition.samples[7].value, 1.0);
    }

    #[test]
    fn finds_the_family_of_a_suffixed_sample() {
        let exposition = parse(TEXT).unwrap();
        assert_eq!(
            exposition.family_of("http_server_request_duration_seconds_bucket"),
            Some(("http_server_request_duration_seconds", Kind::Histogram))
        );
        assert_eq!(
            exposition.family_of("http_server_requests_total"),
            Some(("http_server_requests_total", Kind::Counter))
        );
        assert_eq!(exposition.family_of("up"), None);
    }

    #[test]
    fn reads_openmetrics_families_and_exemplars() {
        let text =
            "# TYPE jobs counter\njobs_total{kind=\"a\"} 3 # {trace_id=\"x\"} 1 12.5\n# EOF\n";
        let exposition = parse(text).unwrap();
        assert_eq!(exposition.samples[0].value, 3.0);
        assert_eq!(
            exposition.family_of("jobs_total"),
            Some(("jobs", Kind::Counter))
        );
    }

    #[test]
    fn reports_the_line_of_a_bad_sample() {
        let error = parse("# TYPE a gauge\na 1\nb{x=1} 2\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.reason.contains("not quoted"), "{error}");
        assert!(
            parse("c{x=\"1\"} many\n")
                .unwrap_err()
                .reason
                .contains("`many`")
        );
        assert!(parse("9lives 1\n").is_err());
        assert!(parse("d{x=\"open} 1\n").is_err());
    }
}
