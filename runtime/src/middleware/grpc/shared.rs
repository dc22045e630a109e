//! What every clone of a layer and its services share: the configuration
//! and the method caches per ambient recorder.

use std::sync::{Arc, OnceLock};

use super::config::Config;
use super::handles::{MethodCache, MethodHandles};
use crate::recorder_identity::{self, AMBIENT_SLOTS};

/// The state one layer's services share.
pub(super) struct Shared {
    config: &'static Config,
    caches: [OnceLock<MethodCache>; AMBIENT_SLOTS],
}

impl Shared {
    pub(super) fn new(config: &'static Config) -> Self {
        Self {
            config,
            caches: [OnceLock::new(), OnceLock::new()],
        }
    }

    pub(super) fn config(&self) -> &'static Config {
        self.config
    }
}

impl Shared {
    /// The handles of the method at `path` under the current recorder.
    pub(super) fn resolve(&self, path: &str) -> Arc<MethodHandles> {
        let config = self.config;
        let index = config.method_index(path);
        metrics::with_recorder(|recorder| match recorder_identity::ambient_slot(recorder) {
            Some(slot) => self.caches[slot]
                .get_or_init(|| MethodCache::new(config))
                .get(config, index, slot, recorder),
            None => Arc::new(MethodHandles::current(config, index, recorder)),
        })
    }
}
