//! A built exporter: the router, the standalone server and push mode.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use vitals::health::HealthRegistry;

use crate::auth::BearerToken;
use crate::error::{BuildError, PushError};
use crate::negotiate::Format;
use crate::push::{PushConfig, Pusher, push_once};
use crate::server::Server;
use crate::shared::Shared;
use crate::store::MetricsStore;

/// The endpoints over one metrics store. Cloning is cheap; clones share everything.
#[derive(Clone)]
pub struct Exporter {
    shared: Arc<Shared>,
    address: SocketAddr,
    token: Option<BearerToken>,
    protect_health: bool,
    tls: Option<Arc<rustls::ServerConfig>>,
    push: Option<PushConfig>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("address", &self.address)
            .field("protected", &self.token.is_some())
            .field("tls", &self.tls.is_some())
            .field("push", &self.push)
            .finish_non_exhaustive()
    }
}

impl Exporter {
    pub(crate) fn new(
        shared: Arc<Shared>,
        address: SocketAddr,
        token: Option<BearerToken>,
        protect_health: bool,
        tls: Option<Arc<rustls::ServerConfig>>,
        push: Option<PushConfig>,
    ) -> Self {
        Self {
            shared,
            address,
            token,
            protect_health,
            tls,
            push,
        }
    }

    /// Every endpoint as an axum router, to merge into the application's own
    /// (`app.merge(exporter.router())`) or serve as a tower service.
    pub fn router(&self) -> Router {
        crate::endpoints::router(
            Arc::clone(&self.shared),
            self.token.clone(),
            self.protect_health,
        )
    }

    /// The exposition, rendered now (scrape-time metrics refreshed first).
    pub fn render(&self, format: Format) -> String {
        self.shared.render(format)
    }

    /// The store the endpoints render.
    pub fn store(&self) -> &Arc<dyn MetricsStore> {
        &self.shared.store
    }

    /// The recorder writing into this exporter's store.
    pub fn recorder(&self) -> &dyn metrics::Recorder {
        self.shared.store.recorder()
    }

    /// The health registry behind the probes.
    pub fn health(&self) -> &HealthRegistry {
        &self.shared.health
    }

    /// The configured listen address.
    pub fn listen_address(&self) -> SocketAddr {
        self.address
    }

    /// Binds the configured address; a taken port is a [`BuildError::Bind`]
    /// naming the address.
    pub async fn bind(&self) -> Result<Server, BuildError> {
        Server::bind(self.address, self.router(), self.tls.clone()).await
    }

    /// Binds the configured address, with the configured TLS, serving
    /// `router` instead of the endpoints alone: one port for an application
    /// and its endpoints (`app.merge(exporter.router())`, or the endpoints
    /// as `app`'s fallback service to answer some paths differently).
    pub async fn bind_with(&self, router: Router) -> Result<Server, BuildError> {
        Server::bind(self.address, router, self.tls.clone()).await
    }

    /// Binds and serves until `shutdown` completes (pass the application's
    /// signal, e.g. `tokio::signal::ctrl_c()` mapped to `()`).
    pub async fn serve(&self, shutdown: impl Future<Output = ()> + Send) -> Result<(), BuildError> {
        self.bind().await?.serve(shutdown).await;
        Ok(())
    }

    /// Pushes to the configured Pushgateway once.
    pub async fn push_once(&self) -> Result<(), PushError> {
        match &self.push {
            Some(config) => push_once(&self.shared, config).await,
            None => Err(PushError::NotConfigured),
        }
    }

    /// Starts pushing on the configured interval; call
    /// [`Pusher::finish`] at the end of the job for the final push.
    pub fn start_push(&self) -> Result<Pusher, BuildError> {
        let config = self.push.clone().ok_or(BuildError::NoPushGateway)?;
        tokio::runtime::Handle::try_current().map_err(|_| BuildError::NoRuntime("start_push"))?;
        Ok(Pusher::start(Arc::clone(&self.shared), config))
    }
}
