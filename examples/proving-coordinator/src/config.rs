//! Where the metrics server listens: one port, from four places.
//!
//! Precedence, highest first:
//! 1. `--metrics-port`;
//! 2. `ZISK_COORDINATOR_METRICS_PORT`;
//! 3. `[metrics] port` in the configuration file (`--config`, default
//!    `coordinator.toml` when it exists);
//! 4. `9090`.
//!
//! The environment beats the file so a container can move the port
//! without editing the file baked into its image, and the flag beats both
//! for one-off runs.

use std::path::Path;

use serde::Deserialize;

/// The metrics port when nothing else says.
pub(crate) const DEFAULT_METRICS_PORT: u16 = 9090;

/// The environment variable naming the metrics port.
pub(crate) const METRICS_PORT_ENV: &str = "ZISK_COORDINATOR_METRICS_PORT";

/// The parts of `coordinator.toml` this example reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FileConfig {
    /// The `[metrics]` table.
    #[serde(default)]
    pub(crate) metrics: MetricsTable,
}

/// `[metrics]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MetricsTable {
    /// `port = 9090`.
    pub(crate) port: Option<u16>,
}

impl FileConfig {
    /// Reads `path`; a missing file is an empty configuration only when
    /// `required` is false (the default path need not exist).
    pub(crate) fn load(path: &Path, required: bool) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|error| format!("bad configuration file `{}`: {error}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(Self::default())
            }
            Err(error) => Err(format!("cannot read `{}`: {error}", path.display())),
        }
    }
}

/// The metrics port by the precedence above; `env` is the variable's value.
pub(crate) fn metrics_port(
    flag: Option<u16>,
    env: Option<&str>,
    file: &FileConfig,
) -> Result<u16, String> {
    if let Some(port) = flag {
        return Ok(port);
    }
    if let Some(value) = env {
        return value
            .trim()
            .parse()
            .map_err(|_| format!("`{METRICS_PORT_ENV}` is not a port: `{value}`"));
    }
    Ok(file.metrics.port.unwrap_or(DEFAULT_METRICS_PORT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_flag_beats_the_environment_and_the_file() {
        let config = file("[metrics]\nport = 7000\n");
        assert_eq!(metrics_port(Some(6000), Some("8000"), &config), Ok(6000));
    }

    #[test]
    fn the_environment_beats_the_file() {
        let config = file("[metrics]\nport = 7000\n");
        assert_eq!(metrics_port(None, Some("8000"), &config), Ok(8000));
    }

    #[test]
    fn the_file_beats_the_default() {
        assert_eq!(
            metrics_port(None, None, &file("[metrics]\nport = 7000\n")),
            Ok(7000)
        );
        assert_eq!(
            metrics_port(None, None, &file("")),
            Ok(DEFAULT_METRICS_PORT)
        );
    }

    #[test]
    fn a_bad_environment_value_is_an_error_naming_the_variable() {
        let error = metrics_port(None, Some("ninety"), &FileConfig::default()).unwrap_err();
        assert!(error.contains(METRICS_PORT_ENV), "{error}");
    }

    #[test]
    fn a_missing_default_file_is_empty_but_a_named_one_is_an_error() {
        let missing = Path::new("/nonexistent/coordinator.toml");
        assert!(
            FileConfig::load(missing, false)
                .unwrap()
                .metrics
                .port
                .is_none()
        );
        assert!(FileConfig::load(missing, true).is_err());
    }
}
