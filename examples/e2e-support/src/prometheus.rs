//! A real Prometheus server on loopback, scraping every second.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::child::Child;
use crate::http::{free_port, get};
use crate::tempdir::TempDir;

/// How long a query may take to show the expected answer: a few scrapes at
/// 1 s plus the rate windows' need for two samples, with room for a busy machine.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// One scrape job of the generated configuration.
#[derive(Clone, Debug)]
pub struct ScrapeJob {
    /// `job_name`, and so the `job` label.
    pub name: String,
    /// The scraped address.
    pub target: SocketAddr,
    /// More YAML at the job's level, each line indented by four spaces
    /// (`scheme: https`, `tls_config:`, `authorization:`).
    pub extra: String,
}

impl ScrapeJob {
    /// A plain HTTP job scraping `/metrics` of `target`.
    pub fn new(name: &str, target: SocketAddr) -> Self {
        Self {
            name: name.to_owned(),
            target,
            extra: String::new(),
        }
    }

    /// Adds YAML at the job's level (indented by four spaces).
    pub fn with(mut self, yaml: &str) -> Self {
        for line in yaml.lines() {
            let _ = writeln!(self.extra, "    {line}");
        }
        self
    }
}

/// One element of an instant vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The series' labels, `__name__` included when the query keeps it.
    pub labels: BTreeMap<String, String>,
    /// The value.
    pub value: f64,
}

impl Sample {
    /// A label's value, or `""` when absent (as PromQL treats it).
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

/// A running Prometheus with its configuration and storage in a temporary
/// directory; killed on drop.
#[derive(Debug)]
pub struct Prometheus {
    address: SocketAddr,
    // Dropped in order: the process first, then its directory.
    _process: Child,
    _dir: TempDir,
}

impl Prometheus {
    /// Starts Prometheus scraping `jobs` every second and evaluating
    /// `rule_files` every second; returns once it answers `/-/ready`.
    pub fn start(jobs: &[ScrapeJob], rule_files: &[PathBuf]) -> Self {
        let binary = crate::require_binary("prometheus", "prometheus");
        let dir = TempDir::new("prometheus");
        let mut config = String::from(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n",
        );
        if !rule_files.is_empty() {
            config.push_str("rule_files:\n");
            for file in rule_files {
                let _ = writeln!(config, "  - '{}'", file.display());
            }
        }
        config.push_str("scrape_configs:\n");
        for job in jobs {
            let _ = write!(
                config,
                "  - job_name: '{}'\n    static_configs:\n      - targets: ['{}']\n{}",
                job.name, job.target, job.extra
            );
        }
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, &config).expect("the configuration is written");
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let process = Child::spawn(
            binary,
            &[
                &format!("--config.file={}", config_path.display()),
                &format!("--storage.tsdb.path={}", dir.path().join("data").display()),
                &format!("--web.listen-address={address}"),
                "--log.level=warn",
            ],
            &[],
        );
        let prometheus = Self {
            address,
            _process: process,
            _dir: dir,
        };
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        loop {
            match get(address, "/-/ready", &[]) {
                Ok(response) if response.status == 200 => return prometheus,
                answer if Instant::now() > deadline => {
                    panic!(
                        "prometheus did not become ready on {address}: {answer:?}\nconfiguration:\n{config}"
                    )
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Where Prometheus listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Runs an instant query; `Err` carries Prometheus' error or the raw answer.
    pub fn query(&self, expression: &str) -> Result<Vec<Sample>, String> {
        let path = format!("/api/v1/query?query={}", encode(expression));
        let response = get(self.address, &path, &[])?;
        let json: serde_json::Value = serde_json::from_str(&response.body)
            .map_err(|error| format!("not JSON ({error}): {}", response.body))?;
        if json["status"] != "success" {
            return Err(format!("`{expression}` failed: {}", response.body));
        }
        let result = &json["data"]["result"];
        let result = match json["data"]["resultType"].as_str() {
            Some("vector") => result.as_array().cloned().unwrap_or_default(),
            Some("scalar") => vec![serde_json::json!({"metric": {}, "value": result})],
            other => return Err(format!("`{expression}` gave a {other:?}, not a vector")),
        };
        result
            .iter()
            .map(|element| {
                let labels = element["metric"]
                    .as_object()
                    .map(|labels| {
                        labels
                            .iter()
                            .map(|(name, value)| {
                                (name.clone(), value.as_str().unwrap_or_default().to_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let value = element["value"][1]
                    .as_str()
                    .and_then(|value| value.parse().ok())
                    .ok_or_else(|| format!("no value in {element}"))?;
                Ok(Sample { labels, value })
            })
            .collect()
    }

    /// Polls `expression` until `accept` likes the answer (up to 30 s) and
    /// returns it; panics with the last answer and the targets' state otherwise.
    pub fn wait_for(
        &self,
        expression: &str,
        what: &str,
        accept: impl Fn(&[Sample]) -> bool,
    ) -> Vec<Sample> {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        loop {
            let answer = self.query(expression);
            if let Ok(samples) = &answer {
                if accept(samples) {
                    return samples.clone();
                }
            }
            if Instant::now() > deadline {
                let targets = get(self.address, "/api/v1/targets", &[]).map(|r| r.body);
                panic!(
                    "`{expression}` never showed {what} within {ANSWER_TIMEOUT:?}; last answer: {answer:?}\ntargets: {targets:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Waits for `expression` to give exactly one sample whose value
    /// satisfies `accept`, and returns that value.
    pub fn wait_for_value(
        &self,
        expression: &str,
        what: &str,
        accept: impl Fn(f64) -> bool,
    ) -> f64 {
        let samples = self.wait_for(expression, what, |samples| {
            samples.len() == 1 && accept(samples[0].value)
        });
        samples[0].value
    }

    /// Waits until every panel query of the dashboard at `path` answers
    /// with at least one sample: the dashboard matches what the service exposes.
    pub fn check_dashboard(&self, path: &std::path::Path) {
        for expression in crate::dashboard::queries(path) {
            self.wait_for(&expression, "data for a dashboard panel", |samples| {
                samples.iter().any(|sample| sample.value.is_finite())
            });
        }
    }

    /// The rule groups Prometheus loaded, as `/api/v1/rules` returns them.
    pub fn rules(&self) -> serde_json::Value {
        let response = get(self.address, "/api/v1/rules", &[]).expect("prometheus answers");
        serde_json::from_str(&response.body).expect("`/api/v1/rules` answers JSON")
    }

    /// The names of the alerting rules Prometheus loaded, once each of
    /// their expressions has been run against the scraped data without
    /// error (as a query, so a group's own evaluation interval does not
    /// delay the check). Panics on a rule whose evaluation failed.
    pub fn checked_alert_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let rules = self.rules();
        for group in rules["data"]["groups"].as_array().into_iter().flatten() {
            for rule in group["rules"].as_array().into_iter().flatten() {
                if rule["type"] != "alerting" {
                    continue;
                }
                let name = rule["name"].as_str().unwrap_or_default().to_owned();
                assert_ne!(rule["health"], "err", "alert `{name}` failed: {rule}");
                let expression = rule["query"].as_str().unwrap_or_default();
                if let Err(error) = self.query(expression) {
                    panic!("alert `{name}`: {error}");
                }
                names.push(name);
            }
        }
        names.sort();
        names
    }
}

/// Percent-encodes everything but unreserved characters, for a query string.
fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    #[test]
    fn encoding_escapes_promql_syntax() {
        assert_eq!(
            super::encode("rate(a{b=\"c\"}[1m]) > 0.1"),
            "rate%28a%7Bb%3D%22c%22%7D%5B1m%5D%29%20%3E%200.1"
        );
    }
}
