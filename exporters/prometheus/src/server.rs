//! The standalone listener: plain or TLS (`tls` feature), HTTP/1.1,
//! graceful shutdown.
//!
//! Accept and handshake errors are logged and the loop continues: one bad
//! client must never stop the endpoints.

use std::future::Future;
use std::net::SocketAddr;
#[cfg(feature = "tls")]
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
#[cfg(feature = "tls")]
use tokio_rustls::TlsAcceptor;

use crate::error::BuildError;

/// How long a client may take to send its headers (and to finish the TLS
/// handshake, with TLS).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound listener, ready to [`serve`](Self::serve).
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    handshake: Handshake,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("tls", &self.is_tls())
            .finish()
    }
}

impl Server {
    /// Binds `address` for plain HTTP.
    pub(crate) async fn bind(address: SocketAddr, router: Router) -> Result<Self, BuildError> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| BuildError::Bind { address, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| BuildError::Bind { address, source })?;
        Ok(Self {
            listener,
            local_addr,
            router,
            handshake: Handshake::default(),
        })
    }

    /// Serves TLS with `config`, when there is one.
    #[cfg(feature = "tls")]
    pub(crate) fn with_tls(mut self, config: Option<Arc<rustls::ServerConfig>>) -> Self {
        self.handshake.tls = config.map(TlsAcceptor::from);
        self
    }

    /// The address actually bound (the real port when `0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Whether connections are TLS (never without the `tls` feature).
    pub fn is_tls(&self) -> bool {
        self.handshake.is_tls()
    }

    /// Serves until `shutdown` completes, then stops accepting and waits
    /// (up to 10 s) for requests in flight.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) {
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        tracing::info!(address = %self.local_addr, tls = self.is_tls(), "serving metrics and health endpoints");
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "error accepting a connection; ignoring it");
                        // Out of file descriptors: give the process a moment instead of spinning.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let router = self.router.clone();
            let handshake = self.handshake.clone();
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                if let Err(error) = handshake.serve(stream, router, watcher).await {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
            });
        }
        drop(self.listener);
        if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?}; closing them");
        }
    }
}

/// What an accepted connection goes through before HTTP: nothing, or a
/// TLS handshake.
#[derive(Clone, Default)]
struct Handshake {
    #[cfg(feature = "tls")]
    tls: Option<TlsAcceptor>,
}

impl Handshake {
    #[cfg(feature = "tls")]
    fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    #[cfg(not(feature = "tls"))]
    fn is_tls(&self) -> bool {
        false
    }

    /// Serves HTTP/1.1 on `stream` until the client closes or shutdown ends it.
    async fn serve(
        &self,
        stream: TcpStream,
        router: Router,
        watcher: Watcher,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let _ = stream.set_nodelay(true);
        #[cfg(feature = "tls")]
        if let Some(acceptor) = &self.tls {
            let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await??;
            return serve_http(TokioIo::new(stream), router, watcher).await;
        }
        serve_http(TokioIo::new(stream), router, watcher).await
    }
}

async fn serve_http<I>(
    io: TokioIo<I>,
    router: Router,
    watcher: Watcher,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(router);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_TIMEOUT);
    watcher.watch(http.serve_connection(io, service)).await?;
    Ok(())
}
