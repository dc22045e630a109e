//! Which series exist: keys to series, families sorted by name and series
//! by labels, and the help and unit each family was described with.
//!
//! A key is looked up under a read lock (only a new series takes the write
//! lock); labels are sanitized, escaped and joined once, when the series is
//! created, and a scrape copies the sorted list of series out of the lock
//! before it reads a single number, so recording never waits for a render.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, SharedString, Unit};

use crate::store::cells::{CAPACITY, CHUNK, Cells, Index};
use crate::store::config::{StoreConfig, checked_buckets};
use crate::store::exemplars::{ExemplarSource, Exemplars};
use crate::store::names::{
    Matcher, Sink, escape_value, push_sanitized_label, push_sanitized_name, sanitize_name,
};
use crate::store::series::{Bounds, CounterSeries, GaugeSeries, HistogramSeries};

/// What a family holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// A series of any kind.
#[derive(Clone, Debug)]
pub(crate) enum Series {
    Counter(Arc<CounterSeries>),
    Gauge(Arc<GaugeSeries>),
    Histogram(Arc<HistogramSeries>),
}

impl Series {
    fn kind(&self) -> Kind {
        match self {
            Series::Counter(_) => Kind::Counter,
            Series::Gauge(_) => Kind::Gauge,
            Series::Histogram(_) => Kind::Histogram,
        }
    }
}

/// A series with its rendered labels and creation time.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// `name="value",...`, sanitized and escaped; empty without labels.
    pub(crate) labels: Arc<str>,
    /// Seconds since the Unix epoch (OpenMetrics `_created`).
    pub(crate) created: f64,
    pub(crate) series: Series,
}

/// One family as a scrape sees it.
#[derive(Debug)]
pub(crate) struct FamilySnapshot {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) help: Option<SharedString>,
    pub(crate) unit: Option<Unit>,
    /// Sorted by labels.
    pub(crate) entries: Vec<Entry>,
}

/// Why a series was not created (`vitals_store_refused_series_total{reason}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The store's cells are all handed out.
    Capacity,
    /// The name is already a family of another type.
    TypeConflict,
}

impl Refusal {
    pub(crate) const ALL: [Refusal; 2] = [Refusal::Capacity, Refusal::TypeConflict];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Refusal::Capacity => "capacity",
            Refusal::TypeConflict => "type_conflict",
        }
    }
}

/// A series found by its key's hash. The key itself is not kept (with its
/// owned name and label strings it would be the largest part of a series);
/// a hit is confirmed by comparing the key, as it would render, with the
/// series' family name and labels.
struct Indexed {
    family: Arc<str>,
    labels: Arc<str>,
    series: Series,
}

impl Indexed {
    fn is(&self, key: &Key) -> bool {
        let mut name = Matcher::new(&self.family);
        push_sanitized_name(&mut name, key.name());
        let mut labels = Matcher::new(&self.labels);
        render_labels(key, &mut labels);
        name.matched() && labels.matched()
    }
}

/// A family's series by rendered labels.
type Entries = BTreeMap<Arc<str>, Entry>;

#[derive(Default)]
struct State {
    /// `Key::get_hash` -> the first series created or found with that hash.
    by_hash: HashMap<u64, Indexed>,
    /// Sanitized name -> (kind, labels -> entry).
    families: BTreeMap<Arc<str>, (Kind, Entries)>,
    /// Sanitized name -> help and unit, described before or after creation.
    descriptions: HashMap<String, (SharedString, Option<Unit>)>,
    next_int: usize,
    next_float: usize,
}

/// Every series of one store.
pub(crate) struct Registry {
    cells: Arc<Cells>,
    default_bounds: Arc<Bounds>,
    bounds: HashMap<String, Arc<Bounds>>,
    state: RwLock<State>,
    refused: [AtomicU64; 2],
    /// Given to every counter and histogram created after it is set.
    exemplars: Option<ExemplarSource>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("cells", &self.cells)
            .finish_non_exhaustive()
    }
}

impl Registry {
    pub(crate) fn new(config: &StoreConfig) -> Self {
        Self {
            cells: Cells::new(),
            default_bounds: Arc::new(Bounds::new(&config.default_buckets)),
            bounds: config
                .buckets
                .iter()
                .map(|(name, bounds)| (name.clone(), Arc::new(Bounds::new(bounds))))
                .collect(),
            state: RwLock::default(),
            refused: [const { AtomicU64::new(0) }; 2],
            exemplars: None,
        }
    }

    /// Counters and histograms created from now on ask `source` for exemplars.
    pub(crate) fn set_exemplar_source(&mut self, source: ExemplarSource) {
        self.exemplars = Some(source);
    }

    pub(crate) fn cells(&self) -> &Cells {
        &self.cells
    }

    pub(crate) fn describe(&self, name: KeyName, unit: Option<Unit>, help: SharedString) {
        self.state
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .descriptions
            .insert(sanitize_name(name.as_str()), (help, unit));
    }

    pub(crate) fn counter(&self, key: &Key) -> Counter {
        match self.series(key, Kind::Counter) {
            Some(Series::Counter(series)) => Counter::from_arc(series),
            _ => Counter::noop(),
        }
    }

    pub(crate) fn gauge(&self, key: &Key) -> Gauge {
        match self.series(key, Kind::Gauge) {
            Some(Series::Gauge(series)) => Gauge::from_arc(series),
            _ => Gauge::noop(),
        }
    }

    pub(crate) fn histogram(&self, key: &Key) -> Histogram {
        match self.series(key, Kind::Histogram) {
            Some(Series::Histogram(series)) => Histogram::from_arc(series),
            _ => Histogram::noop(),
        }
    }

    /// Series refused for `reason` so far.
    pub(crate) fn refused(&self, reason: Refusal) -> u64 {
        self.refused[reason as usize].load(Ordering::Relaxed)
    }

    /// The series of `key`, created as `kind` if new; `None` (counted) when
    /// it cannot be.
    fn series(&self, key: &Key, kind: Kind) -> Option<Series> {
        let known = find(
            &self.state.read().unwrap_or_else(PoisonError::into_inner),
            key,
        );
        let series = match known {
            Some(series) => Ok(series),
            None => self.create(key, kind),
        };
        match series {
            Ok(series) if series.kind() == kind => Some(series),
            Ok(_) => self.refuse(key, Refusal::TypeConflict),
            Err(refusal) => self.refuse(key, refusal),
        }
    }

    fn refuse(&self, key: &Key, reason: Refusal) -> Option<Series> {
        if self.refused[reason as usize].fetch_add(1, Ordering::Relaxed) == 0 {
            tracing::warn!(
                metric = key.name(),
                reason = reason.as_str(),
                "series not recorded; counted in vitals_store_refused_series_total"
            );
        }
        None
    }

    fn create(&self, key: &Key, kind: Kind) -> Result<Series, Refusal> {
        let name = sanitize_name(key.name());
        let bounds = (kind == Kind::Histogram).then(|| self.bounds_for(key.name()));
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = find(&state, key) {
            return Ok(series);
        }
        let mut labels = String::new();
        render_labels(key, &mut labels);
        let labels: Arc<str> = labels.into();
        let state = &mut *state;
        let family: Arc<str> = match state.families.get_key_value(name.as_str()) {
            Some((family, _)) => Arc::clone(family),
            None => name.into(),
        };
        let (family_kind, entries) = state
            .families
            .entry(Arc::clone(&family))
            .or_insert_with(|| (kind, BTreeMap::new()));
        if *family_kind != kind {
            return Err(Refusal::TypeConflict);
        }
        let index = |series: &Series| Indexed {
            family: Arc::clone(&family),
            labels: Arc::clone(&labels),
            series: series.clone(),
        };
        // Another key (labels in another order, or names that sanitize
        // alike) that renders the same is the same series.
        if let Some(entry) = entries.get(&labels) {
            let series = entry.series.clone();
            state
                .by_hash
                .entry(key.get_hash())
                .or_insert_with(|| index(&series));
            return Ok(series);
        }
        let cells = Arc::clone(&self.cells);
        let exemplars = |slots| {
            self.exemplars
                .as_ref()
                .map(|source| Box::new(Exemplars::new(source, slots)))
        };
        let series = match bounds {
            None if kind == Kind::Counter => {
                let at = allocate(&mut state.next_int, 1)?;
                Series::Counter(Arc::new(CounterSeries::new(cells, at, exemplars(1))))
            }
            None => {
                let at = allocate(&mut state.next_float, 1)?;
                Series::Gauge(Arc::new(GaugeSeries::new(cells, at)))
            }
            Some(bounds) => {
                let counts_at = allocate(&mut state.next_int, bounds.buckets())?;
                let sum_at = allocate(&mut state.next_float, 1)?;
                let slots = exemplars(bounds.buckets());
                Series::Histogram(Arc::new(HistogramSeries::new(
                    cells,
                    bounds,
                    (counts_at, sum_at),
                    slots,
                )))
            }
        };
        state
            .by_hash
            .entry(key.get_hash())
            .or_insert_with(|| index(&series));
        entries.insert(
            Arc::clone(&labels),
            Entry {
                labels,
                created: now(),
                series: series.clone(),
            },
        );
        Ok(series)
    }

    fn bounds_for(&self, name: &str) -> Arc<Bounds> {
        match self.bounds.get(name) {
            Some(bounds) => Arc::clone(bounds),
            None => declared_after_build(name).unwrap_or_else(|| Arc::clone(&self.default_bounds)),
        }
    }

    /// Every family, sorted, with its series sorted by labels.
    pub(crate) fn snapshot(&self) -> Vec<FamilySnapshot> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        state
            .families
            .iter()
            .filter(|(_, (_, entries))| !entries.is_empty())
            .map(|(name, (kind, entries))| {
                let description = state.descriptions.get(&**name);
                FamilySnapshot {
                    name: name.to_string(),
                    kind: *kind,
                    help: description.map(|(help, _)| help.clone()),
                    unit: description.and_then(|(_, unit)| *unit),
                    entries: entries.values().cloned().collect(),
                }
            })
            .collect()
    }
}

/// `count` consecutive cells from `next`, within one chunk (a histogram's
/// buckets are read as one run).
fn allocate(next: &mut usize, count: usize) -> Result<Index, Refusal> {
    let mut start = *next;
    if start % CHUNK + count > CHUNK {
        start = start.next_multiple_of(CHUNK);
    }
    if start + count > CAPACITY {
        return Err(Refusal::Capacity);
    }
    *next = start + count;
    Ok(start as Index)
}

/// The series of `key`, if it exists: by its hash, or, when another key
/// holds that hash, by its rendered name and labels.
fn find(state: &State, key: &Key) -> Option<Series> {
    let indexed = state.by_hash.get(&key.get_hash())?;
    if indexed.is(key) {
        return Some(indexed.series.clone());
    }
    let mut labels = String::new();
    render_labels(key, &mut labels);
    let (_, entries) = state.families.get(sanitize_name(key.name()).as_str())?;
    entries
        .get(labels.as_str())
        .map(|entry| entry.series.clone())
}

/// Writes `k="v",...` in the key's label order.
fn render_labels(key: &Key, out: &mut impl Sink) {
    for (position, label) in key.labels().enumerate() {
        if position > 0 {
            out.put(',');
        }
        push_sanitized_label(out, label.key());
        out.put_str("=\"");
        escape_value(out, label.value());
        out.put('"');
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

/// The buckets of a histogram declared in the catalogue after the exporter
/// was built (a job tracker or middleware layer created after `install()`),
/// so late declarations keep their buckets instead of silently getting the
/// default. Looked up whenever a series of a metric the store has no bounds
/// for is created, never when recording. Invalid run-time declarations fall
/// back to the default, with a warning.
fn declared_after_build(name: &str) -> Option<Arc<Bounds>> {
    let catalogue = vitals::catalogue();
    let declared = catalogue.descriptors().iter().find(|descriptor| {
        descriptor.name() == name
            && descriptor.kind() == vitals::catalogue::MetricKind::Histogram
            && !descriptor.buckets().is_empty()
    })?;
    match checked_buckets(name, declared.buckets()) {
        Ok(bounds) => Some(Arc::new(Bounds::new(&bounds))),
        Err(error) => {
            tracing::warn!(%error, "using the default buckets");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::new(&StoreConfig {
            default_buckets: vec![1.0],
            buckets: Vec::new(),
        })
    }

    fn value(registry: &Registry, labels: &str) -> Option<u64> {
        let totals = registry.cells().read();
        let state = registry.state.read().unwrap();
        let (_, entries) = state.families.get("jobs_total")?;
        match &entries.get(labels)?.series {
            Series::Counter(series) => Some(series.value(&totals)),
            _ => None,
        }
    }

    #[test]
    fn a_key_whose_hash_another_key_holds_still_finds_its_own_series() {
        let registry = registry();
        let a = Key::from_parts("jobs_total", vec![metrics::Label::new("kind", "a")]);
        let b = Key::from_parts("jobs_total", vec![metrics::Label::new("kind", "b")]);
        registry.counter(&a).increment(1);
        // Make `b`'s hash point at `a`'s series, as a collision would.
        {
            let mut state = registry.state.write().unwrap();
            let a_index = state.by_hash.remove(&a.get_hash()).unwrap();
            state.by_hash.insert(b.get_hash(), a_index);
        }
        registry.counter(&b).increment(5);
        registry.counter(&b).increment(5);
        registry.counter(&a).increment(1);
        assert_eq!(value(&registry, "kind=\"a\""), Some(2));
        assert_eq!(value(&registry, "kind=\"b\""), Some(10));
    }

    #[test]
    fn keys_that_render_alike_are_one_series() {
        let registry = registry();
        let ab = Key::from_parts(
            "jobs_total",
            vec![
                metrics::Label::new("x-y", "1"),
                metrics::Label::new("z", "2"),
            ],
        );
        let same = Key::from_parts(
            "jobs_total",
            vec![
                metrics::Label::new("x_y", "1"),
                metrics::Label::new("z", "2"),
            ],
        );
        registry.counter(&ab).increment(1);
        registry.counter(&same).increment(1);
        assert_eq!(value(&registry, "x_y=\"1\",z=\"2\""), Some(2));
    }

    #[test]
    fn histogram_runs_never_straddle_a_chunk() {
        let mut next = CHUNK - 2;
        assert_eq!(allocate(&mut next, 2), Ok((CHUNK - 2) as Index));
        let mut next = CHUNK - 2;
        assert_eq!(allocate(&mut next, 3), Ok(CHUNK as Index));
        assert_eq!(next, CHUNK + 3);
        let mut next = CAPACITY - 1;
        assert_eq!(allocate(&mut next, 2), Err(Refusal::Capacity));
    }
}
