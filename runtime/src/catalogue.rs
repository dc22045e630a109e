//! The catalogue: every metric the program declares, known before it runs.
//!
//! Each `#[instrument_rpc]` call site, `#[metric_group]` field and
//! `#[metric_enum(state = ..)]` places its static [`MetricDescriptor`]s into
//! a link-time section. Nothing runs at start-up: the linker gathers the descriptors of
//! every crate in the binary and [`catalogue()`] reads them.
//!
//! Exporters use it to describe every metric (`# HELP`, `# TYPE`, unit), to
//! set per-metric histogram buckets and to pre-create a zero-valued series for
//! every known label combination, so a fresh process already exposes every
//! series it can produce ("avoid missing metrics" in the Prometheus
//! instrumentation guide).
//!
//! ```
//! #[vitals::instrument_rpc(prefix = "shop", method = "Checkout")]
//! fn checkout() {}
//!
//! let family = vitals::catalogue()
//!     .families()
//!     .into_iter()
//!     .find(|family| family.name() == "shop_requests_total")
//!     .expect("declared by the attribute above");
//! assert_eq!(family.label_names(), ["method", "status"]);
//! assert!(family.known_series().contains(&vec![("method", "Checkout"), ("status", "ok")]));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

pub use metrics::Unit;

/// The metric descriptors linked into this binary, in no particular order:
/// one entry per declaration site, holding every descriptor of that site
/// (an `#[instrument_rpc]` fn declares two or three metrics in one entry,
/// so each site pays for one link-section item, not three).
#[doc(hidden)]
#[linkme::distributed_slice]
pub static CATALOGUE: [&'static [MetricDescriptor]];

/// Descriptors declared at run time, by components whose names are chosen at
/// run time (a middleware layer with a configurable prefix).
static DECLARED_AT_RUN_TIME: Mutex<Vec<&'static MetricDescriptor>> = Mutex::new(Vec::new());

/// Returns the catalogue of every metric declared anywhere in this binary,
/// at link time or through [`declare`].
pub fn catalogue() -> Catalogue {
    let run_time = DECLARED_AT_RUN_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    Catalogue {
        descriptors: CATALOGUE
            .iter()
            .flat_map(|entry| entry.iter())
            .chain(run_time.iter().copied())
            .collect(),
    }
}

/// Adds a descriptor whose names are only known at run time and returns it
/// with a `'static` lifetime.
///
/// For components configured at start-up, such as a middleware layer with a
/// chosen prefix: each call keeps its descriptor for the rest of the
/// process, so declare once per component, not per request. Declare before
/// the exporter is installed so it can set the metric's buckets; later
/// declarations still get their series described and pre-created by
/// [`MetricDescriptor::register_known_series`].
///
/// The descriptor's [`Origin`] gets the caller's file and line (through
/// `#[track_caller]`, so a caller that is itself `#[track_caller]` passes
/// its own caller's): a [`Conflict`] then names the user's call site, not
/// the library code that declared on its behalf.
#[track_caller]
pub fn declare(mut descriptor: MetricDescriptor) -> &'static MetricDescriptor {
    let caller = std::panic::Location::caller();
    descriptor.origin.file = caller.file();
    descriptor.origin.line = caller.line();
    let descriptor: &'static MetricDescriptor = Box::leak(Box::new(descriptor));
    DECLARED_AT_RUN_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(descriptor);
    descriptor
}

/// The kind of a metric, as Prometheus types it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKind {
    /// A monotonically increasing count; the name ends in `_total`.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// A distribution over fixed buckets.
    Histogram,
}

impl MetricKind {
    /// The Prometheus `# TYPE` word.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The values a label can take, as far as they are known before the program runs.
#[derive(Clone, Copy)]
pub enum LabelValues {
    /// Exactly these values (a method name, a static label, an enum's variants).
    Known(&'static [&'static str]),
    /// These values, computed from a type at run time (a return type's statuses).
    Computed(fn() -> &'static [&'static str]),
    /// Values appear at run time and cannot be listed (HTTP codes, bounded ids).
    Open,
}

impl LabelValues {
    /// The values, or `None` when they cannot be listed in advance.
    pub fn values(&self) -> Option<&'static [&'static str]> {
        match self {
            LabelValues::Known(values) => Some(values),
            LabelValues::Computed(compute) => Some(compute()).filter(|values| !values.is_empty()),
            LabelValues::Open => None,
        }
    }
}

impl fmt::Debug for LabelValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.values() {
            Some(values) => f.debug_list().entries(values).finish(),
            None => f.write_str("Open"),
        }
    }
}

/// One label of a metric: its name and the values it can take.
#[derive(Clone, Copy, Debug)]
pub struct LabelDescriptor {
    name: &'static str,
    values: LabelValues,
}

impl LabelDescriptor {
    /// A label named `name` taking `values`.
    pub const fn new(name: &'static str, values: LabelValues) -> Self {
        Self { name, values }
    }

    /// The label name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The values the label can take.
    pub fn values(&self) -> LabelValues {
        self.values
    }
}

/// Where a metric was declared in source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// `module_path!()` of the declaration.
    pub module: &'static str,
    /// `file!()` of the declaration.
    pub file: &'static str,
    /// `line!()` of the declaration.
    pub line: u32,
}

/// A metric as one declaration site declares it.
///
/// Several sites may declare the same metric name (every handler contributes
/// its `method` to `{prefix}_requests_total`); [`Catalogue::families`] merges
/// them.
#[derive(Debug)]
pub struct MetricDescriptor {
    name: &'static str,
    kind: MetricKind,
    help: &'static str,
    unit: Option<Unit>,
    labels: &'static [LabelDescriptor],
    buckets: &'static [f64],
    origin: Origin,
}

impl MetricDescriptor {
    /// A descriptor, for [`declare`]. The macros build theirs at compile
    /// time after checking every name; a run-time declaration is checked by
    /// the exporter (buckets) and by Prometheus (names), so keep to the
    /// naming rules: counters end in `_total`, durations in `_seconds`.
    #[allow(clippy::too_many_arguments)] // a const constructor for generated code, one argument per field
    pub const fn new(
        name: &'static str,
        kind: MetricKind,
        help: &'static str,
        unit: Option<Unit>,
        labels: &'static [LabelDescriptor],
        buckets: &'static [f64],
        origin: Origin,
    ) -> Self {
        Self {
            name,
            kind,
            help,
            unit,
            labels,
            buckets,
            origin,
        }
    }

    /// The full metric name, as exposed (`_total` included for counters).
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// Counter, gauge or histogram.
    pub fn kind(&self) -> MetricKind {
        self.kind
    }
    /// The `# HELP` text.
    pub fn help(&self) -> &'static str {
        self.help
    }
    /// The unit, if the metric has one.
    pub fn unit(&self) -> Option<Unit> {
        self.unit
    }
    /// The labels, in the order they appear on a series.
    pub fn labels(&self) -> &'static [LabelDescriptor] {
        self.labels
    }
    /// Histogram bucket upper bounds (empty for counters and gauges).
    pub fn buckets(&self) -> &'static [f64] {
        self.buckets
    }
    /// Where the metric was declared.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Describes this metric to the current recorder and registers a
    /// zero-valued series for each of its known label combinations.
    pub fn register_known_series(&'static self) {
        let family = Family::merge(vec![self]);
        metrics::with_recorder(|recorder| family.register_with(recorder));
    }

    /// Every label combination this declaration can produce, when all its
    /// labels have listable values; `None` otherwise.
    pub fn known_series(&self) -> Option<Vec<Vec<(&'static str, &'static str)>>> {
        let mut series = vec![Vec::new()];
        for label in self.labels {
            let values = label.values.values()?;
            series = series
                .into_iter()
                .flat_map(|prefix| {
                    values.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push((label.name, *value));
                        next
                    })
                })
                .collect();
        }
        Some(series)
    }
}

/// The metrics declared in this binary.
#[derive(Clone, Debug)]
pub struct Catalogue {
    descriptors: Vec<&'static MetricDescriptor>,
}

impl Catalogue {
    /// Every declaration, one per declaration site.
    pub fn descriptors(&self) -> &[&'static MetricDescriptor] {
        &self.descriptors
    }

    /// Declarations merged by metric name, sorted by name.
    pub fn families(&self) -> Vec<Family> {
        let mut by_name: BTreeMap<&'static str, Vec<&'static MetricDescriptor>> = BTreeMap::new();
        for &descriptor in &self.descriptors {
            by_name.entry(descriptor.name).or_default().push(descriptor);
        }
        by_name.into_values().map(Family::merge).collect()
    }

    /// Declarations of one name that disagree on kind, labels, unit or buckets.
    ///
    /// Prometheus needs one type, one label set and one bucket layout per
    /// family; an exporter should refuse to start (or at least warn) when this
    /// is not empty.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.families()
            .into_iter()
            .flat_map(|family| family.conflicts)
            .collect()
    }

    /// Describes every family to the current `metrics` recorder and registers
    /// a zero-valued series for every known label combination.
    ///
    /// Call it once, right after installing a recorder, so the first scrape
    /// already lists every series the program can produce.
    pub fn register_known_series(&self) {
        metrics::with_recorder(|recorder| {
            for family in self.families() {
                family.register_with(recorder);
            }
        });
    }
}

/// One metric name, merged over all the sites that declare it.
#[derive(Debug)]
pub struct Family {
    first: &'static MetricDescriptor,
    sites: Vec<&'static MetricDescriptor>,
    conflicts: Vec<Conflict>,
}

impl Family {
    fn merge(sites: Vec<&'static MetricDescriptor>) -> Family {
        let first = sites[0];
        let conflicts = sites[1..]
            .iter()
            .filter_map(|other| Conflict::between(first, other))
            .collect();
        Family {
            first,
            sites,
            conflicts,
        }
    }

    /// The metric name.
    pub fn name(&self) -> &'static str {
        self.first.name
    }
    /// Counter, gauge or histogram.
    pub fn kind(&self) -> MetricKind {
        self.first.kind
    }
    /// The `# HELP` text (of the first declaration).
    pub fn help(&self) -> &'static str {
        self.first.help
    }
    /// The unit, if any.
    pub fn unit(&self) -> Option<Unit> {
        self.first.unit
    }
    /// Histogram bucket upper bounds (of the first declaration).
    pub fn buckets(&self) -> &'static [f64] {
        self.first.buckets
    }
    /// The label names, in series order.
    pub fn label_names(&self) -> Vec<&'static str> {
        self.first.labels.iter().map(|label| label.name).collect()
    }
    /// The declarations merged into this family.
    pub fn sites(&self) -> &[&'static MetricDescriptor] {
        &self.sites
    }

    /// Every listable label combination over all sites, without duplicates.
    pub fn known_series(&self) -> Vec<Vec<(&'static str, &'static str)>> {
        let mut all: Vec<Vec<(&'static str, &'static str)>> = Vec::new();
        for site in &self.sites {
            for series in site.known_series().unwrap_or_default() {
                if !all.contains(&series) {
                    all.push(series);
                }
            }
        }
        all
    }

    fn register_with(&self, recorder: &dyn metrics::Recorder) {
        let name = metrics::KeyName::from_const_str(self.name());
        let help = metrics::SharedString::const_str(self.help());
        let metadata = metrics::Metadata::new(self.first.origin.module, metrics::Level::INFO, None);
        match self.kind() {
            MetricKind::Counter => recorder.describe_counter(name, self.unit(), help),
            MetricKind::Gauge => recorder.describe_gauge(name, self.unit(), help),
            MetricKind::Histogram => recorder.describe_histogram(name, self.unit(), help),
        }
        for series in self.known_series() {
            let labels = series
                .iter()
                .map(|(key, value)| metrics::Label::from_static_parts(key, value))
                .collect::<Vec<_>>();
            let key = metrics::Key::from_parts(self.name(), labels);
            match self.kind() {
                MetricKind::Counter => recorder.register_counter(&key, &metadata).increment(0),
                MetricKind::Gauge => recorder.register_gauge(&key, &metadata).increment(0.0),
                MetricKind::Histogram => drop(recorder.register_histogram(&key, &metadata)),
            }
        }
    }
}

/// Two declarations of one metric name that cannot share a family.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The metric name.
    pub name: &'static str,
    /// What differs, in words.
    pub difference: String,
    /// The first declaration.
    pub first: Origin,
    /// The declaration that disagrees with it.
    pub other: Origin,
}

impl Conflict {
    fn between(first: &MetricDescriptor, other: &MetricDescriptor) -> Option<Conflict> {
        let names = |d: &MetricDescriptor| d.labels.iter().map(|l| l.name).collect::<Vec<_>>();
        let difference = if first.kind != other.kind {
            format!("declared as a {} and as a {}", first.kind, other.kind)
        } else if names(first) != names(other) {
            format!("labels {:?} and {:?}", names(first), names(other))
        } else if first.unit != other.unit {
            format!("units {:?} and {:?}", first.unit, other.unit)
        } else if first.buckets != other.buckets {
            format!("buckets {:?} and {:?}", first.buckets, other.buckets)
        } else {
            return None;
        };
        Some(Conflict {
            name: first.name,
            difference,
            first: first.origin,
            other: other.origin,
        })
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "metric `{}` is {} ({}:{} and {}:{})",
            self.name,
            self.difference,
            self.first.file,
            self.first.line,
            self.other.file,
            self.other.line
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Origin = Origin {
        module: "tests",
        file: "catalogue.rs",
        line: 1,
    };
    static METHOD_STATUS: [LabelDescriptor; 2] = [
        LabelDescriptor::new("method", LabelValues::Known(&["Get", "Put"])),
        LabelDescriptor::new("status", LabelValues::Computed(|| &["ok", "error"])),
    ];
    static METHOD_OPEN: [LabelDescriptor; 1] = [LabelDescriptor::new("method", LabelValues::Open)];
    static COUNTER: MetricDescriptor = MetricDescriptor::new(
        "app_requests_total",
        MetricKind::Counter,
        "requests",
        None,
        &METHOD_STATUS,
        &[],
        HERE,
    );
    static SAME_NAME_GAUGE: MetricDescriptor = MetricDescriptor::new(
        "app_requests_total",
        MetricKind::Gauge,
        "requests",
        None,
        &METHOD_STATUS,
        &[],
        HERE,
    );
    static SAME_NAME_OTHER_LABELS: MetricDescriptor = MetricDescriptor::new(
        "app_requests_total",
        MetricKind::Counter,
        "requests",
        None,
        &METHOD_OPEN,
        &[],
        HERE,
    );
    static FAST: MetricDescriptor = MetricDescriptor::new(
        "app_seconds",
        MetricKind::Histogram,
        "d",
        Some(Unit::Seconds),
        &[],
        &[0.1, 1.0],
        HERE,
    );
    static SLOW: MetricDescriptor = MetricDescriptor::new(
        "app_seconds",
        MetricKind::Histogram,
        "d",
        Some(Unit::Seconds),
        &[],
        &[1.0, 10.0],
        HERE,
    );

    fn catalogue_of(descriptors: &[&'static MetricDescriptor]) -> Catalogue {
        Catalogue {
            descriptors: descriptors.to_vec(),
        }
    }

    #[test]
    fn known_series_is_the_product_of_every_label_s_values() {
        assert_eq!(
            COUNTER.known_series().unwrap(),
            [
                vec![("method", "Get"), ("status", "ok")],
                vec![("method", "Get"), ("status", "error")],
                vec![("method", "Put"), ("status", "ok")],
                vec![("method", "Put"), ("status", "error")],
            ]
        );
        assert_eq!(
            SAME_NAME_OTHER_LABELS.known_series(),
            None,
            "an open label cannot be listed"
        );
        assert_eq!(
            FAST.known_series().unwrap(),
            [Vec::<(&str, &str)>::new()],
            "no labels: one series"
        );
    }

    #[test]
    fn disagreeing_declarations_of_one_name_are_conflicts() {
        assert!(catalogue_of(&[&COUNTER, &COUNTER]).conflicts().is_empty());
        let kinds = catalogue_of(&[&COUNTER, &SAME_NAME_GAUGE]).conflicts();
        assert_eq!(kinds.len(), 1);
        assert_eq!(kinds[0].difference, "declared as a counter and as a gauge");
        let labels = catalogue_of(&[&COUNTER, &SAME_NAME_OTHER_LABELS]).conflicts();
        assert!(labels[0].difference.starts_with("labels"), "{}", labels[0]);
        let buckets = catalogue_of(&[&FAST, &SLOW]).conflicts();
        assert!(
            buckets[0]
                .to_string()
                .contains("buckets [0.1, 1.0] and [1.0, 10.0]"),
            "{}",
            buckets[0]
        );
    }

    #[test]
    fn a_run_time_declaration_names_its_caller() {
        let declared = declare(MetricDescriptor::new(
            "app_declared_total",
            MetricKind::Counter,
            "declared",
            None,
            &[],
            &[],
            HERE,
        ));
        let line = line!() - 9;
        assert_eq!(declared.origin().file, file!());
        assert_eq!(declared.origin().line, line);
        assert_eq!(
            declared.origin().module,
            "tests",
            "the module is the declarer's"
        );
    }

    #[test]
    fn families_merge_sites_and_their_series() {
        let families = catalogue_of(&[&FAST, &COUNTER, &COUNTER]).families();
        let names: Vec<&str> = families.iter().map(Family::name).collect();
        assert_eq!(
            names,
            ["app_requests_total", "app_seconds"],
            "sorted by name"
        );
        assert_eq!(families[0].sites().len(), 2);
        assert_eq!(families[0].known_series().len(), 4, "duplicates removed");
    }
}
