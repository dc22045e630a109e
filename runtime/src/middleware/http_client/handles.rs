//! Handles per server, method, status and error type, cached per ambient
//! recorder: a request to a server seen before compares its host and port
//! with the cached ones and its status and error type by pointer (every
//! label is a slice of a static table), so it takes no lock, hashes
//! nothing and allocates nothing.

use std::sync::{Arc, OnceLock};

use metrics::{Counter, Histogram, Key, Label, Recorder};

use super::config::Config;
use super::labels::{ERROR_TYPE, METHOD, OTHER, SERVER_ADDRESS, SERVER_PORT, STATUS_CODE};
use crate::middleware::method_label::METHOD_LABELS;
use crate::per_recorder::Registrar;
use crate::table::Table;

/// Distinct (status, error type) pairs cached per server and method;
/// later ones are registered per request.
const OUTCOMES_PER_METHOD: usize = 24;

/// The handles of one (server, method, status, error type).
struct Outcome {
    status: &'static str,
    error: &'static str,
    requests: Counter,
    duration: Histogram,
}

/// One server (address and port) and its handles per method.
pub(super) struct Target {
    config: &'static Config,
    address: Box<str>,
    port: Option<u16>,
    port_label: Box<str>,
    registrar: Registrar,
    methods: [Table<Outcome>; METHOD_LABELS.len()],
}

impl Target {
    /// A server's entry; `cached` is false for one resolved per request.
    pub(super) fn new(
        config: &'static Config,
        address: &str,
        port: Option<u16>,
        registrar: Registrar,
        cached: bool,
    ) -> Self {
        let capacity = if cached { OUTCOMES_PER_METHOD } else { 0 };
        Self {
            config,
            address: address.into(),
            port,
            port_label: port.map(|port| port.to_string()).unwrap_or_default().into(),
            registrar,
            methods: std::array::from_fn(|_| Table::new(capacity)),
        }
    }

    /// The entry of every server past the cap.
    fn other(config: &'static Config, registrar: Registrar) -> Self {
        Self {
            port_label: OTHER.into(),
            ..Self::new(config, OTHER, None, registrar, true)
        }
    }

    fn is(&self, address: &str, port: Option<u16>) -> bool {
        self.port == port && &*self.address == address
    }

    /// Records one finished request.
    pub(super) fn record(
        &self,
        method: usize,
        status: &'static str,
        error: &'static str,
        seconds: f64,
    ) {
        let register = || {
            self.registrar
                .register(|recorder| self.register(recorder, method, status, error))
        };
        let same = |outcome: &Outcome| {
            std::ptr::eq(outcome.status, status) && std::ptr::eq(outcome.error, error)
        };
        let record = |outcome: &Outcome| {
            outcome.requests.increment(1);
            outcome.duration.record(seconds);
        };
        match self.methods[method].find_or_insert(same, &register) {
            Some(outcome) => record(outcome),
            None => record(&register()),
        }
    }

    fn register(
        &self,
        recorder: &dyn Recorder,
        method: usize,
        status: &'static str,
        error: &'static str,
    ) -> Outcome {
        let config = self.config;
        let address = config.server_address.map_or_else(
            || Label::new(SERVER_ADDRESS, self.address.to_string()),
            |address| Label::from_static_parts(SERVER_ADDRESS, address),
        );
        let labels = vec![
            Label::from_static_parts(METHOD, METHOD_LABELS[method]),
            address,
            Label::new(SERVER_PORT, self.port_label.to_string()),
            Label::from_static_parts(STATUS_CODE, status),
            Label::from_static_parts(ERROR_TYPE, error),
        ];
        let metadata = config.metadata();
        Outcome {
            status,
            error,
            requests: recorder
                .register_counter(&Key::from_parts(config.requests, labels.clone()), &metadata),
            duration: recorder
                .register_histogram(&Key::from_parts(config.duration, labels), &metadata),
        }
    }
}

/// Every server seen under one ambient recorder.
pub(super) struct TargetCache {
    targets: Table<Arc<Target>>,
    other: OnceLock<Arc<Target>>,
}

impl TargetCache {
    pub(super) fn new(config: &'static Config) -> Self {
        Self {
            targets: Table::new(config.max_servers),
            other: OnceLock::new(),
        }
    }

    /// The entry of the server at `address:port`, `_OTHER` past the cap.
    pub(super) fn find(
        &self,
        config: &'static Config,
        registrar: Registrar,
        address: &str,
        port: Option<u16>,
    ) -> Arc<Target> {
        let found = self.targets.find_or_insert(
            |target| target.is(address, port),
            || Arc::new(Target::new(config, address, port, registrar, true)),
        );
        Arc::clone(found.unwrap_or_else(|| {
            self.other
                .get_or_init(|| Arc::new(Target::other(config, registrar)))
        }))
    }
}
