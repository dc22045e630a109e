//! A call's deadline, from the `grpc-timeout` header tonic sends, and the
//! errors that say the deadline passed.

use std::time::Duration;

/// The timeout in `grpc-timeout` (`Request::set_timeout`): up to eight
/// digits and a unit, `H`, `M`, `S`, `m`, `u` or `n` (the gRPC HTTP/2
/// protocol's `Timeout`); `None` when absent or malformed.
pub(super) fn timeout_of(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.as_bytes();
    let (&unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount = digits
        .iter()
        .fold(0u64, |amount, digit| amount * 10 + u64::from(digit - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// Whether the error an inner service returned is tonic's timeout
/// (`tonic::TimeoutExpired`), itself or boxed in a tower stack's
/// `Box<dyn Error>` (or its sources). `tonic::transport::Error`, which a
/// bare `Channel` returns, is not looked into (`vitals` does not build
/// tonic's transport); a call past its `grpc-timeout` counts as
/// `DeadlineExceeded` by the clock either way.
pub(super) fn is_timeout(error: &dyn std::any::Any) -> bool {
    type Boxed = Box<dyn std::error::Error + Send + Sync>;
    if error.is::<tonic::TimeoutExpired>() {
        return true;
    }
    let Some(boxed) = error.downcast_ref::<Boxed>() else {
        return false;
    };
    let first: &(dyn std::error::Error + 'static) = &**boxed;
    std::iter::successors(Some(first), |error| error.source())
        .any(|error| error.is::<tonic::TimeoutExpired>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeout(text: &'static str) -> Option<Duration> {
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-timeout", http::HeaderValue::from_static(text));
        timeout_of(&headers)
    }

    #[test]
    fn reads_grpc_timeout_values() {
        assert_eq!(timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(timeout("5n"), Some(Duration::from_nanos(5)));
        assert_eq!(timeout("123456789m"), None, "nine digits");
        assert_eq!(timeout("m"), None);
        assert_eq!(timeout("10x"), None);
        assert_eq!(timeout_of(&http::HeaderMap::new()), None);
    }

    #[test]
    fn finds_tonic_timeouts_in_boxed_errors() {
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(tonic::TimeoutExpired(()));
        assert!(is_timeout(&boxed));
        let other: Box<dyn std::error::Error + Send + Sync> = "refused".into();
        assert!(!is_timeout(&other));
        assert!(!is_timeout(&42_u8));
    }
}
