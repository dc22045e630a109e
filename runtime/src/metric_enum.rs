//! Fixed-cardinality label values.

/// A type whose values are a fixed, known set of label values: the trait
/// [`#[metric_enum]`](macro@crate::metric_enum) implements for an enum (its variants may hold data).
///
/// Metrics labelled by a `MetricEnum` have a series count known at compile
/// time, so the catalogue can pre-create every series and handles can be
/// kept in an array indexed by [`index`](MetricEnum::index) instead of a map.
///
/// ```
/// #[derive(Clone, Copy)]
/// enum Outcome { Completed, Failed }
///
/// impl vitals::MetricEnum for Outcome {
///     const LABEL_VALUES: &'static [&'static str] = &["completed", "failed"];
///     fn index(&self) -> usize { *self as usize }
/// }
///
/// use vitals::MetricEnum;
/// assert_eq!(Outcome::Failed.label_value(), "failed");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `#[metric_enum]` type, so it cannot be a label",
    label = "expected a `#[metric_enum]` type",
    note = "use `&str` for a bounded label, or a `#[metric_enum]` type"
)]
pub trait MetricEnum: Send + Sync + 'static {
    /// Every label value, in [`index`](Self::index) order, without duplicates.
    const LABEL_VALUES: &'static [&'static str];

    /// The position of this value in [`LABEL_VALUES`](Self::LABEL_VALUES).
    fn index(&self) -> usize;

    /// The label value of this value.
    fn label_value(&self) -> &'static str {
        Self::LABEL_VALUES[self.index()]
    }
}
