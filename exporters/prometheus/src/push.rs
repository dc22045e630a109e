//! Push mode for batch jobs: PUT the exposition to a Prometheus Pushgateway
//! on an interval and once more at the end.
//!
//! A batch job may finish between two scrapes; pushing makes its last
//! values visible anyway. The push replaces the job's group (HTTP `PUT`), so
//! series the job stopped producing disappear too.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Uri, header};
use http_body_util::Full;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::{BuildError, PushError};
use crate::negotiate::Format;
use crate::outbound::{self, OutboundError};
use crate::shared::Shared;

/// How long one push may take before it counts as failed.
const PUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how often to push.
#[derive(Clone, Debug)]
pub(crate) struct PushConfig {
    authority: String,
    path: String,
    interval: Duration,
}

impl PushConfig {
    /// `gateway` is `http://host:port` (optionally with a base path); `job`
    /// becomes the `job` grouping label.
    pub(crate) fn new(gateway: &str, job: &str) -> Result<Self, BuildError> {
        let invalid = |reason: String| BuildError::InvalidPushGateway {
            url: gateway.to_owned(),
            reason,
        };
        let uri: Uri = gateway
            .parse()
            .map_err(|error| invalid(format!("{error}")))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => {
                return Err(invalid(format!(
                    "scheme `{other}` is not supported; use `http`"
                )));
            }
            None => return Err(invalid("no scheme; expected `http://host:port`".to_owned())),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("no host".to_owned()))?;
        let authority = if authority.port_u16().is_some() {
            authority.to_string()
        } else {
            format!("{}:80", authority.host())
        };
        let base = uri.path().trim_end_matches('/');
        check_value("job", job).map_err(invalid)?;
        Ok(Self {
            authority,
            path: format!("{base}/metrics/job/{job}"),
            interval: Duration::from_secs(15),
        })
    }

    /// Adds a grouping label (`instance`, `shard`) to the push path.
    pub(crate) fn with_label(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        let invalid = |reason: String| BuildError::InvalidPushGateway {
            url: format!("{name}={value}"),
            reason,
        };
        if let Some(problem) = vitals_naming::label_name_problem(name) {
            return Err(invalid(problem));
        }
        if name == "job" {
            return Err(invalid(
                "`job` is the push's job, given to `push_gateway`; expected another label name"
                    .to_owned(),
            ));
        }
        check_value(name, value).map_err(invalid)?;
        self.path.push_str(&format!("/{name}/{value}"));
        Ok(self)
    }

    /// Sets how often the push loop pushes.
    pub(crate) fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    fn push_url(&self) -> String {
        format!("http://{}{}", self.authority, self.path)
    }
}

/// Grouping values go into the URL path: keep to characters that need no escaping.
fn check_value(name: &str, value: &str) -> Result<(), String> {
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    {
        return Err(format!(
            "`{name}` value `{value}` must be non-empty ASCII letters, digits, `-`, `.`, `_` or `~`"
        ));
    }
    Ok(())
}

/// Renders and pushes once.
pub(crate) async fn push_once(shared: &Arc<Shared>, config: &PushConfig) -> Result<(), PushError> {
    let url = config.push_url();
    // A failed render must not become an empty push: the gateway would
    // replace the job's whole group with nothing.
    let Some(body) = shared
        .off_thread(|shared| shared.render(Format::Text))
        .await
    else {
        return Err(PushError::Render { url });
    };
    match tokio::time::timeout(PUSH_TIMEOUT, send(config, &url, body)).await {
        Ok(result) => result,
        Err(_) => Err(PushError::Timeout { url }),
    }
}

async fn send(config: &PushConfig, url: &str, body: String) -> Result<(), PushError> {
    let request = http::Request::put(config.path.as_str())
        .header(header::HOST, config.authority.as_str())
        .header(header::CONTENT_TYPE, Format::Text.content_type())
        .body(Full::new(Bytes::from(body)))
        .expect("path and headers were validated when the push gateway was configured");
    let (status, answer) = outbound::send(&config.authority, request)
        .await
        .map_err(|error| match error {
            OutboundError::Connect(source) => PushError::Connect {
                address: config.authority.clone(),
                source,
            },
            OutboundError::Http(source) => PushError::Http {
                url: url.to_owned(),
                source,
            },
        })?;
    if status.is_success() {
        return Ok(());
    }
    // The gateway explains a rejection in the body; keep the start of it.
    Err(PushError::Rejected {
        url: url.to_owned(),
        status,
        body: outbound::excerpt(&answer),
    })
}

#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
/// A running push loop; [`finish`](Self::finish) pushes a last time and stops it.
#[derive(Debug)]
pub struct Pusher {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), PushError>>,
}

impl Pusher {
    pub(crate) fn start(shared: Arc<Shared>, config: PushConfig) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(config.interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {
                        if let Err(error) = push_once(&shared, &config).await {
                            // A gateway outage must not end the job: log and retry next tick.
                            tracing::warn!(%error, "push to the push gateway failed");
                        }
                    }
                    _ = &mut stopped => break,
                }
            }
            push_once(&shared, &config).await
        });
        Self { stop, task }
    }

    /// Stops the interval and pushes the final values; returns that push's result.
    pub async fn finish(self) -> Result<(), PushError> {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => Err(PushError::Stopped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PushConfig;

    #[test]
    fn grouping_labels_follow_the_shared_label_rules() {
        let config = || PushConfig::new("http://127.0.0.1:9091", "nightly").unwrap();
        assert!(config().with_label("instance", "batch-1").is_ok());
        for name in ["job", "le", "_shard", "__name__", "9x", "a-b"] {
            assert!(config().with_label(name, "v").is_err(), "{name}");
        }
    }
}
