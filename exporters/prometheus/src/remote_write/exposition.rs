//! Samples read back from the text exposition, so remote write sends
//! exactly what `/metrics` shows (any store, process metrics included).

/// One sample: its labels (`__name__` first, as written) and value.
#[derive(Debug, PartialEq)]
pub(crate) struct Sample {
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) value: f64,
}

/// Every sample of a text 0.0.4 exposition; comments, blank lines and
/// lines that do not parse are skipped.
pub(crate) fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(sample)
        .collect()
}

fn sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let mut labels = vec![("__name__".to_owned(), line[..name_end].to_owned())];
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        rest = parse_labels(inner, &mut labels)?;
    }
    let value = rest.trim_start().split(' ').next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        other => other.parse().ok()?,
    };
    Some(Sample { labels, value })
}

/// Parses `k="v",...}` and returns what follows the `}`.
fn parse_labels<'a>(mut rest: &'a str, labels: &mut Vec<(String, String)>) -> Option<&'a str> {
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Some(after);
        }
        let (name, after) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next()? {
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (index, '"') => break index,
                (_, c) => value.push(c),
            }
        };
        labels.push((name.to_owned(), value));
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn samples_come_back_with_their_labels_unescaped() {
        let text = "# HELP x_total Things.\n# TYPE x_total counter\n\
                    x_total{kind=\"a\\\"b\\\\c\\nd\",le=\"+Inf\"} 3\nup 1\n\
                    t_sum NaN\nt_bucket{le=\"+Inf\"} +Inf\nbroken{a=\"b\" 1\n\n";
        let found = samples(text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(
            found[0],
            Sample {
                labels: labels(&[
                    ("__name__", "x_total"),
                    ("kind", "a\"b\\c\nd"),
                    ("le", "+Inf")
                ]),
                value: 3.0
            }
        );
        assert_eq!(
            found[1],
            Sample {
                labels: labels(&[("__name__", "up")]),
                value: 1.0
            }
        );
        assert_eq!(found[2].labels, labels(&[("__name__", "t_sum")]));
        assert!(found[2].value.is_nan());
        assert_eq!(
            found[3],
            Sample {
                labels: labels(&[("__name__", "t_bucket"), ("le", "+Inf")]),
                value: f64::INFINITY
            }
        );
    }
}
