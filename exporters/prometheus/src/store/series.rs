//! Counter, gauge and histogram series on per-thread cells.
//!
//! - A counter is one integer cell; `absolute` (a value read from
//!   elsewhere) is kept apart and the counter shows the larger of the two,
//!   as the stock recorder's `fetch_max` does.
//! - A gauge is a float cell of increments (exact across threads: each
//!   thread adds to its own cell) plus a `base` written by `set`: `set(v)`
//!   stores `v - (sum of increments so far)`, so the gauge reads `v` plus
//!   whatever is added after it, and the last `set` wins.
//! - A histogram is one integer cell per bucket and a float cell for the
//!   sum; `_count` is the sum of the buckets, so it always equals `+Inf`.
//!   Non-finite observations are counted (NaN and +Inf in `+Inf`, -Inf in
//!   the first bucket) but not summed, so `_sum` stays a number.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::{CounterFn, GaugeFn, HistogramFn};

use crate::store::cells::{Cells, Index, Totals};
use crate::store::exemplars::Exemplars;

/// Up to this many bounds, a histogram finds the bucket by counting.
const LINEAR_SEARCH_MAX: usize = 35;

/// One counter series.
#[derive(Debug)]
pub(crate) struct CounterSeries {
    cells: Arc<Cells>,
    at: Index,
    absolute: AtomicU64,
    /// One slot, when the store has an exemplar source.
    pub(crate) exemplars: Option<Box<Exemplars>>,
}

impl CounterSeries {
    pub(crate) fn new(cells: Arc<Cells>, at: Index, exemplars: Option<Box<Exemplars>>) -> Self {
        Self {
            cells,
            at,
            absolute: AtomicU64::new(0),
            exemplars,
        }
    }

    pub(crate) fn value(&self, totals: &Totals<'_>) -> u64 {
        totals
            .int(self.at)
            .max(self.absolute.load(Ordering::Relaxed))
    }
}

impl CounterFn for CounterSeries {
    fn increment(&self, value: u64) {
        self.cells.add_int(self.at, value);
        if let Some(exemplars) = &self.exemplars {
            exemplars.offer(0, value as f64);
        }
    }

    fn absolute(&self, value: u64) {
        self.absolute.fetch_max(value, Ordering::Relaxed);
    }
}

/// One gauge series.
#[derive(Debug)]
pub(crate) struct GaugeSeries {
    cells: Arc<Cells>,
    at: Index,
    /// `f64` bits: the last `set` minus the increments before it.
    base: AtomicU64,
}

impl GaugeSeries {
    pub(crate) fn new(cells: Arc<Cells>, at: Index) -> Self {
        Self {
            cells,
            at,
            base: AtomicU64::new(0f64.to_bits()),
        }
    }

    pub(crate) fn value(&self, totals: &Totals<'_>) -> f64 {
        f64::from_bits(self.base.load(Ordering::Relaxed)) + totals.float(self.at)
    }
}

impl GaugeFn for GaugeSeries {
    fn increment(&self, value: f64) {
        self.cells.add_float(self.at, value);
    }

    fn decrement(&self, value: f64) {
        self.cells.add_float(self.at, -value);
    }

    fn set(&self, value: f64) {
        // An increment racing this read lands either before it (cancelled
        // by `base`) or after it (added to `value`): never counted twice.
        let increments = self.cells.read().float(self.at);
        self.base
            .store((value - increments).to_bits(), Ordering::Relaxed);
    }
}

/// One histogram series.
#[derive(Debug)]
pub(crate) struct HistogramSeries {
    cells: Arc<Cells>,
    pub(crate) bounds: Arc<Bounds>,
    /// The first of `bounds.len() + 1` integer cells; the last is `+Inf`.
    counts_at: Index,
    sum_at: Index,
    /// One slot per bucket, when the store has an exemplar source.
    pub(crate) exemplars: Option<Box<Exemplars>>,
}

/// A histogram's bucket bounds with their `le` values rendered once.
#[derive(Debug)]
pub(crate) struct Bounds {
    pub(crate) values: Box<[f64]>,
    /// `le` label values, `+Inf` last.
    pub(crate) labels: Box<[Box<str>]>,
}

impl Bounds {
    pub(crate) fn new(values: &[f64]) -> Self {
        let labels = values
            .iter()
            .map(|bound| crate::store::numbers::float(*bound).into())
            .chain(std::iter::once("+Inf".into()))
            .collect();
        Self {
            values: values.into(),
            labels,
        }
    }

    /// Cells a series with these bounds takes: one per bucket and `+Inf`.
    pub(crate) fn buckets(&self) -> usize {
        self.values.len() + 1
    }
}

impl HistogramSeries {
    pub(crate) fn new(
        cells: Arc<Cells>,
        bounds: Arc<Bounds>,
        (counts_at, sum_at): (Index, Index),
        exemplars: Option<Box<Exemplars>>,
    ) -> Self {
        Self {
            cells,
            bounds,
            counts_at,
            sum_at,
            exemplars,
        }
    }

    /// Non-cumulative bucket counts, `+Inf` last, and the sum.
    pub(crate) fn read(&self, totals: &Totals<'_>, counts: &mut Vec<u64>) -> f64 {
        counts.clear();
        counts.extend(
            (0..self.bounds.buckets() as Index).map(|bucket| totals.int(self.counts_at + bucket)),
        );
        totals.float(self.sum_at)
    }
}

impl HistogramFn for HistogramSeries {
    fn record(&self, value: f64) {
        // `le` semantics: the first bound at or above the value; NaN goes
        // to `+Inf` (it is above no bound and below none).
        let bounds = &self.bounds.values;
        let bucket = if value.is_nan() {
            bounds.len()
        } else if bounds.len() <= LINEAR_SEARCH_MAX {
            // Counting the bounds below the value has no dependent branches
            // and vectorizes; faster than a binary search for few buckets
            // (client_golang switches at 35 too).
            bounds.iter().filter(|bound| **bound < value).count()
        } else {
            bounds.partition_point(|bound| *bound < value)
        };
        let at = self.counts_at + bucket as Index;
        if value.is_finite() {
            self.cells.add_int_and_float(at, 1, self.sum_at, value);
        } else {
            // Counted, but kept out of the sum: one NaN (or +Inf and -Inf)
            // would make it NaN for good, which OpenMetrics forbids.
            self.cells.add_int(at, 1);
        }
        if let Some(exemplars) = &self.exemplars {
            exemplars.offer(bucket, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records `values` into a histogram with `bounds` and returns the
    /// non-cumulative counts (`+Inf` last) and the sum.
    fn recorded(bounds: &[f64], values: &[f64]) -> (Vec<u64>, f64) {
        let cells = Cells::new();
        let buckets = bounds.len() as Index + 1;
        let series = HistogramSeries::new(
            Arc::clone(&cells),
            Arc::new(Bounds::new(bounds)),
            (0, 0),
            None,
        );
        for value in values {
            series.record(*value);
        }
        let mut counts = Vec::new();
        let sum = series.read(&cells.read(), &mut counts);
        assert_eq!(counts.len() as Index, buckets);
        (counts, sum)
    }

    #[test]
    fn few_and_many_bounds_find_the_same_le_bucket() {
        let values = [0.5, 1.0, 1.5, 3.0, 99.0, f64::NAN, f64::NEG_INFINITY];
        let (few, sum) = recorded(&[1.0, 2.0, 3.0], &values);
        assert_eq!(few, [3, 1, 1, 2]);
        assert_eq!(sum, 105.0);
        // 100 bounds: 1, 2, ..., 100, so the binary search runs.
        let many: Vec<f64> = (1..=100).map(f64::from).collect();
        let (counts, _) = recorded(&many, &values);
        let nonzero: Vec<(usize, u64)> = counts
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .collect();
        // -Inf, 0.5 and 1.0 in `le=1`; 1.5 in `le=2`; 3 in `le=3`;
        // 99 in `le=99`; NaN in `+Inf`.
        assert_eq!(nonzero, [(0, 3), (1, 1), (2, 1), (98, 1), (100, 1)]);
    }
}
