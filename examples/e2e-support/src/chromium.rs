//! A real headless Chromium, driven over the DevTools protocol (a websocket
//! on loopback): open a page, evaluate JavaScript in it, collect its console
//! errors and uncaught exceptions, save screenshots.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::{Child, TempDir, require_binary};

/// How long one DevTools command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A headless Chromium with one page, killed on drop.
pub struct Chromium {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    errors: Vec<String>,
    // Dropped after the socket: the browser, then its profile directory.
    _browser: Child,
    _profile: TempDir,
}

impl std::fmt::Debug for Chromium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chromium")
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl Chromium {
    /// Starts Chromium (Debian `chromium`; panics when it is missing) with a
    /// fresh profile and a `width`×`height` window, and attaches to its page.
    pub fn start(width: u32, height: u32) -> Self {
        let program = require_binary("chromium", "chromium");
        let profile = TempDir::new("chromium");
        let mut browser = Child::spawn(
            program,
            &[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                &format!("--user-data-dir={}", profile.path().display()),
                &format!("--window-size={width},{height}"),
                "about:blank",
            ],
            &[],
        );
        let line = browser.wait_for_line("DevTools listening on ws://", Duration::from_secs(60));
        let port = line
            .split("ws://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|port| port.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no DevTools port in {line:?}"));
        let targets: Value =
            serde_json::from_str(&targets(port)).expect("DevTools lists its targets as JSON");
        let page = targets
            .as_array()
            .and_then(|targets| targets.iter().find(|target| target["type"] == "page"))
            .and_then(|target| target["webSocketDebuggerUrl"].as_str())
            .unwrap_or_else(|| panic!("no page among the targets: {targets}"))
            .to_owned();
        let (socket, _) = tungstenite::connect(page.as_str()).expect("connect to the page");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(COMMAND_TIMEOUT))
                .expect("a read timeout");
        }
        let mut chromium = Self {
            socket,
            next_id: 0,
            errors: Vec::new(),
            _browser: browser,
            _profile: profile,
        };
        chromium.call("Runtime.enable", json!({}));
        chromium.call("Page.enable", json!({}));
        chromium
    }

    /// Sends one command and returns its result; events read meanwhile are
    /// recorded. Panics on a protocol error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let command = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(Message::text(command.to_string()))
            .unwrap_or_else(|error| panic!("cannot send `{method}`: {error}"));
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "`{method}` got no answer");
            let message = self
                .socket
                .read()
                .unwrap_or_else(|error| panic!("reading the answer to `{method}`: {error}"));
            let Message::Text(text) = message else {
                continue;
            };
            let message: Value = serde_json::from_str(&text).expect("DevTools sends JSON");
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    panic!("`{method}` failed: {error}");
                }
                return message["result"].clone();
            }
            self.record(&message);
        }
    }

    fn record(&mut self, event: &Value) {
        match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => {
                let details = &event["params"]["exceptionDetails"];
                let text = details["exception"]["description"]
                    .as_str()
                    .or(details["text"].as_str())
                    .unwrap_or("an exception");
                self.errors.push(format!("uncaught: {text}"));
            }
            Some("Runtime.consoleAPICalled")
                if matches!(event["params"]["type"].as_str(), Some("error" | "assert")) =>
            {
                let arguments = &event["params"]["args"];
                self.errors.push(format!("console: {arguments}"));
            }
            _ => {}
        }
    }

    /// Opens `url` in the page and waits until its document has loaded.
    /// (`Page.navigate` answers once the navigation starts: an expression
    /// evaluated right after it may still see the previous, blank page.)
    pub fn navigate(&mut self, url: &str) {
        let result = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = result["errorText"].as_str() {
            panic!("cannot open {url}: {error}");
        }
        self.wait_until(
            "location.href !== 'about:blank' && document.readyState === 'complete'",
            Duration::from_secs(30),
            "location.href + ' ' + document.readyState",
        );
    }

    /// The value of JavaScript `expression` in the page (promises awaited).
    pub fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("`{expression}` threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` every 250 ms until it is `true` (up to
    /// `timeout`); panics with `describe`'s value otherwise.
    pub fn wait_until(&mut self, expression: &str, timeout: Duration, describe: &str) {
        let deadline = Instant::now() + timeout;
        while self.evaluate(expression) != Value::Bool(true) {
            if Instant::now() > deadline {
                let state = self.evaluate(describe);
                panic!("`{expression}` did not hold within {timeout:?}; {describe}: {state}");
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Console errors and uncaught exceptions seen so far.
    pub fn errors(&mut self) -> &[String] {
        // Events that arrived since the last command.
        self.evaluate("0");
        &self.errors
    }

    /// Saves a PNG of the whole page to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let result = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let data = result["data"].as_str().expect("screenshot data");
        let png = decode_base64(data);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("the screenshot's folder");
        }
        std::fs::write(path, png)
            .unwrap_or_else(|error| panic!("cannot write `{}`: {error}", path.display()));
    }
}

/// The body of DevTools' `/json/list`, which answers HTTP/1.1 only.
fn targets(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to DevTools");
    stream
        .set_read_timeout(Some(COMMAND_TIMEOUT))
        .expect("a read timeout");
    write!(
        stream,
        "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("ask DevTools for its targets");
    // It keeps the connection open: read the head, then `Content-Length` bytes.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or_else(|| panic!("DevTools answered no length: {head:?}"));
            if body.len() >= length {
                return body[..length].to_owned();
            }
        }
        let read = stream.read(&mut buffer).expect("DevTools answers");
        assert!(read > 0, "DevTools closed the connection: {text:?}");
        answer.extend_from_slice(&buffer[..read]);
    }
}

/// Standard base64, as DevTools encodes binary results.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |byte: u8| match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {byte:#x}"),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|byte| *byte != b'=')
        .map(value)
        .collect();
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk.iter().enumerate().fold(0u32, |bits, (index, digit)| {
            bits | u32::from(*digit) << (18 - 6 * index)
        });
        let [_, first, second, third] = bits.to_be_bytes();
        bytes.extend_from_slice(&[first, second, third][..chunk.len() - 1]);
    }
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_every_padding() {
        assert_eq!(super::decode_base64("aGVsbG8="), b"hello");
        assert_eq!(super::decode_base64("aGk="), b"hi");
        assert_eq!(super::decode_base64("YWJj"), b"abc");
        assert_eq!(super::decode_base64("YQ=="), b"a");
    }
}
