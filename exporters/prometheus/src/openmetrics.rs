//! Prometheus text format 0.0.4 to OpenMetrics 1.0 text.
//!
//! The two formats differ in a few places, all handled here:
//! - a counter family is named without `_total`, its samples with it;
//! - `untyped` is called `unknown`;
//! - `"` in `# HELP` text is escaped;
//! - no blank lines, and the exposition ends with `# EOF`.
//!
//! ```
//! let text = "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total{kind=\"a\"} 3\n\n";
//! assert_eq!(
//!     vitals_prometheus::openmetrics::from_text(text),
//!     "# HELP jobs Jobs done.\n# TYPE jobs counter\njobs_total{kind=\"a\"} 3\n# EOF\n",
//! );
//! ```

use std::collections::HashSet;

/// Converts a text-format 0.0.4 exposition to OpenMetrics text.
pub fn from_text(text: &str) -> String {
    let counters: HashSet<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .filter(|(_, kind)| kind.trim() == "counter")
        .map(|(name, _)| name)
        .collect();

    let mut out = String::with_capacity(text.len() + 8);
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            out.push_str("# HELP ");
            out.push_str(family_name(name, &counters));
            out.push(' ');
            out.push_str(&escape_quotes(help));
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "unknown"));
            let kind = if kind.trim() == "untyped" {
                "unknown"
            } else {
                kind.trim()
            };
            out.push_str("# TYPE ");
            out.push_str(family_name(name, &counters));
            out.push(' ');
            out.push_str(kind);
        } else if line.starts_with('#') {
            // Other comments have no meaning in OpenMetrics and are not allowed.
            continue;
        } else {
            let name_end = line.find(['{', ' ']).unwrap_or(line.len());
            let name = &line[..name_end];
            out.push_str(name);
            if counters.contains(name) && !name.ends_with("_total") {
                out.push_str("_total");
            }
            out.push_str(&line[name_end..]);
        }
        out.push('\n');
    }
    out.push_str("# EOF\n");
    out
}

/// The OpenMetrics family name of a 0.0.4 metric name.
fn family_name<'a>(name: &'a str, counters: &HashSet<&str>) -> &'a str {
    if counters.contains(name) {
        name.strip_suffix("_total").unwrap_or(name)
    } else {
        name
    }
}

/// Escapes `"` (text 0.0.4 leaves it bare in help text; OpenMetrics does not).
fn escape_quotes(help: &str) -> String {
    let mut out = String::with_capacity(help.len());
    let mut escaped = false;
    for c in help.chars() {
        if c == '"' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::from_text;

    #[test]
    fn counters_lose_total_in_the_family_name_only() {
        let text =
            "# TYPE done_total counter\ndone_total 1\n# TYPE plain counter\nplain{a=\"b\"} 2\n";
        assert_eq!(
            from_text(text),
            "# TYPE done counter\ndone_total 1\n# TYPE plain counter\nplain_total{a=\"b\"} 2\n# EOF\n"
        );
    }

    #[test]
    fn histograms_and_gauges_pass_through_without_blank_lines() {
        let text = "# HELP t Time \"spent\".\n# TYPE t histogram\nt_bucket{le=\"+Inf\"} 0\nt_sum 0\nt_count 0\n\n# TYPE g gauge\ng 1.5\n\n";
        assert_eq!(
            from_text(text),
            "# HELP t Time \\\"spent\\\".\n# TYPE t histogram\nt_bucket{le=\"+Inf\"} 0\nt_sum 0\nt_count 0\n# TYPE g gauge\ng 1.5\n# EOF\n"
        );
    }

    #[test]
    fn untyped_becomes_unknown_and_an_empty_exposition_is_just_eof() {
        assert_eq!(
            from_text("# TYPE x untyped\nx 1\n"),
            "# TYPE x unknown\nx 1\n# EOF\n"
        );
        assert_eq!(from_text(""), "# EOF\n");
    }
}
