//! How numbers are shown: latencies with a unit, rates, ratios, values.

/// A latency in seconds, to three significant figures with a unit
/// (`870µs`, `12.3ms`, `1.50s`); `-` when there is none.
pub fn seconds(value: Option<f64>) -> String {
    let Some(value) = value else {
        return "-".to_owned();
    };
    if value.is_infinite() {
        return "+Inf".to_owned();
    }
    let (scaled, unit) = if value >= 1.0 {
        (value, "s")
    } else if value >= 1e-3 {
        (value * 1e3, "ms")
    } else {
        (value * 1e6, "µs")
    };
    format!("{}{unit}", significant(scaled))
}

/// Requests per second (`12.5/s`); `-` before a second scrape.
pub fn rate(value: Option<f64>) -> String {
    value.map_or_else(
        || "-".to_owned(),
        |value| format!("{}/s", significant(value)),
    )
}

/// A ratio as a percentage (`2.5%`); `-` when there were no requests.
pub fn ratio(value: Option<f64>) -> String {
    value.map_or_else(
        || "-".to_owned(),
        |value| format!("{}%", significant(value * 100.0)),
    )
}

/// A sample value: whole numbers without a fraction, others to four
/// significant figures.
pub fn value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.is_finite() {
        let digits = 3 - value.abs().log10().floor().clamp(-6.0, 3.0) as i32;
        format!("{value:.*}", digits.max(0) as usize)
    } else {
        format!("{value}")
    }
}

/// Three significant figures, without trailing zeros past the point.
fn significant(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let digits = (2 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_carry_a_unit() {
        assert_eq!(seconds(Some(0.000_87)), "870µs");
        assert_eq!(seconds(Some(0.012_34)), "12.3ms");
        assert_eq!(seconds(Some(0.005)), "5ms");
        assert_eq!(seconds(Some(1.5)), "1.5s");
        assert_eq!(seconds(Some(f64::INFINITY)), "+Inf");
        assert_eq!(seconds(None), "-");
    }

    #[test]
    fn rates_ratios_and_values() {
        assert_eq!(rate(Some(12.5)), "12.5/s");
        assert_eq!(rate(Some(0.0)), "0/s");
        assert_eq!(rate(Some(1234.0)), "1234/s");
        assert_eq!(ratio(Some(0.025)), "2.5%");
        assert_eq!(ratio(None), "-");
        assert_eq!(value(42.0), "42");
        assert_eq!(value(0.25), "0.2500");
        assert_eq!(value(1234.5678), "1235");
    }
}
