//! The label names, and the server a request goes to.

/// OpenTelemetry's `http.request.method`.
pub(super) const METHOD: &str = "http_request_method";
/// OpenTelemetry's `server.address`.
pub(super) const SERVER_ADDRESS: &str = "server_address";
/// OpenTelemetry's `server.port`.
pub(super) const SERVER_PORT: &str = "server_port";
/// OpenTelemetry's `http.response.status_code`.
pub(super) const STATUS_CODE: &str = "http_response_status_code";
/// OpenTelemetry's `error.type`.
pub(super) const ERROR_TYPE: &str = "error_type";
/// The value of a label past its bound, as OpenTelemetry spells it.
pub(super) const OTHER: &str = "_OTHER";

/// The host and port a request goes to: the URI's authority (what
/// hyper-util's client connects to), else the `Host` header; the port is
/// the URI's, or the scheme's default. Never the path or the query.
pub(super) fn server_of<B>(request: &http::Request<B>) -> (&str, Option<u16>) {
    let uri = request.uri();
    let default_port = match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    };
    if let Some(host) = uri.host() {
        return (host, uri.port_u16().or(default_port));
    }
    let header = request
        .headers()
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok());
    match header {
        Some(host) => match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => {
                match port.parse() {
                    Ok(port) => (name, Some(port)),
                    Err(_) => (host, default_port),
                }
            }
            _ => (host, default_port),
        },
        None => ("", default_port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(uri: &str, host: Option<&str>) -> (String, Option<u16>) {
        let mut request = http::Request::get(uri);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let request = request.body(()).unwrap();
        let (address, port) = server_of(&request);
        (address.to_owned(), port)
    }

    #[test]
    fn takes_the_host_and_port_never_the_path() {
        assert_eq!(
            server("http://api.example.com/users/42?x=1", None),
            ("api.example.com".to_owned(), Some(80))
        );
        assert_eq!(
            server("https://api.example.com/", None),
            ("api.example.com".to_owned(), Some(443))
        );
        assert_eq!(
            server("http://127.0.0.1:8080/a", None),
            ("127.0.0.1".to_owned(), Some(8080))
        );
        assert_eq!(
            server("/relative", Some("svc.local:9000")),
            ("svc.local".to_owned(), Some(9000))
        );
        assert_eq!(server("/relative", None), (String::new(), None));
    }
}
