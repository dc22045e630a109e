//! What the examples' end-to-end tests share.
//!
//! Each example's test starts the example binary with `--demo-load`
//! ([`Child`]), starts a real Prometheus on loopback that scrapes it every
//! second ([`Prometheus`]), then asks Prometheus the PromQL of the
//! example's monitoring document and checks the answers
//! ([`Prometheus::wait_for`]). [`promtool`] checks expositions and rule
//! files. Only loopback addresses and free ports are used; everything
//! started is killed on drop, and every wait is bounded.
//!
//! The tests fail loudly when `prometheus` or `promtool` is missing (Debian
//! package `prometheus`; `scripts/install-test-deps` installs it).

mod child;
mod chromium;
pub mod dashboard;
mod http;
mod prometheus;
pub mod promtool;
mod tempdir;

pub use crate::child::Child;
pub use crate::chromium::Chromium;
pub use crate::http::{Response, download, free_port, get, wait_for_body};
pub use crate::prometheus::{Prometheus, Sample, ScrapeJob};
pub use crate::tempdir::TempDir;

/// The path of `program` on `PATH`; panics naming the Debian package when it
/// is missing, so a machine without it fails instead of skipping.
pub fn require_binary(program: &str, package: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{program}` is not installed: the end-to-end tests need Debian package \
                 `{package}` (run `scripts/install-test-deps`)"
            )
        })
}

/// The `--help` text of `program`; panics unless it exits successfully and
/// mentions every one of `flags`.
pub fn help_mentions(program: impl AsRef<std::path::Path>, flags: &[&str]) -> String {
    let program = program.as_ref();
    let output = std::process::Command::new(program)
        .arg("--help")
        .output()
        .unwrap_or_else(|error| panic!("cannot run `{}`: {error}", program.display()));
    let help = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "`--help` failed: {help}");
    for flag in flags {
        assert!(
            help.contains(flag),
            "`--help` does not mention `{flag}`:\n{help}"
        );
    }
    help
}
