//! The consuming builder: configuration in, [`Exporter`] out.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use vitals::health::HealthRegistry;

use crate::address::{DEFAULT_ADDRESS, parse_listen_address};
use crate::auth::BearerToken;
use crate::build_info::BuildInfo;
use crate::error::BuildError;
use crate::exporter::Exporter;
#[cfg(feature = "push")]
use crate::push::PushConfig;
use crate::scrape_metrics::ScrapeMetrics;
use crate::shared::Shared;
use crate::store::exemplars::{ExemplarLabels, ExemplarSource};
use crate::store::{
    MetricsStore, SharedRecorder, StoreConfig, StoreFactory, VitalsStore, checked_buckets,
    spawn_upkeep,
};
#[cfg(feature = "tls")]
use crate::tls::TlsConfig;

/// Configures an [`Exporter`]; start with [`Exporter::builder`].
///
/// Setters that can fail return `Result<Self, BuildError>` so `?` chains
/// them; the rest return `Self`.
#[must_use = "a builder does nothing until `install` or `build` is called"]
pub struct ExporterBuilder {
    build_info: Option<BuildInfo>,
    address: SocketAddr,
    #[cfg(feature = "process")]
    process: bool,
    health: HealthRegistry,
    token: Option<BearerToken>,
    protect_health: bool,
    #[cfg(feature = "tls")]
    tls: Option<TlsConfig>,
    #[cfg(feature = "push")]
    push: Option<PushConfig>,
    #[cfg(feature = "push")]
    push_interval: Duration,
    upkeep_interval: Duration,
    default_buckets: Vec<f64>,
    bucket_overrides: Vec<(String, Vec<f64>)>,
    check_timeout: Duration,
    scrape_metrics: bool,
    live_page: bool,
    store: Option<StoreFactory>,
    exemplars: Option<ExemplarSource>,
}

impl std::fmt::Debug for ExporterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("ExporterBuilder");
        debug
            .field("build_info", &self.build_info)
            .field("address", &self.address)
            .field("protected", &self.token.is_some());
        #[cfg(feature = "tls")]
        debug.field("tls", &self.tls.is_some());
        #[cfg(feature = "push")]
        debug.field("push", &self.push);
        debug
            .field("custom_store", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

/// A builder without build info (add one with
/// [`build_info`](ExporterBuilder::build_info)): for a library, a test or a
/// service whose build metadata comes from elsewhere.
impl Default for ExporterBuilder {
    fn default() -> Self {
        Self {
            build_info: None,
            address: DEFAULT_ADDRESS,
            #[cfg(feature = "process")]
            process: true,
            health: HealthRegistry::global().clone(),
            token: None,
            protect_health: false,
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "push")]
            push: None,
            #[cfg(feature = "push")]
            push_interval: Duration::from_secs(15),
            upkeep_interval: Duration::from_secs(5),
            default_buckets: vitals::buckets::PROMETHEUS_DEFAULT.to_vec(),
            bucket_overrides: Vec::new(),
            check_timeout: Duration::from_secs(2),
            scrape_metrics: true,
            live_page: true,
            store: None,
            exemplars: None,
        }
    }
}

// Here rather than in `exporter.rs`, so the exporter does not import its builder.
impl Exporter {
    /// Starts configuring an exporter for the application described by
    /// `build_info` (use [`build_info!`](crate::build_info!)).
    pub fn builder(build_info: BuildInfo) -> ExporterBuilder {
        ExporterBuilder::new(build_info)
    }
}

impl ExporterBuilder {
    /// A builder exposing `build_info` (use [`build_info!`](crate::build_info!)).
    pub fn new(build_info: BuildInfo) -> Self {
        Self::default().build_info(build_info)
    }

    /// Exposes `build_info` as `{app}_build_info` and in `/status`,
    /// replacing any given before.
    pub fn build_info(mut self, build_info: BuildInfo) -> Self {
        self.build_info = Some(build_info);
        self
    }

    /// Omits `{app}_build_info` (it is on by default); `/status` then has no `application`.
    pub fn without_build_info(mut self) -> Self {
        self.build_info = None;
        self
    }

    /// Where the standalone server listens (default `0.0.0.0:9090`).
    pub fn listen_address(mut self, address: impl Into<SocketAddr>) -> Self {
        self.address = address.into();
        self
    }

    /// [`listen_address`](Self::listen_address) from text: `host:port`, `:port` or `port`,
    /// as a command-line flag gives it.
    pub fn listen_address_str(self, address: &str) -> Result<Self, BuildError> {
        let parsed =
            parse_listen_address(address).map_err(|reason| BuildError::InvalidAddress {
                value: address.to_owned(),
                reason,
            })?;
        Ok(self.listen_address(parsed))
    }

    /// Takes the listen address from environment variable `variable` when it
    /// is set; an unset variable keeps the current address, a bad value is
    /// an error naming the variable.
    pub fn listen_address_from_env(self, variable: &str) -> Result<Self, BuildError> {
        let Some(value) = std::env::var_os(variable) else {
            return Ok(self);
        };
        let invalid = |value: String, reason: String| BuildError::InvalidEnvironment {
            variable: variable.to_owned(),
            value,
            reason,
        };
        let Some(text) = value.to_str() else {
            return Err(invalid(
                value.to_string_lossy().into_owned(),
                "not UTF-8".to_owned(),
            ));
        };
        let address =
            parse_listen_address(text).map_err(|reason| invalid(text.to_owned(), reason))?;
        Ok(self.listen_address(address))
    }

    /// Whether to expose `process_*` metrics (on by default), refreshed at each scrape.
    #[cfg(feature = "process")]
    pub fn process_metrics(mut self, enabled: bool) -> Self {
        self.process = enabled;
        self
    }

    /// The health registry behind `/livez`, `/readyz` and `/status`
    /// (default: [`HealthRegistry::global`]).
    pub fn health(mut self, registry: HealthRegistry) -> Self {
        self.health = registry;
        self
    }

    /// Requires `Authorization: Bearer <token>` on `/metrics` and `/status`.
    pub fn bearer_token(mut self, token: &str) -> Result<Self, BuildError> {
        self.token = Some(BearerToken::new(token)?);
        Ok(self)
    }

    /// Whether the probes require the bearer token too (default `false`:
    /// kubelets and load balancers probe without credentials).
    pub fn protect_health(mut self, protect: bool) -> Self {
        self.protect_health = protect;
        self
    }

    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    /// Serves over TLS.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// Enables push mode: [`Exporter::start_push`] PUTs to
    /// `{gateway}/metrics/job/{job}` every [`push_interval`](Self::push_interval)
    /// (default 15 s) and once at [`Pusher::finish`](crate::Pusher::finish).
    pub fn push_gateway(mut self, gateway: &str, job: &str) -> Result<Self, BuildError> {
        self.push = Some(PushConfig::new(gateway, job)?);
        Ok(self)
    }

    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// Adds a grouping label to pushes (after [`push_gateway`](Self::push_gateway)).
    pub fn push_grouping_label(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        let push = self.push.take().ok_or(BuildError::NoPushGateway)?;
        self.push = Some(push.with_label(name, value)?);
        Ok(self)
    }

    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// How often to push (default 15 s).
    pub fn push_interval(mut self, interval: Duration) -> Self {
        self.push_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How often the store's [`run_upkeep`](MetricsStore::run_upkeep) runs,
    /// scrapes or not (default 5 s). The default store's histograms need no
    /// draining; a store that buffers observations drains them then, which
    /// bounds its memory between scrapes.
    pub fn upkeep_interval(mut self, interval: Duration) -> Self {
        self.upkeep_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// Buckets for histograms whose declaration has none (default
    /// [`DEFAULT_BUCKETS`](crate::DEFAULT_BUCKETS)). Histograms always get buckets, never the
    /// summary fallback.
    pub fn default_buckets(mut self, bounds: &[f64]) -> Result<Self, BuildError> {
        self.default_buckets = checked_buckets("*", bounds)?;
        Ok(self)
    }

    /// Buckets for one metric, overriding its declaration.
    pub fn buckets_for_metric(mut self, metric: &str, bounds: &[f64]) -> Result<Self, BuildError> {
        let bounds = checked_buckets(metric, bounds)?;
        self.bucket_overrides.retain(|(name, _)| name != metric);
        self.bucket_overrides.push((metric.to_owned(), bounds));
        Ok(self)
    }

    /// How long one health check may run before it counts as failed (default 2 s).
    pub fn check_timeout(mut self, timeout: Duration) -> Self {
        self.check_timeout = timeout;
        self
    }

    /// Whether to count the answers of `/metrics` in client_golang's
    /// `promhttp_metric_handler_requests_total{code}` and
    /// `promhttp_metric_handler_requests_in_flight` (on by default).
    pub fn scrape_metrics(mut self, enabled: bool) -> Self {
        self.scrape_metrics = enabled;
        self
    }

    /// Whether `/` serves the live page (on by default): links to every
    /// endpoint, health, states, build info and a chart per family. Switch
    /// it off when the exporter's router is merged into an application that
    /// answers `/` itself.
    pub fn live_page(mut self, enabled: bool) -> Self {
        self.live_page = enabled;
        self
    }

    /// Attaches exemplars to counters and histogram buckets: `source` is
    /// called on the recording thread at each increment and observation and
    /// adds the labels of the current context (a trace id, say), or none.
    /// OpenMetrics scrapes (what Prometheus asks for) show the latest one per
    /// counter and per bucket, within OpenMetrics' 128-character limit;
    /// text 0.0.4 has no exemplars. Applies to the default store only.
    ///
    /// The layers record when a response (or its body) ends, so the request
    /// span must be current then: put the layer that makes it outside the
    /// metrics layer, e.g. `.layer(HttpMetricsLayer::new())` followed by
    /// `.layer(TraceLayer::new_for_http())` (tower-http enters its span
    /// whenever the response and its body are polled).
    ///
    /// ```
    /// use vitals_prometheus::{BuildInfo, Exporter, Format};
    ///
    /// let exporter = Exporter::builder(BuildInfo::new("shop", "1.0.0"))
    ///     .exemplars(|labels| {
    ///         // An application's own request context; with the
    ///         // `opentelemetry` feature, `exemplars::trace_context()`.
    ///         labels.push("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    ///     })
    ///     .build()?;
    /// metrics::with_local_recorder(exporter.recorder(), || {
    ///     metrics::counter!("shop_orders_total").increment(1);
    /// });
    /// let page = exporter.render(Format::OpenMetrics);
    /// // The exemplar: its labels, its value and when it was recorded.
    /// assert!(page.contains(
    ///     "shop_orders_total 1 # {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"} 1 "
    /// ));
    /// # Ok::<(), vitals_prometheus::BuildError>(())
    /// ```
    pub fn exemplars(
        mut self,
        source: impl Fn(&mut ExemplarLabels) + Send + Sync + 'static,
    ) -> Self {
        self.exemplars = Some(Arc::new(source));
        self
    }

    /// Uses another metrics store than [`VitalsStore`]; endpoints, health,
    /// push and the catalogue wiring stay the same. `factory` gets the
    /// resolved buckets; its error fails [`build`](Self::build).
    pub fn store(
        mut self,
        factory: impl FnOnce(&StoreConfig) -> Result<Arc<dyn MetricsStore>, BuildError> + Send + 'static,
    ) -> Self {
        self.store = Some(Box::new(factory));
        self
    }

    /// Builds the exporter and installs its recorder as the global `metrics`
    /// recorder: every instrumented call site in the process records into it.
    pub fn install(self) -> Result<Exporter, BuildError> {
        let exporter = self.build()?;
        metrics::set_global_recorder(SharedRecorder(Arc::clone(exporter.store())))
            .map_err(|_| BuildError::RecorderAlreadyInstalled)?;
        // Call sites cache handles only for the global recorder; let them
        // learn it now instead of at their next rate-limited probe.
        vitals::global_recorder_installed();
        Ok(exporter)
    }

    /// Builds the exporter without installing a global recorder: record
    /// through [`Exporter::recorder`] (e.g. with `metrics::with_local_recorder`).
    pub fn build(mut self) -> Result<Exporter, BuildError> {
        let catalogue = vitals::catalogue();
        let conflicts = catalogue.conflicts();
        if !conflicts.is_empty() {
            return Err(BuildError::CatalogueConflict(
                conflicts.iter().map(ToString::to_string).collect(),
            ));
        }

        // Per-metric buckets: the builder's overrides, else the declaration's.
        let mut buckets = self.bucket_overrides.clone();
        for family in catalogue.families() {
            let declared = family.buckets();
            let overridden = buckets.iter().any(|(name, _)| name == family.name());
            if family.kind() == vitals::catalogue::MetricKind::Histogram
                && !declared.is_empty()
                && !overridden
            {
                buckets.push((
                    family.name().to_owned(),
                    checked_buckets(family.name(), declared)?,
                ));
            }
        }
        let config = StoreConfig {
            default_buckets: self.default_buckets.clone(),
            buckets,
        };
        let store = match self.store.take() {
            Some(factory) => factory(&config)?,
            None => {
                let mut store = VitalsStore::from_config(&config)?;
                if let Some(source) = self.exemplars.take() {
                    store = store.with_exemplars(source);
                }
                Arc::new(store) as Arc<dyn MetricsStore>
            }
        };

        metrics::with_local_recorder(store.recorder(), || catalogue.register_known_series());
        if let Some(info) = &self.build_info {
            info.register(store.recorder());
        }
        #[cfg(feature = "process")]
        let process = self.process.then_some(crate::process::ProcessMetrics);
        let scrape_metrics = self
            .scrape_metrics
            .then(|| Arc::new(ScrapeMetrics::new(Arc::clone(&store))));
        spawn_upkeep(Arc::downgrade(&store), self.upkeep_interval);

        #[cfg(feature = "tls")]
        let tls = self
            .tls
            .as_ref()
            .map(TlsConfig::server_config)
            .transpose()?;
        let shared = Arc::new(Shared {
            store,
            #[cfg(feature = "process")]
            process,
            health: self.health,
            build_info: self.build_info,
            check_timeout: self.check_timeout,
            scrape_metrics,
            live_page: self.live_page,
        });
        Ok(Exporter {
            shared,
            address: self.address,
            token: self.token,
            protect_health: self.protect_health,
            #[cfg(feature = "tls")]
            tls,
            #[cfg(feature = "push")]
            push: self.push.map(|push| push.with_interval(self.push_interval)),
        })
    }
}
