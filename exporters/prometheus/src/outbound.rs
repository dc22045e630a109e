//! One HTTP/1.1 request to a receiver (the Pushgateway, a remote-write
//! endpoint) on a connection of its own: pushes come seconds apart, so a
//! pool would only hold idle sockets a restarted receiver has closed.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

/// Why a request got no answer.
#[derive(Debug)]
pub(crate) enum OutboundError {
    /// The receiver could not be reached.
    Connect(std::io::Error),
    /// The HTTP exchange failed.
    Http(hyper::Error),
}

/// Sends `request` to `authority` (`host:port`) and returns the answer's
/// status and body.
pub(crate) async fn send(
    authority: &str,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), OutboundError> {
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(OutboundError::Connect)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(OutboundError::Http)?;
    let connection = tokio::spawn(connection);
    let response = sender
        .send_request(request)
        .await
        .map_err(OutboundError::Http)?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|body| body.to_bytes())
        .unwrap_or_default();
    connection.abort();
    Ok((status, body))
}

/// The start of a rejection's body, for an error message.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .trim()
        .chars()
        .take(512)
        .collect()
}
