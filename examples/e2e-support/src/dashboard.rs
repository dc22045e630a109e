//! The PromQL of a Grafana dashboard file, to run against real data.

use std::path::Path;

/// Every `expr` of every panel target in the dashboard at `path`; panics
/// when the file is not a dashboard with queries.
pub fn queries(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read `{}`: {error}", path.display()));
    let dashboard: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("`{}` is not JSON: {error}", path.display()));
    let mut found = Vec::new();
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(expr) = target["expr"].as_str() {
                found.push(expr.to_owned());
            }
        }
    }
    assert!(
        !found.is_empty(),
        "`{}` has no panel queries",
        path.display()
    );
    found
}
