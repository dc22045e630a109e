//! Handles of one method under one recorder.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Histogram, Key, Label, Recorder};

use super::codes::CODES;
use super::config::{Config, GrpcNaming};
use crate::per_recorder::Registrar;

/// The handles of one method. Code-specific handles are registered the
/// first time the code happens.
pub(super) struct MethodHandles {
    config: &'static Config,
    index: usize,
    /// Where code-specific handles are registered.
    registrar: Registrar,
    pub(super) started: Option<Counter>,
    /// Messages of the request stream: received on a server, sent by a client.
    pub(super) request_messages: Option<Counter>,
    /// Messages of the response stream: sent by a server, received by a client.
    pub(super) response_messages: Option<Counter>,
    /// go-grpc-middleware's histogram, which has no code label.
    handling: Option<Histogram>,
    handled: [OnceLock<Counter>; CODES],
    /// OpenTelemetry's histogram, labelled by code.
    durations: [OnceLock<Histogram>; CODES],
}

impl MethodHandles {
    pub(super) fn new(
        config: &'static Config,
        index: usize,
        registrar: Registrar,
        recorder: &dyn Recorder,
    ) -> Self {
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
            registrar,
            started: counter(config.started),
            request_messages: counter(config.request_messages),
            response_messages: counter(config.response_messages),
            handling: config.duration.filter(|_| go).map(|name| {
                recorder.register_histogram(&Key::from_static_parts(name, labels), &metadata)
            }),
            handled: std::array::from_fn(|_| OnceLock::new()),
            durations: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// How the method streams; `None` for calls to no registered method.
    pub(super) fn kind(&self) -> Option<super::methods::GrpcType> {
        self.config.methods[self.index].kind
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
        self.registrar.register(|recorder| make(recorder, key()))
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

    /// The handles of method `index`, registered with `recorder` (the
    /// ambient one `registrar` stands for) on first use.
    pub(super) fn get(
        &self,
        config: &'static Config,
        index: usize,
        registrar: Registrar,
        recorder: &dyn Recorder,
    ) -> Arc<MethodHandles> {
        Arc::clone(
            self.methods[index]
                .get_or_init(|| Arc::new(MethodHandles::new(config, index, registrar, recorder))),
        )
    }
}
