//! Argument names, written once.

pub(crate) const PREFIX: &str = "prefix";
pub(crate) const METHOD: &str = "method";
pub(crate) const RENAME_ALL: &str = "rename_all";
pub(crate) const BUCKETS: &str = "buckets";
pub(crate) const LABELS: &str = "labels";
pub(crate) const IN_FLIGHT: &str = "in_flight";
pub(crate) const TRACE: &str = "trace";
pub(crate) const CRATE: &str = "crate";
pub(crate) const SKIP: &str = "skip";

/// Every `#[instrument_rpc]` argument, in the order the manual lists them.
pub(crate) const RPC_ARGUMENTS: &[&str] = &[PREFIX, METHOD, RENAME_ALL, BUCKETS, LABELS, IN_FLIGHT, TRACE, CRATE, SKIP];

/// "`a`, `b` or `c`", for messages that list what is accepted.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
