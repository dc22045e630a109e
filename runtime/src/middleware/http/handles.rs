//! Handles per label combination, cached per ambient recorder.
//!
//! Routes are found by comparing the matched route template with the cached
//! ones, methods by index, statuses by pointer (every status label is a
//! slice of one static table), so a request for a route seen before takes
//! no lock, hashes nothing and allocates nothing.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Gauge, Histogram, Key, Label, Recorder};

use super::config::{Config, METHOD_LABELS};
use crate::per_recorder::Registrar;
use crate::table::Table;

/// Distinct statuses cached per route and method; later ones are resolved
/// per request.
const STATUSES_PER_METHOD: usize = 24;

pub(super) use crate::middleware::method_label::method_index;

/// The route and method labels of a request.
#[derive(Clone)]
pub(super) struct Labels {
    pub(super) route: Arc<str>,
    pub(super) method: &'static str,
}

impl Labels {
    fn base(&self, config: &Config) -> Vec<Label> {
        vec![
            Label::from_static_parts(config.method_label, self.method),
            Label::new(config.route_label, self.route.to_string()),
        ]
    }

    pub(super) fn register_active(&self, config: &Config, recorder: &dyn Recorder) -> Gauge {
        match config.active {
            Some(name) => recorder.register_gauge(
                &Key::from_parts(name, self.base(config)),
                &config.metadata(),
            ),
            None => Gauge::noop(),
        }
    }

    /// The in-flight gauge, from the current recorder.
    pub(super) fn active_gauge(&self, config: &Config) -> Gauge {
        metrics::with_recorder(|recorder| self.register_active(config, recorder))
    }

    /// The handles of `status`, from the current recorder.
    pub(super) fn status_handles(&self, config: &Config, status: &'static str) -> StatusHandles {
        metrics::with_recorder(|recorder| self.register_status(config, recorder, status))
    }

    pub(super) fn register_status(
        &self,
        config: &Config,
        recorder: &dyn Recorder,
        status: &'static str,
    ) -> StatusHandles {
        let base = self.base(config);
        let mut labels = base.clone();
        labels.push(Label::from_static_parts(config.status_label, status));
        let metadata = config.metadata();
        let histogram = |name: &'static str| {
            recorder.register_histogram(&Key::from_parts(name, labels.clone()), &metadata)
        };
        // Without the status label every status of a (route, method) shares
        // one duration series; the recorder hands back the same one.
        let duration = if config.duration_by_status {
            histogram(config.duration)
        } else {
            recorder.register_histogram(&Key::from_parts(config.duration, base), &metadata)
        };
        StatusHandles {
            status,
            requests: recorder
                .register_counter(&Key::from_parts(config.requests, labels.clone()), &metadata),
            duration,
            request_size: config.request_size.map(histogram),
            response_size: config.response_size.map(histogram),
        }
    }
}

/// The handles of one (route, method, status).
pub(super) struct StatusHandles {
    status: &'static str,
    requests: Counter,
    duration: Histogram,
    request_size: Option<Histogram>,
    response_size: Option<Histogram>,
}

impl StatusHandles {
    pub(super) fn record(&self, seconds: f64, request_bytes: Option<u64>, response_bytes: u64) {
        self.requests.increment(1);
        self.duration.record(seconds);
        if let (Some(histogram), Some(bytes)) = (&self.request_size, request_bytes) {
            histogram.record(bytes as f64);
        }
        if let Some(histogram) = &self.response_size {
            histogram.record(response_bytes as f64);
        }
    }
}

/// The handles of one (route, method) under one ambient recorder.
pub(super) struct RouteMethodHandles {
    config: &'static Config,
    /// Where the handles of a status seen for the first time are registered.
    registrar: Registrar,
    labels: Labels,
    pub(super) active: Gauge,
    statuses: Table<StatusHandles>,
}

impl RouteMethodHandles {
    /// Records one finished request under `status`.
    pub(super) fn record(
        &self,
        status: &'static str,
        seconds: f64,
        request_bytes: Option<u64>,
        response_bytes: u64,
    ) {
        let register = || {
            self.registrar
                .register(|recorder| self.labels.register_status(self.config, recorder, status))
        };
        // Pointer equality first: the labels of response statuses are slices
        // of one static table; text equality for the guard's own constants.
        let same =
            |entry: &StatusHandles| std::ptr::eq(entry.status, status) || entry.status == status;
        match self.statuses.find_or_insert(same, &register) {
            Some(handles) => handles.record(seconds, request_bytes, response_bytes),
            None => register().record(seconds, request_bytes, response_bytes),
        }
    }
}

/// One route template and its handles per method.
struct RouteEntry {
    route: Arc<str>,
    excluded: bool,
    methods: [OnceLock<Arc<RouteMethodHandles>>; METHOD_LABELS.len()],
}

impl RouteEntry {
    fn new(route: &str, excluded: bool) -> Self {
        Self {
            route: Arc::from(route),
            excluded,
            methods: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

/// What a request is recorded with.
pub(super) enum Resolved {
    /// The route is excluded: record nothing.
    Excluded,
    /// Cached handles of the ambient recorder.
    Cached(Arc<RouteMethodHandles>),
    /// No cached handles (another recorder, or the route cache is full).
    Direct(Labels),
}

/// Every route seen under one ambient recorder.
pub(super) struct RouteCache {
    routes: Table<RouteEntry>,
    unmatched: RouteEntry,
}

impl RouteCache {
    pub(super) fn new(config: &Config) -> Self {
        Self {
            routes: Table::new(config.max_routes),
            unmatched: RouteEntry::new(config.unmatched_route, false),
        }
    }

    pub(super) fn resolve(
        &self,
        config: &'static Config,
        registrar: Registrar,
        recorder: &dyn Recorder,
        route: Option<&str>,
        method: usize,
    ) -> Resolved {
        let entry = match route {
            None => &self.unmatched,
            Some(route) => {
                let found = self.routes.find_or_insert(
                    |entry| &*entry.route == route,
                    || RouteEntry::new(route, config.is_excluded(route)),
                );
                match found {
                    Some(entry) => entry,
                    None => return resolve_uncached(config, route, method),
                }
            }
        };
        if entry.excluded {
            return Resolved::Excluded;
        }
        let handles = entry.methods[method].get_or_init(|| {
            let labels = Labels {
                route: Arc::clone(&entry.route),
                method: METHOD_LABELS[method],
            };
            Arc::new(RouteMethodHandles {
                config,
                registrar,
                active: labels.register_active(config, recorder),
                labels,
                statuses: Table::new(STATUSES_PER_METHOD),
            })
        });
        Resolved::Cached(Arc::clone(handles))
    }
}

/// Resolves a request without the cache.
pub(super) fn resolve_uncached(config: &Config, route: &str, method: usize) -> Resolved {
    if config.is_excluded(route) {
        Resolved::Excluded
    } else {
        Resolved::Direct(Labels {
            route: Arc::from(route),
            method: METHOD_LABELS[method],
        })
    }
}
