//! Where and how to remote-write.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::Uri;

use crate::error::BuildError;

/// A remote-write receiver and how to write to it; start it with
/// [`Exporter::start_remote_write`](crate::Exporter::start_remote_write).
///
/// ```
/// use std::time::Duration;
/// use vitals_prometheus::RemoteWrite;
///
/// let target = RemoteWrite::new("http://mimir.internal:9009/api/v1/push")?
///     .interval(Duration::from_secs(15))
///     .bearer_token("secret")?
///     .external_label("job", "orders")?
///     .external_label("instance", "orders-1")?
///     .max_pending_requests(240); // an hour of 15 s renders
/// # Ok::<(), vitals_prometheus::BuildError>(())
/// ```
#[derive(Clone)]
pub struct RemoteWrite {
    pub(crate) url: String,
    /// `host:port`.
    pub(crate) authority: String,
    /// Path and query.
    pub(crate) path: String,
    pub(crate) interval: Duration,
    /// The `Authorization` header value.
    pub(crate) authorization: Option<String>,
    /// Sorted by name.
    pub(crate) external_labels: Vec<(String, String)>,
    pub(crate) max_pending: usize,
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for RemoteWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteWrite")
            .field("url", &self.url)
            .field("interval", &self.interval)
            .field("authorized", &self.authorization.is_some())
            .field("external_labels", &self.external_labels)
            .field("max_pending", &self.max_pending)
            .finish_non_exhaustive()
    }
}

impl RemoteWrite {
    /// A receiver at `url` (`http://host:port/path`; TLS is not supported
    /// yet: put a local proxy in front of an `https` receiver). Defaults:
    /// every 15 s, 10 s per request, at most 120 requests pending.
    pub fn new(url: &str) -> Result<Self, BuildError> {
        let invalid = |reason: String| BuildError::InvalidRemoteWrite {
            url: url.to_owned(),
            reason,
        };
        let uri: Uri = url.parse().map_err(|error| invalid(format!("{error}")))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => {
                return Err(invalid(format!(
                    "scheme `{other}` is not supported; use `http`"
                )));
            }
            None => {
                return Err(invalid(
                    "no scheme; expected `http://host:port/path`".to_owned(),
                ));
            }
        }
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("no host".to_owned()))?;
        let authority = match authority.port_u16() {
            Some(_) => authority.to_string(),
            None => format!("{}:80", authority.host()),
        };
        let path = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), ToString::to_string);
        Ok(Self {
            url: url.to_owned(),
            authority,
            path,
            interval: Duration::from_secs(15),
            authorization: None,
            external_labels: Vec::new(),
            max_pending: 120,
            timeout: Duration::from_secs(10),
        })
    }

    /// How often the store is rendered and written.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How long one request may take before it counts as failed (and is retried).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer_token(self, token: &str) -> Result<Self, BuildError> {
        self.authorization(format!("Bearer {token}"))
    }

    /// Sends HTTP basic authentication.
    pub fn basic_auth(self, user: &str, password: &str) -> Result<Self, BuildError> {
        let encoded = STANDARD.encode(format!("{user}:{password}"));
        self.authorization(format!("Basic {encoded}"))
    }

    fn authorization(mut self, value: String) -> Result<Self, BuildError> {
        if http::HeaderValue::from_str(&value).is_err() {
            return Err(BuildError::InvalidRemoteWrite {
                url: self.url,
                reason: "credentials cannot be sent in a header".to_owned(),
            });
        }
        self.authorization = Some(value);
        Ok(self)
    }

    /// Adds a label to every series written (a series' own label of the
    /// same name wins, as with Prometheus' external labels).
    pub fn external_label(mut self, name: &str, value: &str) -> Result<Self, BuildError> {
        let invalid = |reason: String| BuildError::InvalidRemoteWrite {
            url: format!("{name}={value}"),
            reason,
        };
        if let Some(problem) = vitals_naming::label_name_problem(name) {
            return Err(invalid(problem));
        }
        if value.is_empty() {
            return Err(invalid("an external label needs a value".to_owned()));
        }
        self.external_labels.retain(|(known, _)| known != name);
        self.external_labels
            .push((name.to_owned(), value.to_owned()));
        self.external_labels.sort();
        Ok(self)
    }

    /// At most this many requests wait while the receiver is unreachable;
    /// past that the oldest is dropped (and counted).
    pub fn max_pending_requests(mut self, requests: usize) -> Self {
        self.max_pending = requests.max(1);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_of_user_and_password() {
        let target = RemoteWrite::new("http://r:9090/api/v1/write")
            .unwrap()
            .basic_auth("Aladdin", "open sesame")
            .unwrap();
        assert_eq!(
            target.authorization.as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
    }

    #[test]
    fn urls_and_labels_are_checked() {
        let target = RemoteWrite::new("http://r/api/v1/write").unwrap();
        assert_eq!(target.authority, "r:80");
        assert_eq!(target.path, "/api/v1/write");
        for url in ["https://r/api/v1/write", "r:9090", "http:///x"] {
            assert!(RemoteWrite::new(url).is_err(), "{url}");
        }
        assert!(target.clone().external_label("__name__", "x").is_err());
        assert!(target.clone().external_label("job", "").is_err());
        let labelled = target
            .external_label("job", "a")
            .unwrap()
            .external_label("instance", "i")
            .unwrap()
            .external_label("job", "b")
            .unwrap();
        assert_eq!(
            labelled.external_labels,
            [
                ("instance".to_owned(), "i".to_owned()),
                ("job".to_owned(), "b".to_owned())
            ]
        );
    }
}
