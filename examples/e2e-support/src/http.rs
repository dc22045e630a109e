//! A minimal blocking HTTP/1.0 client for loopback servers: enough for
//! Prometheus' API and the examples' plain endpoints, with no dependency.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A response: status code and body.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// A port free on loopback right now (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// `GET path` with extra `headers`; `Err` when the server cannot be reached
/// or answers something that is not HTTP.
pub fn get(address: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Result<Response, String> {
    let (status, body) = download(address, path, headers, Duration::from_secs(10))?;
    Ok(Response {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// `GET path` with extra `headers`, waiting up to `wait` for the answer:
/// the status and the body's bytes (a profile, an image).
pub fn download(
    address: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    wait: Duration,
) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))
        .map_err(|error| format!("cannot connect to {address}: {error}"))?;
    let _ = stream.set_read_timeout(Some(wait));
    // HTTP/1.0 so the answer is never chunked and ends when the connection closes.
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {address}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|error| format!("cannot send to {address}: {error}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|error| format!("cannot read from {address}: {error}"))?;
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| {
            format!(
                "`{path}` answered no HTTP head: {:?}",
                String::from_utf8_lossy(&raw)
            )
        })?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("`{path}` answered a bad status line: {head:?}"))?;
    Ok((status, raw[split + 4..].to_vec()))
}

/// Polls `GET path` (up to 30 s) until the body satisfies `accept`, and
/// returns it; panics with the last answer otherwise.
pub fn wait_for_body(
    address: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    accept: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let answer = get(address, path, headers);
        if let Ok(response) = &answer {
            if response.status == 200 && accept(&response.body) {
                return response.body.clone();
            }
        }
        if std::time::Instant::now() > deadline {
            panic!("`{path}` on {address} never gave the expected body; last answer: {answer:?}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
