//! What a tracker, its clones and its running jobs share.

use std::sync::OnceLock;

use super::handles::{JobHandles, Series};
use crate::recorder_identity::{AMBIENT_SLOTS, AmbientSlot};

/// One tracker's series and its handles per ambient recorder.
pub(super) struct Shared {
    pub(super) series: Series,
    /// Index of `cancelled` in `series.outcomes`.
    pub(super) cancelled: usize,
    cache: [OnceLock<JobHandles>; AMBIENT_SLOTS],
}

impl Shared {
    pub(super) fn new(series: Series, cancelled: usize) -> Self {
        Self {
            series,
            cancelled,
            cache: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// The handles of ambient recorder `slot`, registered on first use.
    pub(super) fn cached(
        &self,
        slot: AmbientSlot,
        recorder: &dyn metrics::Recorder,
    ) -> &JobHandles {
        self.cache[slot].get_or_init(|| self.series.register_all(recorder))
    }

    /// The handles of `slot`, which [`cached`](Self::cached) filled when the job started.
    pub(super) fn filled(&self, slot: AmbientSlot) -> Option<&JobHandles> {
        self.cache[slot].get()
    }
}
