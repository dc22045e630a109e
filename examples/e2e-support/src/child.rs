//! The example under test, as a child process killed on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running child process whose standard output and standard error are
/// collected line by line (standard error is echoed too, so a failing
/// test shows the example's logs); killed (and reaped) when dropped, so a
/// failing test leaves nothing behind.
#[derive(Debug)]
pub struct Child {
    process: std::process::Child,
    lines: mpsc::Receiver<(Stream, String)>,
    seen: Vec<String>,
    stdout: Vec<String>,
}

/// Which output a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

impl Child {
    /// Starts `program` with `args` and extra environment `env`.
    pub fn spawn(program: impl AsRef<Path>, args: &[&str], env: &[(&str, &str)]) -> Self {
        let program = program.as_ref();
        let mut process = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start `{}`: {error}", program.display()));
        let stdout = process.stdout.take().expect("stdout is piped");
        let stderr = process.stderr.take().expect("stderr is piped");
        let (sender, lines) = mpsc::channel();
        let errors = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send((Stream::Stdout, line)).is_err() {
                    break;
                }
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                // The test may have stopped listening; keep echoing.
                let _ = errors.send((Stream::Stderr, line));
            }
        });
        Self {
            process,
            lines,
            seen: Vec::new(),
            stdout: Vec::new(),
        }
    }

    /// Waits (up to `timeout`) for a line of standard output or error
    /// containing `needle` and returns it; panics with everything seen otherwise.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        if let Some(line) = self.seen.iter().find(|line| line.contains(needle)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((stream, line)) => {
                    self.record(stream, &line);
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line containing `{needle}` within {timeout:?}; output so far: {:#?}; exited: {:?}",
                    self.seen,
                    self.process.try_wait()
                ),
            }
        }
    }

    fn record(&mut self, stream: Stream, line: &str) {
        self.seen.push(line.to_owned());
        if stream == Stream::Stdout {
            self.stdout.push(line.to_owned());
        }
    }

    fn drain(&mut self) {
        while let Ok((stream, line)) = self.lines.try_recv() {
            self.record(stream, &line);
        }
    }

    /// Every line of standard output and error read so far (after draining what is waiting).
    pub fn output(&mut self) -> &[String] {
        self.drain();
        &self.seen
    }

    /// The lines of standard output alone, read so far.
    pub fn stdout(&mut self) -> &[String] {
        self.drain();
        &self.stdout
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.process.try_wait(), Ok(None))
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
