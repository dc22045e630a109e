//! The HTTP client: scrapes the metrics endpoint and asks the probes next
//! to it, with a bearer token and TLS options.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::Client as Http;
use reqwest::header::{ACCEPT, AUTHORIZATION};

/// What the client needs to know.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The metrics endpoint (`http://127.0.0.1:9090/metrics`).
    pub url: String,
    /// A bearer token sent with every request.
    pub token: Option<String>,
    /// A PEM file of certificate authorities trusted besides the built-in roots.
    pub ca_cert: Option<PathBuf>,
    /// Accept any server certificate.
    pub insecure: bool,
    /// How long one request may take.
    pub timeout: Duration,
}

/// Why a client could not be built or a scrape failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The CA file could not be read or is not PEM.
    #[error("cannot use the CA certificates in `{path}`: {reason}")]
    CaCert {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The request failed before an answer.
    #[error("{0}")]
    Request(#[from] reqwest::Error),
    /// The endpoint answered something other than 200.
    #[error("{url} answered {status}")]
    Status {
        /// The URL asked.
        url: String,
        /// The status it answered.
        status: u16,
    },
}

/// A probe's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// 2xx.
    Passing,
    /// Any other status.
    Failing(u16),
    /// 404: the service has no such probe.
    Absent,
    /// No answer.
    Unreachable,
}

/// A client for one endpoint.
#[derive(Debug)]
pub struct Client {
    http: Http,
    options: ClientOptions,
}

impl Client {
    /// Builds the client; fails when the CA file is unusable.
    pub fn new(options: ClientOptions) -> Result<Self, ClientError> {
        let mut builder = Http::builder()
            .timeout(options.timeout)
            .danger_accept_invalid_certs(options.insecure);
        if let Some(path) = &options.ca_cert {
            let ca_error = |reason: String| ClientError::CaCert {
                path: path.clone(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|error| ca_error(error.to_string()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| ca_error(error.to_string()))?;
            if certificates.is_empty() {
                return Err(ca_error("no certificate in the file".to_owned()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        Ok(Self {
            http: builder.build()?,
            options,
        })
    }

    /// The exposition, in the classic text format.
    pub fn scrape(&self) -> Result<String, ClientError> {
        let response = self
            .request(&self.options.url)
            .header(ACCEPT, "text/plain;version=0.0.4;q=1,*/*;q=0.1")
            .send()?;
        let status = response.status();
        if !status.is_success() {
            return Err(ClientError::Status {
                url: self.options.url.clone(),
                status: status.as_u16(),
            });
        }
        Ok(response.text()?)
    }

    /// Asks the probe at `path` (`/livez`) of the endpoint's host.
    pub fn probe(&self, path: &str) -> Probe {
        let url = sibling(&self.options.url, path);
        match self.request(&url).send() {
            Ok(response) if response.status().is_success() => Probe::Passing,
            Ok(response) if response.status().as_u16() == 404 => Probe::Absent,
            Ok(response) => Probe::Failing(response.status().as_u16()),
            Err(_) => Probe::Unreachable,
        }
    }

    fn request(&self, url: &str) -> reqwest::blocking::RequestBuilder {
        let request = self.http.get(url);
        match &self.options.token {
            Some(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            None => request,
        }
    }
}

/// `path` on the same scheme, host and port as `url`, under the same
/// prefix as the metrics path (`http://h/app/metrics` -> `http://h/app/livez`).
pub fn sibling(url: &str, path: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let path_start = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |at| after_scheme + at);
    let (origin, metrics_path) = url.split_at(path_start);
    let prefix = metrics_path.rfind('/').map_or("", |at| &metrics_path[..at]);
    format!("{origin}{prefix}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_sit_next_to_the_metrics_path() {
        assert_eq!(
            sibling("http://127.0.0.1:9090/metrics", "/livez"),
            "http://127.0.0.1:9090/livez"
        );
        assert_eq!(
            sibling("https://h:1/app/metrics?x=1", "/readyz"),
            "https://h:1/app/readyz"
        );
        assert_eq!(sibling("http://h:1", "/livez"), "http://h:1/livez");
    }
}
