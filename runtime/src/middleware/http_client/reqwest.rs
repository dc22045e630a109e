//! The layer as a `reqwest_middleware::Middleware` (feature `reqwest-middleware`).

use reqwest_middleware::{Middleware, Next};

use super::errors::error_type_in;
use super::guard::ClientRequestGuard;
use super::layer::HttpClientMetricsLayer;
use crate::middleware::method_label::method_index;
use crate::middleware::plumbing::{CallEnd, ResponseBody};

/// Records the layer's series for a reqwest client:
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let layer = vitals::middleware::HttpClientMetricsLayer::builder().build()?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(layer)
///     .build();
/// # let _ = client; Ok(()) }
/// ```
///
/// The server is the URL's host and port (or its scheme's default); the
/// response body is wrapped so the request ends when the caller has read
/// it (or dropped it); a reqwest timeout is `error_type="timeout"`.
#[async_trait::async_trait]
impl Middleware for HttpClientMetricsLayer {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let url = request.url();
        let target = self
            .shared()
            .resolve(url.host_str().unwrap_or(""), url.port_or_known_default());
        let mut guard = ClientRequestGuard::start(target, method_index(request.method()));
        match next.run(request, extensions).await {
            Ok(response) => {
                let url = response.url().clone();
                let response: http::Response<reqwest::Body> = response.into();
                CallEnd::<bytes::Bytes>::on_response(&mut guard, &response);
                let (mut parts, body) = response.into_parts();
                // Keeps `Response::url`, which the conversion back reads from
                // the extensions.
                let marker = reqwest::ResponseBuilderExt::url(http::Response::builder(), url)
                    .body(())
                    .map(|marker| marker.into_parts().0.extensions);
                if let Ok(marker) = marker {
                    parts.extensions.extend(marker);
                }
                let body = reqwest::Body::wrap(ResponseBody::new(body, Some(guard)));
                Ok(reqwest::Response::from(http::Response::from_parts(
                    parts, body,
                )))
            }
            Err(error) => {
                guard.fail(reqwest_error_type(&error));
                Err(error)
            }
        }
    }
}

/// The `error_type` of a failed reqwest request.
fn reqwest_error_type(error: &reqwest_middleware::Error) -> &'static str {
    match error {
        reqwest_middleware::Error::Reqwest(error) if error.is_timeout() => "timeout",
        reqwest_middleware::Error::Reqwest(error) => error_type_in(error),
        reqwest_middleware::Error::Middleware(error) => error_type_in(error.as_ref()),
    }
}
