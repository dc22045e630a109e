//! The cardinality limits of `#[metric_group]`'s bounded string labels,
//! checked by the macro at compile time and applied by the runtime.

/// The most bounded `&str` labels one metric may have: the runtime keys a
/// series by a fixed array of this many value ids.
pub const MAX_BOUNDED_LABELS: usize = 4;

/// The number of distinct values a bounded label keeps when its `limit` is
/// not given; later values are folded into the overflow value and counted.
pub const DEFAULT_BOUNDED_LIMIT: usize = 100;
