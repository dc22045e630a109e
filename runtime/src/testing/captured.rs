//! A snapshot of recorded series, and the queries tests make on it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use metrics::{Key, Unit};

/// A series: a metric name and its labels, sorted by label name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Series {
    /// The metric name.
    pub name: String,
    /// The labels, sorted by name.
    pub labels: Vec<(String, String)>,
}

impl Series {
    /// A series from a name and labels in any order.
    pub fn new(name: &str, labels: &[(&str, &str)]) -> Series {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        labels.sort();
        Series {
            name: name.to_owned(),
            labels,
        }
    }

    pub(super) fn from_key(key: &Key) -> Series {
        let labels: Vec<(&str, &str)> = key
            .labels()
            .map(|label| (label.key(), label.value()))
            .collect();
        Series::new(key.name(), &labels)
    }
}

impl fmt::Display for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.labels.is_empty() {
            let labels: Vec<String> = self
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect();
            write!(f, "{{{}}}", labels.join(","))?;
        }
        Ok(())
    }
}

/// The value of one series.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A counter's count.
    Counter(u64),
    /// A gauge's value.
    Gauge(f64),
    /// A histogram's aggregates.
    Histogram {
        /// Observations.
        count: u64,
        /// Sum of observations.
        sum: f64,
        /// Smallest observation, if any.
        min: Option<f64>,
        /// Largest observation, if any.
        max: Option<f64>,
    },
}

/// What a [`CapturingRecorder`](super::CapturingRecorder) had recorded when
/// its snapshot was taken.
#[derive(Clone, Debug, Default)]
pub struct Captured {
    values: BTreeMap<Series, Value>,
    help: HashMap<String, (Option<Unit>, String)>,
}

impl Captured {
    pub(super) fn new(
        values: BTreeMap<Series, Value>,
        help: HashMap<String, (Option<Unit>, String)>,
    ) -> Self {
        Self { values, help }
    }

    /// The value of `series`, if registered.
    pub(super) fn value_of(&self, series: &Series) -> Option<&Value> {
        self.values.get(series)
    }

    /// Every description, by metric name.
    pub(super) fn descriptions(&self) -> &HashMap<String, (Option<Unit>, String)> {
        &self.help
    }

    /// The value of one series, if it was registered.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<&Value> {
        self.values.get(&Series::new(name, labels))
    }

    /// A counter's count; `None` if there is no such counter.
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> Option<u64> {
        match self.get(name, labels)? {
            Value::Counter(count) => Some(*count),
            _ => None,
        }
    }

    /// A gauge's value; `None` if there is no such gauge.
    pub fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        match self.get(name, labels)? {
            Value::Gauge(value) => Some(*value),
            _ => None,
        }
    }

    /// A histogram's number of observations; `None` if there is no such histogram.
    pub fn histogram_count(&self, name: &str, labels: &[(&str, &str)]) -> Option<u64> {
        match self.get(name, labels)? {
            Value::Histogram { count, .. } => Some(*count),
            _ => None,
        }
    }

    /// A histogram's sum of observations; `None` if there is no such histogram.
    pub fn histogram_sum(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        match self.get(name, labels)? {
            Value::Histogram { sum, .. } => Some(*sum),
            _ => None,
        }
    }

    /// Every series of metric `name`, with its value.
    pub fn series_of<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (&'a Series, &'a Value)> + 'a {
        self.values
            .iter()
            .filter(move |(series, _)| series.name == name)
    }

    /// Every recorded series, sorted.
    pub fn iter(&self) -> impl Iterator<Item = (&Series, &Value)> {
        self.values.iter()
    }

    /// The help text and unit a metric was described with.
    pub fn description(&self, name: &str) -> Option<(Option<Unit>, &str)> {
        self.help
            .get(name)
            .map(|(unit, help)| (*unit, help.as_str()))
    }
}

impl fmt::Display for Captured {
    /// One line per series, for assertion messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (series, value) in &self.values {
            writeln!(f, "{series} {value:?}")?;
        }
        Ok(())
    }
}
