//! What can go wrong while building, binding and pushing.

use std::net::SocketAddr;

/// Why the exporter could not be built, installed or bound.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// An environment variable meant to hold the listen address holds something else.
    #[error(
        "environment variable `{variable}` is not a listen address: `{value}` ({reason}); expected `host:port`, `:port` or `port`"
    )]
    InvalidEnvironment {
        /// The variable's name.
        variable: String,
        /// Its value, lossily decoded.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A listen address given as text does not parse.
    #[error(
        "`{value}` is not a listen address ({reason}); expected `host:port`, `:port` or `port`"
    )]
    InvalidAddress {
        /// The text.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The listen address is taken or not ours to bind.
    #[error("cannot listen on `{address}`: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Bucket bounds that Prometheus cannot use.
    #[error("invalid buckets for `{metric}`: {reason}")]
    InvalidBuckets {
        /// The metric, or `*` for the default buckets.
        metric: String,
        /// What is wrong with them.
        reason: String,
    },
    /// Two declarations of one metric name disagree.
    #[error("conflicting metric declarations: {}", .0.join("; "))]
    CatalogueConflict(Vec<String>),
    /// Another global `metrics` recorder was installed first.
    #[error(
        "a global `metrics` recorder is already installed; `install` must be the first to set one"
    )]
    RecorderAlreadyInstalled,
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    ReadFile {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    /// Certificates, key or client CA unusable for TLS.
    #[error("invalid TLS {what}: {reason}")]
    Tls {
        /// `certificate`, `private key`, `client CA` or `configuration`.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// The Pushgateway address or grouping is unusable.
    #[error("invalid push gateway `{url}`: {reason}")]
    InvalidPushGateway {
        /// The address or grouping label as given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    #[cfg(feature = "remote-write")]
    #[cfg_attr(docsrs, doc(cfg(feature = "remote-write")))]
    /// The remote-write receiver's address, credentials or an external label is unusable.
    #[error("invalid remote write `{url}`: {reason}")]
    InvalidRemoteWrite {
        /// The address or external label as given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The bearer token is empty or cannot be sent in a header.
    #[error("invalid bearer token: {0}")]
    InvalidToken(&'static str),
    #[cfg(any(feature = "push", feature = "remote-write"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "push", feature = "remote-write"))))]
    /// An async operation was started outside a tokio runtime.
    #[error("`{0}` must be called inside a tokio runtime")]
    NoRuntime(&'static str),
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    /// Push mode was used without configuring a Pushgateway.
    #[error("no push gateway configured; call `push_gateway` on the builder")]
    NoPushGateway,
}

#[cfg(feature = "push")]
#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
/// Why a push to the Pushgateway failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The gateway could not be reached.
    #[error("cannot connect to push gateway `{address}`: {source}")]
    Connect {
        /// `host:port` of the gateway.
        address: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The HTTP exchange failed.
    #[error("push to `{url}` failed: {source}")]
    Http {
        /// The push URL.
        url: String,
        /// What failed.
        source: hyper::Error,
    },
    /// The gateway answered with an error status.
    #[error("push gateway `{url}` answered {status}: {body}")]
    Rejected {
        /// The push URL.
        url: String,
        /// The status code.
        status: http::StatusCode,
        /// The start of the answer's body.
        body: String,
    },
    /// Push mode was used without configuring a Pushgateway.
    #[error("no push gateway configured; call `push_gateway` on the builder")]
    NotConfigured,
    /// The push task was cancelled (its runtime shut down) before it finished.
    #[error("the push task was cancelled before its final push")]
    Stopped,
    /// The gateway did not answer in time.
    #[error("push to `{url}` timed out")]
    Timeout {
        /// The push URL.
        url: String,
    },
    /// Rendering the exposition failed, so nothing was pushed: an empty
    /// body would replace the job's group on the gateway with nothing.
    #[error("push to `{url}` skipped: rendering the metrics failed")]
    Render {
        /// The push URL.
        url: String,
    },
}
