//! What every clone of a layer and its services share: the configuration
//! and the method caches per ambient recorder.

use std::sync::Arc;

use super::config::Config;
use super::handles::{MethodCache, MethodHandles};
use crate::per_recorder::{PerRecorder, Registrar};

/// The state one layer's services share.
pub(super) struct Shared {
    config: &'static Config,
    caches: PerRecorder<MethodCache>,
}

impl Shared {
    pub(super) fn new(config: &'static Config) -> Self {
        Self {
            config,
            caches: PerRecorder::new(),
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
        self.caches.with(
            |_| MethodCache::new(config),
            |recorder, cached| match cached {
                Some(cache) => cache.get(config, index, cache.registrar(), recorder),
                None => Arc::new(MethodHandles::new(
                    config,
                    index,
                    Registrar::current(),
                    recorder,
                )),
            },
        )
    }
}
