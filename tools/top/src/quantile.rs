//! Quantiles from classic histogram buckets, as PromQL's
//! `histogram_quantile` computes them: find the bucket holding the rank and
//! interpolate linearly inside it.

/// The `q` quantile (0 to 1) of cumulative `buckets` (upper bound `le`,
/// count of observations at or below it), in any order. `None` when there
/// are no observations or no `+Inf` bucket. A rank in the `+Inf` bucket
/// answers the highest finite bound, as PromQL does.
pub fn histogram_quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted: Vec<(f64, f64)> = buckets.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 += later.1;
            true
        } else {
            false
        }
    });
    if sorted.last()?.0 != f64::INFINITY {
        return None;
    }
    // Counts must not fall from one bound to the next; deltas across a
    // reset or a torn scrape may, and PromQL evens them out the same way.
    let mut highest = 0.0_f64;
    for bucket in &mut sorted {
        highest = highest.max(bucket.1);
        bucket.1 = highest;
    }
    let total = highest;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let index = sorted.iter().position(|&(_, count)| count >= rank)?;
    if index == sorted.len() - 1 {
        return Some(if sorted.len() >= 2 {
            sorted[sorted.len() - 2].0
        } else {
            f64::INFINITY
        });
    }
    let (upper, count) = sorted[index];
    let (lower, below) = if index == 0 {
        if upper <= 0.0 {
            return Some(upper);
        }
        (0.0, 0.0)
    } else {
        sorted[index - 1]
    };
    if count == below {
        return Some(upper);
    }
    Some(lower + (upper - lower) * (rank - below) / (count - below))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a quantile");
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn interpolates_inside_the_bucket_holding_the_rank() {
        // 100 observations: 50 up to 0.1, 40 more up to 0.5, 10 more up to 1.
        let buckets = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (INF, 100.0)];
        // Rank 50 is the top of the first bucket.
        close(histogram_quantile(0.5, &buckets), 0.1);
        // Rank 95: half-way through (0.5, 1].
        close(histogram_quantile(0.95, &buckets), 0.75);
        // Rank 99: 9 of the last bucket's 10.
        close(histogram_quantile(0.99, &buckets), 0.95);
        // Rank 25: half of the first bucket, from 0.
        close(histogram_quantile(0.25, &buckets), 0.05);
    }

    #[test]
    fn a_rank_past_the_last_finite_bound_answers_that_bound() {
        let buckets = [(0.005, 1.0), (0.01, 2.0), (INF, 10.0)];
        close(histogram_quantile(0.99, &buckets), 0.01);
    }

    #[test]
    fn order_does_not_matter_and_falling_counts_are_evened() {
        let buckets = [(INF, 4.0), (1.0, 4.0), (0.5, 5.0), (0.25, 2.0)];
        // Evened: 0.25 -> 2, 0.5 -> 5, 1 -> 5, +Inf -> 5 (total is the
        // evened +Inf count); rank 0.5 * 5 = 2.5 lies in (0.25, 0.5].
        close(histogram_quantile(0.5, &buckets), 0.25 + 0.25 * 0.5 / 3.0);
    }

    #[test]
    fn no_observations_or_no_inf_bucket_is_none() {
        assert_eq!(histogram_quantile(0.5, &[(0.1, 0.0), (INF, 0.0)]), None);
        assert_eq!(histogram_quantile(0.5, &[(0.1, 3.0), (1.0, 4.0)]), None);
        assert_eq!(histogram_quantile(0.5, &[]), None);
        assert_eq!(histogram_quantile(1.5, &[(INF, 1.0)]), None);
    }

    #[test]
    fn only_an_inf_bucket_answers_infinity() {
        assert_eq!(histogram_quantile(0.5, &[(INF, 3.0)]), Some(INF));
    }
}
