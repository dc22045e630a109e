//! What a tracker, its clones and its running jobs share.

use std::sync::Arc;

use super::handles::{JobHandles, Series};
use crate::per_recorder::PerRecorder;

/// One tracker's series and its handles per ambient recorder.
pub(super) struct Shared {
    pub(super) series: Series,
    /// Index of `cancelled` in `series.outcomes`.
    pub(super) cancelled: usize,
    cache: PerRecorder<Arc<JobHandles>>,
}

impl Shared {
    pub(super) fn new(series: Series, cancelled: usize) -> Self {
        Self {
            series,
            cancelled,
            cache: PerRecorder::new(),
        }
    }

    /// The handles of the current recorder: cached for an ambient one,
    /// registered for this job alone under a local one.
    pub(super) fn handles(&self) -> Arc<JobHandles> {
        self.cache.with(
            |recorder| Arc::new(self.series.register_all(recorder)),
            |recorder, cached| match cached {
                Some(cached) => Arc::clone(cached.value()),
                None => Arc::new(self.series.register_all(recorder)),
            },
        )
    }
}
