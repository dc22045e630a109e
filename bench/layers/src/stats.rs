//! Rounds of measurements, and the markdown table they make.

use std::fmt::Write;
use std::time::Duration;

/// The per-round mean time per request of one variant.
pub(crate) struct Measured {
    pub(crate) name: &'static str,
    pub(crate) per_request: Vec<Duration>,
}

impl Measured {
    pub(crate) fn new(name: &'static str) -> Self {
        Self {
            name,
            per_request: Vec::new(),
        }
    }

    fn median_ns(&self) -> f64 {
        let mut nanos: Vec<f64> = self
            .per_request
            .iter()
            .map(|d| d.as_secs_f64() * 1e9)
            .collect();
        nanos.sort_by(f64::total_cmp);
        match nanos.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => nanos[n / 2],
            n => (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0,
        }
    }

    fn spread_ns(&self) -> (f64, f64) {
        let nanos = self.per_request.iter().map(|d| d.as_secs_f64() * 1e9);
        nanos.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
    }
}

/// A markdown table; the first variant is the baseline.
pub(crate) fn report(title: &str, measured: &[Measured]) -> String {
    let mut out = format!(
        "#### {title}\n\n| variant | median ns/request | min–max over rounds | overhead vs. baseline |\n|---|---:|---:|---:|\n"
    );
    let baseline = measured.first().map_or(f64::NAN, Measured::median_ns);
    for variant in measured {
        let median = variant.median_ns();
        let (low, high) = variant.spread_ns();
        let overhead = if std::ptr::eq(variant, &measured[0]) {
            "—".to_owned()
        } else {
            format!(
                "{:+.0} ns ({:+.1}%)",
                median - baseline,
                (median / baseline - 1.0) * 100.0
            )
        };
        let _ = writeln!(
            out,
            "| {} | {median:.0} | {low:.0}–{high:.0} | {overhead} |",
            variant.name
        );
    }
    out
}
