//! Records the compiler version for `{app}_build_info{rustc_version}`.
//!
//! The exporter is compiled by the same `rustc` as the application that
//! links it (one cargo invocation, one toolchain), so its version is the
//! application's compiler version too.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        // `rustc 1.95.0 (59807616e 2026-04-14)` -> `1.95.0`
        .and_then(|line| line.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=VITALS_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
