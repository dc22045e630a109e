//! The label set of one exemplar, kept within OpenMetrics' limit.

use crate::store::names::{escape_value, push_sanitized_label};

/// The most characters (label names and values together) an exemplar's
/// label set may have, as OpenMetrics 1.0 requires.
pub const MAX_EXEMPLAR_CHARS: usize = 128;

/// The label set of one exemplar, as an
/// [`ExemplarSource`](crate::exemplars::ExemplarSource) fills it.
///
/// ```
/// use vitals_prometheus::exemplars::ExemplarLabels;
/// let mut labels = ExemplarLabels::default();
/// assert!(labels.push("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
/// // A pair that would pass the 128-character limit is refused, whole.
/// assert!(!labels.push("note", &"x".repeat(100)));
/// assert_eq!(labels.as_str(), "trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"");
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExemplarLabels {
    /// `name="value",...`, sanitized and escaped.
    rendered: String,
    /// Characters of names and values so far (before escaping).
    chars: usize,
}

impl ExemplarLabels {
    /// Adds `name="value"` (the name made valid as a label name); refused,
    /// leaving the set as it was, when the set would pass
    /// [`MAX_EXEMPLAR_CHARS`].
    pub fn push(&mut self, name: &str, value: &str) -> bool {
        let chars = self.chars + name.chars().count() + value.chars().count();
        if chars > MAX_EXEMPLAR_CHARS || name.is_empty() {
            return false;
        }
        if !self.rendered.is_empty() {
            self.rendered.push(',');
        }
        push_sanitized_label(&mut self.rendered, name);
        self.rendered.push_str("=\"");
        escape_value(&mut self.rendered, value);
        self.rendered.push('"');
        self.chars = chars;
        true
    }

    /// No labels: the source found no context, so there is no exemplar.
    pub fn is_empty(&self) -> bool {
        self.rendered.is_empty()
    }

    /// The label set as OpenMetrics writes it inside `{}`.
    pub fn as_str(&self) -> &str {
        &self.rendered
    }

    /// Empties the set, keeping its buffer.
    pub(crate) fn clear(&mut self) {
        self.rendered.clear();
        self.chars = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_sets_stay_within_128_characters() {
        let mut labels = ExemplarLabels::default();
        assert!(labels.push("trace_id", &"a".repeat(32)));
        assert!(labels.push("span_id", &"b".repeat(16)));
        // 8 + 32 + 7 + 16 = 63 so far: 1 + 65 more would make 129.
        assert!(!labels.push("x", &"c".repeat(65)));
        assert!(labels.push("x", &"c".repeat(64)));
        assert!(!labels.push("y", ""));
        assert_eq!(labels.chars, MAX_EXEMPLAR_CHARS);
        // Multi-byte characters count once.
        let mut labels = ExemplarLabels::default();
        assert!(labels.push("é", &"ü".repeat(127)));
    }
}
