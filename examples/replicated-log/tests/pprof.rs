//! The example's profiles, read by Go's own tool: a CPU profile and a heap
//! profile downloaded from a running replica with its demo load, and
//! `go tool pprof -top` (Debian `golang-go`) lists the example's functions.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use e2e_support::{Child, TempDir, download, require_binary, wait_for_body};

/// `go tool pprof -top` of `profile`, every node kept; panics unless it
/// succeeds. `-symbolize=none`: the names are the ones the service wrote
/// into its profile (looking them up again in the debug binary with
/// addr2line takes minutes).
fn pprof_top(go: &Path, profile: &Path) -> String {
    let output = Command::new(go)
        .args([
            "tool",
            "pprof",
            "-symbolize=none",
            "-top",
            "-nodefraction=0",
            "-nodecount=100000",
        ])
        .arg(profile)
        .current_dir(profile.parent().expect("a directory"))
        .output()
        .expect("go runs");
    let top = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "go tool pprof failed: {}\n{top}",
        String::from_utf8_lossy(&output.stderr)
    );
    top
}

fn fetch(address: SocketAddr, path: &str, into: &Path) {
    let (status, body) = download(address, path, &[], Duration::from_secs(60)).expect("an answer");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    std::fs::write(into, body).expect("write the profile");
}

#[test]
fn go_tool_pprof_reads_the_cpu_and_heap_profiles_and_finds_the_example_s_functions() {
    let go = require_binary("go", "golang-go");
    // One heap sample per KiB on average instead of the example's 512 KiB,
    // so its own (small) allocations are surely sampled; the environment
    // overrides the compiled-in `malloc_conf`.
    let mut replica = Child::spawn(
        env!("CARGO_BIN_EXE_replicated-log"),
        &[
            "--listen",
            "127.0.0.1:0",
            "--demo-load",
            "--recovery-seconds",
            "0.5",
        ],
        &[("_RJEM_MALLOC_CONF", "lg_prof_sample:10")],
    );
    let line = replica.wait_for_line("metrics: http://", Duration::from_secs(30));
    let address: SocketAddr = line
        .trim_start_matches("metrics: http://")
        .trim_end_matches("/metrics")
        .parse()
        .expect("the metrics address");
    // The demo load runs once the replica has recovered.
    wait_for_body(address, "/metrics", &[], |body| {
        body.lines()
            .any(|line| line.starts_with("kmb_log_entries_total") && !line.ends_with(" 0"))
    });

    let dir = TempDir::new("replicated-log-pprof");
    let cpu = dir.path().join("cpu.pb");
    fetch(address, "/debug/pprof/profile?seconds=5", &cpu);
    let top = pprof_top(&go, &cpu);
    assert!(top.contains("Type: cpu"), "{top}");
    assert!(top.contains("Duration: 5s"), "{top}");
    assert!(
        top.lines().any(|line| line.contains("replicated_log::")),
        "no function of the example in the CPU profile:\n{top}"
    );

    let heap = dir.path().join("heap.pb.gz");
    fetch(address, "/debug/pprof/heap", &heap);
    let top = pprof_top(&go, &heap);
    assert!(top.contains("Type: inuse_space"), "{top}");
    assert!(
        top.lines().any(|line| line.contains("replicated_log::")),
        "no function of the example in the heap profile:\n{top}"
    );
    assert!(replica.is_running());
}
