//! Names and label values made valid for both exposition formats.

/// Metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`, other characters become `_`.
pub(crate) fn sanitize_name(name: &str) -> String {
    sanitized(name, true).collect()
}

/// Appends `name` made valid as a label name (`[a-zA-Z_][a-zA-Z0-9_]*`,
/// other characters become `_`), without allocating.
pub(crate) fn push_sanitized_label(out: &mut String, name: &str) {
    out.extend(sanitized(name, false));
}

fn sanitized(name: &str, colons: bool) -> impl Iterator<Item = char> + '_ {
    name.char_indices().map(move |(index, c)| {
        let valid = c.is_ascii_alphabetic()
            || c == '_'
            || (colons && c == ':')
            || (index > 0 && c.is_ascii_digit());
        if valid { c } else { '_' }
    })
}

/// Appends a label value with `\`, `"` and newlines escaped (both formats).
pub(crate) fn escape_value(out: &mut String, value: &str) {
    escape(out, value, true);
}

/// Appends help text: `\` and newlines escaped, and `"` too in OpenMetrics
/// (text 0.0.4 leaves it bare).
pub(crate) fn escape_help(out: &mut String, help: &str, quotes: bool) {
    escape(out, help, quotes);
}

fn escape(out: &mut String, text: &str, quotes: bool) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quotes => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_are_made_valid() {
        assert_eq!(
            sanitize_name("9http.requests:total"),
            "_http_requests:total"
        );
        let mut label = String::new();
        push_sanitized_label(&mut label, "a:b-c1");
        assert_eq!(label, "a_b_c1");
        let mut out = String::new();
        escape_value(&mut out, "a\"b\\c\nd");
        assert_eq!(out, "a\\\"b\\\\c\\nd");
        let mut help = String::new();
        escape_help(&mut help, "say \"hi\"\n", false);
        assert_eq!(help, "say \"hi\"\\n");
    }
}
