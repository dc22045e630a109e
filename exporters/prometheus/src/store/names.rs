//! Names and label values made valid for both exposition formats, written
//! into a [`Sink`]: a `String`, or a [`Matcher`] that checks what would be
//! written against text written before, without allocating.

/// Where names and values are written.
pub(crate) trait Sink {
    fn put(&mut self, c: char);
    fn put_str(&mut self, text: &str);
}

impl Sink for String {
    fn put(&mut self, c: char) {
        self.push(c);
    }
    fn put_str(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// Whether what is written equals `expected`, compared as it is written.
pub(crate) struct Matcher<'a> {
    rest: Option<&'a str>,
}

impl<'a> Matcher<'a> {
    pub(crate) fn new(expected: &'a str) -> Self {
        Self {
            rest: Some(expected),
        }
    }

    /// Everything written matched, and nothing of `expected` is left over.
    pub(crate) fn matched(&self) -> bool {
        self.rest == Some("")
    }
}

impl Sink for Matcher<'_> {
    fn put(&mut self, c: char) {
        self.rest = self.rest.and_then(|rest| rest.strip_prefix(c));
    }
    fn put_str(&mut self, text: &str) {
        self.rest = self.rest.and_then(|rest| rest.strip_prefix(text));
    }
}

/// Metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`, other characters become `_`.
pub(crate) fn sanitize_name(name: &str) -> String {
    sanitized(name, true).collect()
}

/// Writes `name` made valid as a metric name (see [`sanitize_name`]).
pub(crate) fn push_sanitized_name(out: &mut impl Sink, name: &str) {
    push_sanitized(out, name, true);
}

/// Writes `name` made valid as a label name (`[a-zA-Z_][a-zA-Z0-9_]*`,
/// other characters become `_`).
pub(crate) fn push_sanitized_label(out: &mut impl Sink, name: &str) {
    push_sanitized(out, name, false);
}

fn push_sanitized(out: &mut impl Sink, name: &str, colons: bool) {
    // Names are almost always valid already: one write, not one per char
    // (a lookup compares a key this way on every `counter!` call).
    if name
        .bytes()
        .enumerate()
        .all(|(index, byte)| valid(index, char::from(byte), colons))
    {
        out.put_str(name);
    } else {
        sanitized(name, colons).for_each(|c| out.put(c));
    }
}

fn valid(index: usize, c: char, colons: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (colons && c == ':') || (index > 0 && c.is_ascii_digit())
}

fn sanitized(name: &str, colons: bool) -> impl Iterator<Item = char> + '_ {
    name.char_indices()
        .map(move |(index, c)| if valid(index, c, colons) { c } else { '_' })
}

/// Writes a label value with `\`, `"` and newlines escaped (both formats).
pub(crate) fn escape_value(out: &mut impl Sink, value: &str) {
    escape(out, value, true);
}

/// Writes help text: `\` and newlines escaped, and `"` too in OpenMetrics
/// (text 0.0.4 leaves it bare).
pub(crate) fn escape_help(out: &mut impl Sink, help: &str, quotes: bool) {
    escape(out, help, quotes);
}

fn escape(out: &mut impl Sink, text: &str, quotes: bool) {
    // Clean runs are written whole; only the characters to escape one by one.
    let mut rest = text;
    while let Some(at) = rest.find(|c| c == '\\' || c == '\n' || (quotes && c == '"')) {
        out.put_str(&rest[..at]);
        out.put_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\n' => "\\n",
            _ => "\\\"",
        });
        rest = &rest[at + 1..];
    }
    out.put_str(rest);
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

    #[test]
    fn a_matcher_compares_what_would_be_written() {
        let written = |expected: &str| {
            let mut matcher = Matcher::new(expected);
            push_sanitized_label(&mut matcher, "a-b");
            escape_value(&mut matcher, "\"x\"");
            matcher.matched()
        };
        assert!(written("a_b\\\"x\\\""));
        assert!(!written("a_b\\\"x\\\"y"));
        assert!(!written("a_b\\\"x"));
        assert!(!written("a-b\\\"x\\\""));
    }
}
