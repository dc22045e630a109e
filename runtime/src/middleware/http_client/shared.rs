//! What every clone of a layer and its services share: the configuration
//! and the server caches per ambient recorder.

use std::sync::Arc;

use super::config::Config;
use super::handles::{Target, TargetCache};
use crate::per_recorder::{PerRecorder, Registrar};

/// The state one layer's services share.
pub(super) struct Shared {
    config: &'static Config,
    caches: PerRecorder<TargetCache>,
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

    /// The entry of the server at `address:port` under the current recorder.
    pub(super) fn resolve(&self, address: &str, port: Option<u16>) -> Arc<Target> {
        let config = self.config;
        let (address, port) = match config.server_address {
            // One configured name: one entry per port.
            Some(_) => ("", port),
            None => (address, port),
        };
        self.caches.with(
            |_| TargetCache::new(config),
            |_, cached| match cached {
                Some(cache) => cache.find(config, cache.registrar(), address, port),
                None => Arc::new(Target::new(
                    config,
                    address,
                    port,
                    Registrar::current(),
                    false,
                )),
            },
        )
    }
}
