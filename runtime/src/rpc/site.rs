//! One instrumented fn: its metric names, labels and cached handles.

use metrics::{Counter, Gauge, Histogram, Key, Label, Metadata, Recorder};

use crate::catalogue::MetricDescriptor;
use crate::per_recorder::{Cached, PerRecorder};
use crate::table::Table;

/// Distinct statuses one call site caches. Statuses are `&'static str`, so
/// the set is fixed by the program; the 17 gRPC codes plus `panicked` and
/// `cancelled` fit. A site that somehow sees more still counts every call,
/// through the recorder directly instead of the cache.
pub(super) const STATUSES_PER_SITE: usize = 32;

/// The request counter of one status.
pub(super) struct StatusCounter {
    status: &'static str,
    counter: Counter,
}

impl StatusCounter {
    /// Pointer equality first: the same literal is almost always the same address.
    fn is(&self, status: &'static str) -> bool {
        std::ptr::eq(self.status, status) || self.status == status
    }
}

/// The static state of one `#[instrument_rpc]` fn. Generated code creates
/// it; applications never name it.
pub struct RpcSite {
    requests: &'static MetricDescriptor,
    duration: &'static MetricDescriptor,
    pub(super) in_flight: Option<&'static MetricDescriptor>,
    /// `method` and the static labels, in series order; `status` follows them
    /// on the request counter.
    labels: &'static [Label],
    pub(super) cache: PerRecorder<SiteHandles>,
}

/// The handles of one site for one ambient recorder.
pub(super) struct SiteHandles {
    pub(super) duration: Histogram,
    pub(super) in_flight: Option<Gauge>,
    pub(super) statuses: Table<StatusCounter>,
}

impl RpcSite {
    /// A site of the catalogue entry `metrics` (its request counter, its
    /// duration histogram and, unless turned off, its in-flight gauge, in
    /// that order) whose series carry `labels`.
    #[doc(hidden)]
    pub const fn new(metrics: &'static [MetricDescriptor], labels: &'static [Label]) -> Self {
        Self {
            requests: &metrics[0],
            duration: &metrics[1],
            in_flight: if metrics.len() > 2 {
                Some(&metrics[2])
            } else {
                None
            },
            labels,
            cache: PerRecorder::new(),
        }
    }

    /// The cached request counter of `status` under the ambient recorder
    /// `handles` belong to.
    pub(super) fn cached_requests(
        &'static self,
        handles: Cached<'static, SiteHandles>,
        status: &'static str,
    ) -> Option<&'static Counter> {
        let entry = handles.value().statuses.find_or_insert(
            |entry| entry.is(status),
            || StatusCounter {
                status,
                counter: handles.register(|recorder| self.register_requests(recorder, status)),
            },
        )?;
        Some(&entry.counter)
    }

    pub(super) fn register_requests(
        &self,
        recorder: &dyn Recorder,
        status: &'static str,
    ) -> Counter {
        let mut labels = Vec::with_capacity(self.labels.len() + 1);
        labels.extend_from_slice(self.labels);
        labels.push(Label::from_static_parts("status", status));
        recorder.register_counter(
            &Key::from_parts(self.requests.name(), labels),
            &self.metadata(),
        )
    }

    pub(super) fn register_duration(&self, recorder: &dyn Recorder) -> Histogram {
        recorder.register_histogram(
            &Key::from_static_parts(self.duration.name(), self.labels),
            &self.metadata(),
        )
    }

    pub(super) fn register_in_flight(&self, recorder: &dyn Recorder) -> Gauge {
        let name = self.in_flight.map_or("", |descriptor| descriptor.name());
        recorder.register_gauge(&Key::from_static_parts(name, self.labels), &self.metadata())
    }

    fn metadata(&self) -> Metadata<'static> {
        let module = self.requests.origin().module;
        Metadata::new(module, metrics::Level::INFO, Some(module))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_the_same_by_address_or_by_text() {
        let entry = StatusCounter {
            status: "ok",
            counter: Counter::noop(),
        };
        assert!(entry.is("ok"));
        // Equal text at another address is the same status.
        let leaked: &'static str = Box::leak(String::from("ok").into_boxed_str());
        assert!(entry.is(leaked));
        assert!(!entry.is("error"));
    }
}
