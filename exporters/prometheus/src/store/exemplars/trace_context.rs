//! Exemplars from OpenTelemetry: the trace and span ids of the current
//! `tracing` span, as tracing-opentelemetry tracks them.

use opentelemetry::trace::TraceContextExt as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::store::exemplars::labels::ExemplarLabels;

/// An exemplar source: `trace_id` and `span_id` (lower-case hex, as W3C
/// trace context and Grafana's exemplar links write them) of the current
/// `tracing` span's OpenTelemetry context, when it has a valid one; no
/// exemplar otherwise. Needs tracing-opentelemetry's layer in the
/// subscriber.
///
/// ```no_run
/// # fn main() -> Result<(), vitals_prometheus::BuildError> {
/// let exporter = vitals_prometheus::Exporter::builder(vitals_prometheus::build_info!())
///     .exemplars(vitals_prometheus::exemplars::trace_context)
///     .install()?;
/// # Ok(()) }
/// ```
pub fn trace_context(labels: &mut ExemplarLabels) {
    let context = tracing::Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    if !span_context.is_valid() {
        return;
    }
    let mut trace = [0; 32];
    let mut span = [0; 16];
    labels.push(
        "trace_id",
        hex(&span_context.trace_id().to_bytes(), &mut trace),
    );
    labels.push(
        "span_id",
        hex(&span_context.span_id().to_bytes(), &mut span),
    );
}

/// `bytes` as lower-case hex in `out` (twice as long), without allocating.
fn hex<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    // Only ASCII digits were written.
    std::str::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lower_case_and_padded() {
        let mut out = [0; 6];
        assert_eq!(super::hex(&[0x00, 0xab, 0x0f], &mut out), "00ab0f");
    }
}
