//! The inner service's error, boxed so it can be read: its `error_type`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::labels::OTHER;

/// The error type of [`HttpClientMetrics`](super::HttpClientMetrics), as
/// tower's own layers use.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pin_project! {
    /// The inner client's future with its error boxed, so the layer can
    /// look into it (hyper-util's error keeps the `io::Error` as its source).
    pub struct BoxErrors<F> {
        #[pin]
        inner: F,
    }
}

impl<F> BoxErrors<F> {
    pub(super) fn new(inner: F) -> Self {
        Self { inner }
    }
}

impl<F, T, E> Future for BoxErrors<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(ready!(self.project().inner.poll(cx)).map_err(Into::into))
    }
}

/// The `error_type` of a request that got no response: `timeout` (tower's
/// `Timeout`, or an `io::Error` timing out, as hyper-util's connect timeout),
/// `connection_refused`, `connection_reset`, else `_OTHER`, found in the
/// error or its sources.
pub(super) fn error_type(error: &dyn std::any::Any) -> &'static str {
    let Some(boxed) = error.downcast_ref::<BoxError>() else {
        return OTHER;
    };
    error_type_in(&**boxed)
}

/// The `error_type` found in `first` or its sources, as [`error_type`] reads it.
pub(super) fn error_type_in(first: &(dyn std::error::Error + 'static)) -> &'static str {
    for error in std::iter::successors(Some(first), |error| error.source()) {
        if error.is::<tower::timeout::error::Elapsed>() {
            return "timeout";
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::TimedOut => return "timeout",
                ErrorKind::ConnectionRefused => return "connection_refused",
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => return "connection_reset",
                _ => {}
            }
        }
    }
    OTHER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapper(std::io::Error);

    impl std::fmt::Display for Wrapper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error")
        }
    }

    impl std::error::Error for Wrapper {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn reads_the_error_and_its_sources() {
        let refused: BoxError = Box::new(Wrapper(std::io::ErrorKind::ConnectionRefused.into()));
        assert_eq!(error_type(&refused), "connection_refused");
        let elapsed: BoxError = Box::new(tower::timeout::error::Elapsed::new());
        assert_eq!(error_type(&elapsed), "timeout");
        let other: BoxError = "something".into();
        assert_eq!(error_type(&other), OTHER);
        assert_eq!(error_type(&7_u8), OTHER);
    }
}
