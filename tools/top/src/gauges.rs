//! The gauges panel: state enums first, then every other gauge series.
//!
//! A state enum exported one series per state (`coordinator_state{coordinator_state="recovering"} 1`,
//! the text format's stand-in for an OpenMetrics StateSet) shows as one
//! line naming the current state.

use std::collections::BTreeMap;

use crate::exposition::{Exposition, Kind, Sample};
use crate::format::value;

/// One line of the gauges panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GaugeLine {
    /// The series (`process_open_fds`, `jobs_in_flight{kind="prove"}`) or the state enum's name.
    pub name: String,
    /// The value, or the current state's name.
    pub value: String,
    /// Whether the line is a state enum's.
    pub state: bool,
}

/// Every gauge of `exposition`, state enums first, then by name.
pub fn gauges(exposition: &Exposition) -> Vec<GaugeLine> {
    let mut families: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for sample in &exposition.samples {
        if let Some((family, Kind::Gauge)) = exposition.family_of(&sample.name) {
            families.entry(family).or_default().push(sample);
        }
    }
    let mut lines = Vec::new();
    for (family, samples) in families {
        let stateset = samples.iter().all(|sample| sample.label(family).is_some());
        if stateset {
            let current: Vec<&str> = samples
                .iter()
                .filter(|sample| sample.value == 1.0)
                .filter_map(|sample| sample.label(family))
                .collect();
            lines.push(GaugeLine {
                name: family.to_owned(),
                value: if current.is_empty() {
                    "-".to_owned()
                } else {
                    current.join(",")
                },
                state: true,
            });
            continue;
        }
        for sample in samples {
            let labels: Vec<String> = sample
                .labels
                .iter()
                .map(|(name, value)| format!("{name}=\"{value}\""))
                .collect();
            let name = if labels.is_empty() {
                sample.name.clone()
            } else {
                format!("{}{{{}}}", sample.name, labels.join(","))
            };
            lines.push(GaugeLine {
                name,
                value: value(sample.value),
                state: family.ends_with("_state"),
            });
        }
    }
    // Stable: by name within each group.
    lines.sort_by_key(|line| !line.state);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::parse;

    #[test]
    fn states_first_then_every_gauge_series() {
        let exposition = parse(
            "# TYPE a_in_flight gauge\n\
             a_in_flight{kind=\"prove\"} 3\n\
             # TYPE coordinator_state gauge\n\
             coordinator_state 2\n\
             # TYPE phase gauge\n\
             phase{phase=\"idle\"} 0\n\
             phase{phase=\"running\"} 1\n\
             # TYPE hits_total counter\n\
             hits_total 4\n\
             # TYPE process_resident_memory_bytes gauge\n\
             process_resident_memory_bytes 12345678\n",
        )
        .unwrap();
        let lines: Vec<(String, String, bool)> = gauges(&exposition)
            .into_iter()
            .map(|line| (line.name, line.value, line.state))
            .collect();
        assert_eq!(
            lines,
            [
                ("coordinator_state".into(), "2".into(), true),
                ("phase".into(), "running".into(), true),
                ("a_in_flight{kind=\"prove\"}".into(), "3".into(), false),
                (
                    "process_resident_memory_bytes".into(),
                    "12345678".into(),
                    false
                ),
            ]
        );
    }
}
