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
use crate::store::names::{escape_value, push_sanitized_label, sanitize_name};
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

#[derive(Default)]
struct State {
    by_key: HashMap<Key, Series>,
    /// Sanitized name -> (kind, labels -> entry).
    families: BTreeMap<String, (Kind, BTreeMap<Arc<str>, Entry>)>,
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
        let known = self
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_key
            .get(key)
            .cloned();
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
        if let Some(series) = state.by_key.get(key) {
            return Ok(series.clone());
        }
        let labels: Arc<str> = render_labels(key).into();
        let state = &mut *state;
        let (family_kind, entries) = state
            .families
            .entry(name)
            .or_insert_with(|| (kind, BTreeMap::new()));
        if *family_kind != kind {
            return Err(Refusal::TypeConflict);
        }
        // Another key (labels in another order, or names that sanitize
        // alike) that renders the same is the same series.
        if let Some(entry) = entries.get(&labels) {
            let series = entry.series.clone();
            state.by_key.insert(key.clone(), series.clone());
            return Ok(series);
        }
        let cells = Arc::clone(&self.cells);
        let exemplars = |slots| {
            self.exemplars
                .as_ref()
                .map(|source| Exemplars::new(source, slots))
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
        entries.insert(
            Arc::clone(&labels),
            Entry {
                labels,
                created: now(),
                series: series.clone(),
            },
        );
        state.by_key.insert(key.clone(), series.clone());
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
                let description = state.descriptions.get(name);
                FamilySnapshot {
                    name: name.clone(),
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

/// `k="v",...` in the key's label order.
fn render_labels(key: &Key) -> String {
    let mut out = String::new();
    for (position, label) in key.labels().enumerate() {
        if position > 0 {
            out.push(',');
        }
        push_sanitized_label(&mut out, label.key());
        out.push_str("=\"");
        escape_value(&mut out, label.value());
        out.push('"');
    }
    out
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
