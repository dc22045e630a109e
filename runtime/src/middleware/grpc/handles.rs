//! Handles of one method under one recorder.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Histogram, Key, Label, Recorder};

use super::codes::CODES;
use super::config::{Config, GrpcNaming};
use crate::recorder_identity::{self, AmbientSlot};

/// Which recorder a method's code-specific handles are registered with.
#[derive(Clone, Copy)]
enum Origin {
    /// An ambient recorder, reached from any thread with `with_ambient`.
    Ambient(AmbientSlot),
    /// Whatever recorder is current when the call ends.
    Current,
}

/// The handles of one method. Code-specific handles are registered the
/// first time the code happens.
pub(super) struct MethodHandles {
    config: &'static Config,
    index: usize,
    origin: Origin,
    pub(super) started: Option<Counter>,
    pub(super) received: Option<Counter>,
    pub(super) sent: Option<Counter>,
    /// go-grpc-middleware's histogram, which has no code label.
    handling: Option<Histogram>,
    handled: [OnceLock<Counter>; CODES],
    /// OpenTelemetry's histogram, labelled by code.
    durations: [OnceLock<Histogram>; CODES],
}

impl MethodHandles {
    fn new(config: &'static Config, index: usize, origin: Origin, recorder: &dyn Recorder) -> Self {
        let labels = config.methods[index].labels;
        let metadata = config.metadata();
        let go = config.naming == GrpcNaming::GoGrpcMiddleware;
        let counter = |name: Option<&'static str>| {
            name.map(|name| {
                recorder.register_counter(&Key::from_static_parts(name, labels), &metadata)
            })
        };
        Self {
            config,
            index,
            origin,
            started: counter(config.started),
            received: counter(config.received),
            sent: counter(config.sent),
            handling: config.duration.filter(|_| go).map(|name| {
                recorder.register_histogram(&Key::from_static_parts(name, labels), &metadata)
            }),
            handled: std::array::from_fn(|_| OnceLock::new()),
            durations: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// Cached handles of method `index` under ambient recorder `slot`.
    pub(super) fn ambient(
        config: &'static Config,
        index: usize,
        slot: AmbientSlot,
        recorder: &dyn Recorder,
    ) -> Self {
        Self::new(config, index, Origin::Ambient(slot), recorder)
    }

    /// Handles of one call under the current, non-ambient recorder.
    pub(super) fn current(config: &'static Config, index: usize, recorder: &dyn Recorder) -> Self {
        Self::new(config, index, Origin::Current, recorder)
    }

    /// Records the end of a call with gRPC code `code` after `seconds`.
    pub(super) fn finish(&self, code: usize, seconds: f64) {
        match self.config.naming {
            GrpcNaming::GoGrpcMiddleware => {
                self.handled[code]
                    .get_or_init(|| {
                        self.register(
                            |recorder, key| {
                                recorder.register_counter(&key, &self.config.metadata())
                            },
                            code,
                        )
                    })
                    .increment(1);
                if let Some(histogram) = &self.handling {
                    histogram.record(seconds);
                }
            }
            GrpcNaming::OpenTelemetry => self.durations[code]
                .get_or_init(|| {
                    self.register(
                        |recorder, key| recorder.register_histogram(&key, &self.config.metadata()),
                        code,
                    )
                })
                .record(seconds),
        }
    }

    fn register<T: Send>(&self, make: impl Fn(&dyn Recorder, Key) -> T + Sync, code: usize) -> T {
        let config = self.config;
        let name = config.coded_family();
        let key = || {
            let mut labels = config.methods[self.index].labels.to_vec();
            labels.push(Label::from_static_parts(
                config.code_label,
                config.code_names[code],
            ));
            Key::from_parts(name, labels)
        };
        match self.origin {
            Origin::Ambient(slot) => {
                recorder_identity::with_ambient(slot, |recorder| make(recorder, key()))
            }
            Origin::Current => metrics::with_recorder(|recorder| make(recorder, key())),
        }
    }
}

/// Every method's handles under one ambient recorder, filled on first use.
pub(super) struct MethodCache {
    methods: Box<[OnceLock<Arc<MethodHandles>>]>,
}

impl MethodCache {
    pub(super) fn new(config: &Config) -> Self {
        Self {
            methods: config.methods.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    pub(super) fn get(
        &self,
        config: &'static Config,
        index: usize,
        slot: AmbientSlot,
        recorder: &dyn Recorder,
    ) -> Arc<MethodHandles> {
        Arc::clone(
            self.methods[index]
                .get_or_init(|| Arc::new(MethodHandles::ambient(config, index, slot, recorder))),
        )
    }
}
