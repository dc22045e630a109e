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
pub(crate) const RPC_ARGUMENTS: &[&str] = &[
    PREFIX, METHOD, HELP, RENAME_ALL, BUCKETS, LABELS, IN_FLIGHT, TRACE, CRATE, SKIP,
];

/// "`a`, `b` or `c`", for messages that list what is accepted.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

pub(crate) const STATE: &str = "state";
pub(crate) const HELP: &str = "help";
pub(crate) const ENCODING: &str = "encoding";
pub(crate) const RENAME: &str = "rename";
pub(crate) const HEALTH: &str = "health";
pub(crate) const MEANING: &str = "meaning";
pub(crate) const NOT_READY: &str = "not_ready";
pub(crate) const UNIT: &str = "unit";
pub(crate) const LIMIT: &str = "limit";

/// Every `#[metric_enum]` argument, in the order the manual lists them.
pub(crate) const ENUM_ARGUMENTS: &[&str] =
    &[RENAME_ALL, STATE, HELP, ENCODING, LABELS, HEALTH, CRATE];
/// Every `#[metric(...)]` argument on a variant of a `#[metric_enum]`.
pub(crate) const VARIANT_ARGUMENTS: &[&str] = &[RENAME, MEANING, NOT_READY];
/// Every `#[metric_group]` argument.
pub(crate) const GROUP_ARGUMENTS: &[&str] = &[PREFIX, CRATE];
/// Every `#[metric(...)]` argument on a field of a `#[metric_group]`.
pub(crate) const FIELD_ARGUMENTS: &[&str] = &[LABELS, UNIT, BUCKETS, LIMIT];
