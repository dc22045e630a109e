//! Building a layer in one-way steps: check the builder's names, leak them
//! into a [`Config`], declare its families, make the layer. A configuration
//! built before is not built again: the same layer comes back, so building
//! in several places leaks and declares once and counts into one set of
//! series.

use std::sync::{Mutex, PoisonError};

use super::config::{Config, HttpMetricsLayerBuilder};
use super::layer::HttpMetricsLayer;
use crate::declare::{
    ConfigError, check_buckets, check_label_name, check_metric_name, leak, leak_slice,
};

/// Every configuration built so far, with its layer. As many entries as the
/// program has distinct layer configurations, each built once.
static BUILT: Mutex<Vec<(HttpMetricsLayerBuilder, HttpMetricsLayer)>> = Mutex::new(Vec::new());

/// The full metric names of a checked configuration.
struct Names {
    requests: String,
    duration: String,
    active: Option<String>,
}

impl HttpMetricsLayerBuilder {
    /// Checks the names, declares the metrics in the
    /// [catalogue](mod@crate::catalogue) and returns the layer.
    ///
    /// Building a configuration that was built before returns (a clone of)
    /// the same layer, without leaking or declaring anything again, so
    /// identical layers built in several places count into the same series.
    #[track_caller]
    pub fn build(self) -> Result<HttpMetricsLayer, ConfigError> {
        let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, layer)) = built.iter().find(|(settings, _)| *settings == self) {
            return Ok(layer.clone());
        }
        let names = self.checked_names()?;
        let config = self.clone().into_config(names);
        super::declare::declare(
            config,
            leak_slice(self.duration_buckets.clone()),
            leak_slice(self.size_buckets.clone()),
        );
        let layer = HttpMetricsLayer::from_config(config);
        built.push((self, layer.clone()));
        Ok(layer)
    }

    fn checked_names(&self) -> Result<Names, ConfigError> {
        check_metric_name("prefix", &self.prefix)?;
        check_label_name("method_label", &self.method_label)?;
        check_label_name("route_label", &self.route_label)?;
        check_label_name("status_label", &self.status_label)?;
        check_buckets("duration_buckets", &self.duration_buckets)?;
        check_buckets("size_buckets", &self.size_buckets)?;
        let labels = [&self.method_label, &self.route_label, &self.status_label];
        if labels
            .iter()
            .enumerate()
            .any(|(i, label)| labels[..i].contains(label))
        {
            return Err(ConfigError::new(format!(
                "label names must differ: `{labels:?}`"
            )));
        }
        let prefix = &self.prefix;
        let names = Names {
            requests: format!("{prefix}_{}", self.requests_name),
            duration: format!("{prefix}_{}", self.duration_name),
            active: self
                .active_name
                .as_ref()
                .map(|name| format!("{prefix}_{name}")),
        };
        check_metric_name("requests_name", &names.requests)?;
        check_metric_name("duration_name", &names.duration)?;
        if let Some(active) = &names.active {
            check_metric_name("active_name", active)?;
        }
        if !names.requests.ends_with("_total") {
            return Err(ConfigError::new(format!(
                "counter `{}` must end in `_total`",
                names.requests
            )));
        }
        if !names.duration.ends_with("_seconds") {
            return Err(ConfigError::new(format!(
                "duration histogram `{}` must end in `_seconds`",
                names.duration
            )));
        }
        Ok(names)
    }

    /// Leaks the settings the handles borrow, once per configuration.
    fn into_config(self, names: Names) -> &'static Config {
        let prefix = &self.prefix;
        let body_size = |which: &str| {
            self.body_sizes
                .then(|| leak(format!("{prefix}_{which}_body_size_bytes")))
        };
        Box::leak(Box::new(Config {
            requests: leak(names.requests),
            duration: leak(names.duration),
            active: names.active.map(leak),
            duration_by_status: self.duration_by_status,
            request_size: body_size("request"),
            response_size: body_size("response"),
            method_label: leak(self.method_label),
            route_label: leak(self.route_label),
            status_label: leak(self.status_label),
            unmatched_route: leak(self.unmatched_route),
            excluded_routes: leak_slice(self.excluded_routes.into_iter().map(leak).collect()),
            exclude_exporter_routes: self.exclude_exporter_routes,
            max_routes: self.max_routes,
            module: module_path!(),
        }))
    }
}
