//! A built exporter: the router, the standalone server and push mode.
//!
//! [`ExporterBuilder`](crate::ExporterBuilder) fills in the fields.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use vitals::health::HealthRegistry;

use crate::auth::BearerToken;
use crate::error::BuildError;
#[cfg(feature = "push")]
use crate::error::PushError;
use crate::negotiate::Format;
#[cfg(feature = "push")]
use crate::push::{PushConfig, Pusher, push_once};
#[cfg(feature = "remote-write")]
use crate::remote_write::{RemoteWrite, RemoteWriter};
use crate::server::Server;
use crate::shared::Shared;
use crate::store::MetricsStore;

/// The endpoints over one metrics store. Cloning is cheap; clones share everything.
#[derive(Clone)]
pub struct Exporter {
    pub(crate) shared: Arc<Shared>,
    pub(crate) address: SocketAddr,
    pub(crate) token: Option<BearerToken>,
    pub(crate) protect_health: bool,
    /// Built once, by the builder; every bind serves with it.
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    #[cfg(feature = "push")]
    pub(crate) push: Option<PushConfig>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Exporter");
        debug
            .field("address", &self.address)
            .field("protected", &self.token.is_some());
        #[cfg(feature = "tls")]
        debug.field("tls", &self.tls.is_some());
        #[cfg(feature = "push")]
        debug.field("push", &self.push);
        debug.finish_non_exhaustive()
    }
}

impl Exporter {
    /// Every endpoint as an axum router, to merge into the application's own
    /// (`app.merge(exporter.router())`) or serve as a tower service.
    pub fn router(&self) -> Router {
        crate::endpoints::router(
            Arc::clone(&self.shared),
            self.token.clone(),
            self.protect_health,
        )
    }

    /// The exposition, rendered now (with `process_*` metrics read now, when on).
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
        self.bind_with(self.router()).await
    }

    /// Binds the configured address, with the configured TLS (`tls` feature), serving
    /// `router` instead of the endpoints alone: one port for an application
    /// and its endpoints (`app.merge(exporter.router())`, or the endpoints
    /// as `app`'s fallback service to answer some paths differently).
    pub async fn bind_with(&self, router: Router) -> Result<Server, BuildError> {
        let server = Server::bind(self.address, router).await?;
        #[cfg(feature = "tls")]
        let server = server.with_tls(self.tls.clone());
        Ok(server)
    }

    /// Binds and serves until `shutdown` completes (pass the application's
    /// signal, e.g. `tokio::signal::ctrl_c()` mapped to `()`).
    pub async fn serve(&self, shutdown: impl Future<Output = ()> + Send) -> Result<(), BuildError> {
        self.bind().await?.serve(shutdown).await;
        Ok(())
    }

    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// Pushes to the configured Pushgateway once.
    pub async fn push_once(&self) -> Result<(), PushError> {
        match &self.push {
            Some(config) => push_once(&self.shared, config).await,
            None => Err(PushError::NotConfigured),
        }
    }

    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// Starts pushing on the configured interval; call
    /// [`Pusher::finish`] at the end of the job for the final push.
    pub fn start_push(&self) -> Result<Pusher, BuildError> {
        let config = self.push.clone().ok_or(BuildError::NoPushGateway)?;
        tokio::runtime::Handle::try_current().map_err(|_| BuildError::NoRuntime("start_push"))?;
        Ok(Pusher::start(Arc::clone(&self.shared), config))
    }

    #[cfg(feature = "remote-write")]
    #[cfg_attr(docsrs, doc(cfg(feature = "remote-write")))]
    /// Starts writing the store to a Prometheus remote-write receiver on
    /// `target`'s interval (see [`RemoteWrite`]); call
    /// [`RemoteWriter::finish`] at shutdown for a last write.
    pub fn start_remote_write(&self, target: RemoteWrite) -> Result<RemoteWriter, BuildError> {
        tokio::runtime::Handle::try_current()
            .map_err(|_| BuildError::NoRuntime("start_remote_write"))?;
        Ok(RemoteWriter::start(Arc::clone(&self.shared), target))
    }
}
