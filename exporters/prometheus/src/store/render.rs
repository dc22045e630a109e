//! The store's exposition, in text format 0.0.4 or OpenMetrics 1.0.
//!
//! Families come out sorted by name and series by labels, so consecutive
//! scrapes can be read and diffed. Labels were rendered when each series was
//! created; numbers are written without allocating. OpenMetrics adds what
//! text 0.0.4 has no words for: `# UNIT` (when the unit is the name's
//! suffix, as the format requires), `_created` for counters and histograms,
//! `info` for `*_info` gauges that read 1, `stateset` for state enums,
//! exemplars on counters and buckets, and `# EOF`.

use metrics::Unit;

use crate::negotiate::Format;
use crate::store::cells::Totals;
use crate::store::exemplars::Exemplars;
use crate::store::names::escape_help;
use crate::store::numbers::{push_float, push_int};
use crate::store::registry::{Entry, FamilySnapshot, Kind, Refusal, Registry, Series};

/// The family that counts series the store could not create.
const REFUSED: &str = "vitals_store_refused_series_total";

/// Appends the whole exposition of `registry` in `format` to `out`.
pub(crate) fn render(registry: &Registry, format: Format, out: &mut String) {
    let families = registry.snapshot();
    let mut writer = Writer {
        out,
        openmetrics: format == Format::OpenMetrics,
        counts: Vec::new(),
    };
    let totals = registry.cells().read();
    let mut refused_written = false;
    for family in &families {
        if !refused_written && family.name.as_str() > REFUSED {
            writer.refused(registry);
            refused_written = true;
        }
        writer.family(family, &totals);
    }
    if !refused_written {
        writer.refused(registry);
    }
    if writer.openmetrics {
        writer.out.push_str("# EOF\n");
    }
}

struct Writer<'a> {
    out: &'a mut String,
    openmetrics: bool,
    /// Reused for every histogram's bucket counts.
    counts: Vec<u64>,
}

impl Writer<'_> {
    fn family(&mut self, family: &FamilySnapshot, totals: &Totals<'_>) {
        match family.kind {
            Kind::Counter => self.counter_family(family, totals),
            Kind::Gauge => self.gauge_family(family, totals),
            Kind::Histogram => self.histogram_family(family, totals),
        }
        if !self.openmetrics {
            self.out.push('\n');
        }
    }

    fn counter_family(&mut self, family: &FamilySnapshot, totals: &Totals<'_>) {
        let name = family.name.as_str();
        // OpenMetrics names the family without `_total` and every sample with it.
        let (family_name, sample) = if self.openmetrics {
            let base = name.strip_suffix("_total").unwrap_or(name);
            (base, format!("{base}_total"))
        } else {
            (name, name.to_owned())
        };
        self.header(family, family_name, "counter");
        for entry in &family.entries {
            let Series::Counter(series) = &entry.series else {
                continue;
            };
            self.sample(&sample, &entry.labels, None);
            push_int(self.out, series.value(totals));
            self.exemplar(series.exemplars.as_deref(), 0);
            self.out.push('\n');
            self.created(family_name, entry);
        }
    }

    fn gauge_family(&mut self, family: &FamilySnapshot, totals: &Totals<'_>) {
        let name = family.name.as_str();
        let values: Vec<f64> = family
            .entries
            .iter()
            .map(|entry| match &entry.series {
                Series::Gauge(series) => series.value(totals),
                _ => f64::NAN,
            })
            .collect();
        // Build info and the like: an `info` family in OpenMetrics, whose
        // samples keep their `_info` name, so PromQL sees the same series.
        let info = self
            .openmetrics
            .then(|| name.strip_suffix("_info"))
            .flatten();
        // State enums: labelled with their own name and reading 0 or 1, as
        // an OpenMetrics StateSet is; the series are the same either way.
        let stateset = self.openmetrics
            && family
                .entries
                .iter()
                .all(|entry| has_label(&entry.labels, name))
            && values.iter().all(|value| *value == 0.0 || *value == 1.0);
        match info {
            Some(base) if !base.is_empty() && values.iter().all(|value| *value == 1.0) => {
                self.header(family, base, "info");
            }
            _ if stateset => self.header(family, name, "stateset"),
            _ => self.header(family, name, "gauge"),
        }
        for (entry, value) in family.entries.iter().zip(values) {
            self.sample(name, &entry.labels, None);
            push_float(self.out, value);
            self.out.push('\n');
        }
    }

    fn histogram_family(&mut self, family: &FamilySnapshot, totals: &Totals<'_>) {
        let name = family.name.as_str();
        self.header(family, name, "histogram");
        let bucket = format!("{name}_bucket");
        let sum_name = format!("{name}_sum");
        let count_name = format!("{name}_count");
        let mut counts = std::mem::take(&mut self.counts);
        for entry in &family.entries {
            let Series::Histogram(series) = &entry.series else {
                continue;
            };
            let sum = series.read(totals, &mut counts);
            let mut cumulative = 0_u64;
            for (index, (count, le)) in counts.iter().zip(series.bounds.labels.iter()).enumerate() {
                cumulative += count;
                self.sample(&bucket, &entry.labels, Some(le));
                push_int(self.out, cumulative);
                self.exemplar(series.exemplars.as_deref(), index);
                self.out.push('\n');
            }
            self.sample(&sum_name, &entry.labels, None);
            push_float(self.out, sum);
            self.out.push('\n');
            self.sample(&count_name, &entry.labels, None);
            push_int(self.out, cumulative);
            self.out.push('\n');
            self.created(name, entry);
        }
        self.counts = counts;
    }

    /// `# HELP`, `# TYPE` and (OpenMetrics) `# UNIT` of a family.
    fn header(&mut self, family: &FamilySnapshot, name: &str, kind: &str) {
        if let Some(help) = &family.help {
            self.out.push_str("# HELP ");
            self.out.push_str(name);
            self.out.push(' ');
            escape_help(self.out, help, self.openmetrics);
            self.out.push('\n');
        }
        self.out.push_str("# TYPE ");
        self.out.push_str(name);
        self.out.push(' ');
        self.out.push_str(kind);
        self.out.push('\n');
        if self.openmetrics {
            let unit = family.unit.map(unit_suffix).unwrap_or_default();
            let suffixed = name
                .strip_suffix(unit)
                .is_some_and(|rest| !unit.is_empty() && rest.ends_with('_'));
            if suffixed {
                self.out.push_str("# UNIT ");
                self.out.push_str(name);
                self.out.push(' ');
                self.out.push_str(unit);
                self.out.push('\n');
            }
        }
    }

    /// A sample's name and labels, then a space; the caller writes the value.
    fn sample(&mut self, name: &str, labels: &str, le: Option<&str>) {
        self.out.push_str(name);
        if !labels.is_empty() || le.is_some() {
            self.out.push('{');
            self.out.push_str(labels);
            if let Some(le) = le {
                if !labels.is_empty() {
                    self.out.push(',');
                }
                self.out.push_str("le=\"");
                self.out.push_str(le);
                self.out.push('"');
            }
            self.out.push('}');
        }
        self.out.push(' ');
    }

    /// An exemplar after a counter's or a bucket's value (OpenMetrics only:
    /// text 0.0.4 has no syntax for them).
    fn exemplar(&mut self, exemplars: Option<&Exemplars>, slot: usize) {
        if let Some(exemplars) = exemplars.filter(|_| self.openmetrics) {
            exemplars.write(slot, self.out);
        }
    }

    /// OpenMetrics `<family>_created`: when the series was created.
    fn created(&mut self, family_name: &str, entry: &Entry) {
        if !self.openmetrics {
            return;
        }
        self.out.push_str(family_name);
        self.out.push_str("_created");
        if !entry.labels.is_empty() {
            self.out.push('{');
            self.out.push_str(&entry.labels);
            self.out.push('}');
        }
        self.out.push(' ');
        push_float(self.out, entry.created);
        self.out.push('\n');
    }

    /// The store's own refusals, only once there are any.
    fn refused(&mut self, registry: &Registry) {
        let counts: Vec<(Refusal, u64)> = Refusal::ALL
            .iter()
            .map(|reason| (*reason, registry.refused(*reason)))
            .filter(|(_, count)| *count > 0)
            .collect();
        if counts.is_empty() {
            return;
        }
        let family_name = if self.openmetrics {
            REFUSED.strip_suffix("_total").unwrap_or(REFUSED)
        } else {
            REFUSED
        };
        self.out.push_str("# HELP ");
        self.out.push_str(family_name);
        self.out.push_str(" Series the store did not create, by reason: capacity (every cell handed out) or type_conflict (the name is a family of another type).\n# TYPE ");
        self.out.push_str(family_name);
        self.out.push_str(" counter\n");
        for (reason, count) in counts {
            self.out.push_str(REFUSED);
            self.out.push_str("{reason=\"");
            self.out.push_str(reason.as_str());
            self.out.push_str("\"} ");
            push_int(self.out, count);
            self.out.push('\n');
        }
        if !self.openmetrics {
            self.out.push('\n');
        }
    }
}

/// Whether rendered `labels` (`k="v",...`) have a label called `name`.
fn has_label(labels: &str, name: &str) -> bool {
    let mut rest = labels;
    loop {
        if rest
            .strip_prefix(name)
            .is_some_and(|after| after.starts_with("=\""))
        {
            return true;
        }
        // Skip this label: its name, `="`, its escaped value and `"`.
        let Some(start) = rest.find("=\"") else {
            return false;
        };
        let mut chars = rest[start + 2..].char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => {
                    chars.next();
                }
                Some((index, '"')) => break start + 2 + index,
                Some(_) => {}
                None => return false,
            }
        };
        rest = rest[end + 1..].strip_prefix(',').unwrap_or("");
        if rest.is_empty() {
            return false;
        }
    }
}

/// The name suffix OpenMetrics expects for `unit`; none for `count`
/// (`_total` says it).
fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "",
        other => other.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::has_label;

    #[test]
    fn a_label_is_found_by_name_not_inside_a_value() {
        assert!(has_label("job=\"a\",state=\"up\"", "state"));
        assert!(has_label("state=\"up\"", "state"));
        assert!(!has_label("job=\"state=\\\"x\\\"\"", "state"));
        assert!(!has_label("states=\"up\"", "state"));
        assert!(!has_label("", "state"));
    }
}
