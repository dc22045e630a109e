//! Bearer-token protection of endpoints.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::error::BuildError;

/// The token a request must present as `Authorization: Bearer <token>`.
#[derive(Clone)]
pub(crate) struct BearerToken(Arc<[u8]>);

impl BearerToken {
    pub(crate) fn new(token: &str) -> Result<Self, BuildError> {
        if token.is_empty() {
            return Err(BuildError::InvalidToken("the token is empty"));
        }
        if HeaderValue::from_str(&format!("Bearer {token}")).is_err()
            || token.contains(char::is_whitespace)
        {
            return Err(BuildError::InvalidToken(
                "the token must be visible ASCII without spaces",
            ));
        }
        Ok(Self(token.as_bytes().into()))
    }

    /// Whether the request's `Authorization` header carries the token.
    fn admits(&self, request: &Request) -> bool {
        let Some(value) = request.headers().get(header::AUTHORIZATION) else {
            return false;
        };
        let value = value.as_bytes();
        let scheme = b"bearer ";
        if value.len() < scheme.len() || !value[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return false;
        }
        constant_time_eq(value[scheme.len()..].trim_ascii(), &self.0)
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// Compares without an early exit, so timing does not reveal how much of a
/// guess was right.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for (index, byte) in expected.iter().enumerate() {
        difference |= usize::from(byte ^ given.get(index).copied().unwrap_or(!byte));
    }
    difference == 0
}

/// Middleware: 401 with `WWW-Authenticate: Bearer` unless the token matches.
pub(crate) async fn require_token(
    State(token): State<BearerToken>,
    request: Request,
    next: Next,
) -> Response {
    if token.admits(&request) {
        next.run(request).await
    } else {
        tracing::debug!(path = %request.uri().path(), "rejected a request without a valid bearer token");
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"vitals\"")],
            "unauthorized\n",
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(authorization: Option<&str>) -> Request {
        let mut builder = http::Request::builder().uri("/metrics");
        if let Some(value) = authorization {
            builder = builder.header(header::AUTHORIZATION, value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn only_the_exact_token_is_admitted() {
        let token = BearerToken::new("s3cret").unwrap();
        assert!(token.admits(&request(Some("Bearer s3cret"))));
        assert!(token.admits(&request(Some("bearer s3cret"))));
        assert!(!token.admits(&request(Some("Bearer s3cre"))));
        assert!(!token.admits(&request(Some("Bearer s3cret2"))));
        assert!(!token.admits(&request(Some("Basic s3cret"))));
        assert!(!token.admits(&request(None)));
    }

    #[test]
    fn unusable_tokens_are_refused() {
        assert!(BearerToken::new("").is_err());
        assert!(BearerToken::new("two words").is_err());
        assert!(BearerToken::new("line\nbreak").is_err());
    }
}
