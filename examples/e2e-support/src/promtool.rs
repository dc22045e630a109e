//! `promtool check metrics` and `promtool check rules`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The problems `promtool check metrics` reports for `exposition`, one per
/// line (empty when it passes). Panics when promtool cannot run.
pub fn check_metrics(exposition: &str) -> Vec<String> {
    let binary = crate::require_binary("promtool", "prometheus");
    let mut child = Command::new(binary)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(exposition.as_bytes())
        .expect("promtool reads the exposition");
    let output = child.wait_with_output().expect("promtool finishes");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let problems: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        output.status.success(),
        problems.is_empty(),
        "promtool's exit status and output disagree: {text}"
    );
    problems
}

/// Runs `promtool check rules` on `file`; panics with its output unless it passes.
pub fn check_rules(file: &Path) {
    let binary = crate::require_binary("promtool", "prometheus");
    let output = Command::new(binary)
        .args(["check", "rules"])
        .arg(file)
        .output()
        .expect("promtool runs");
    assert!(
        output.status.success(),
        "`promtool check rules {}` failed:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
