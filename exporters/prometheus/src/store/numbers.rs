//! Numbers as the exposition formats write them, without allocating.

/// Appends `value`: integers without a fraction (`3`, not `3.0`), `NaN`,
/// `+Inf` and `-Inf` as both formats spell them, other floats in their
/// shortest round-tripping form.
pub(crate) fn push_float(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        // Exact: every integer below 2^53 is a float.
        push_int(out, value as i64);
    } else {
        out.push_str(ryu::Buffer::new().format_finite(value));
    }
}

/// Appends an integer.
pub(crate) fn push_int(out: &mut String, value: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// `value` as [`push_float`] writes it.
pub(crate) fn float(value: f64) -> String {
    let mut out = String::new();
    push_float(&mut out, value);
    out
}

#[cfg(test)]
mod tests {
    use super::float;

    #[test]
    fn floats_are_written_as_prometheus_reads_them() {
        assert_eq!(float(1.0), "1");
        assert_eq!(float(-0.0), "0");
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(2.5e-7), "2.5e-7");
        assert_eq!(float(1e300), "1e300");
        assert_eq!(float(f64::NAN), "NaN");
        assert_eq!(float(f64::INFINITY), "+Inf");
        assert_eq!(float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(float(123456789.0), "123456789");
    }
}
