//! The example's profiles, read by Go's own tool: a CPU profile (taken
//! while clients write large entries, so the replica's checksumming is
//! busy) and a heap profile downloaded from a running replica with its demo
//! load, and `go tool pprof -top` (Debian `golang-go`) lists the example's
//! functions.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// POSTs a 256 KiB entry to a tenant's log; the status, or `None` when the
/// exchange failed.
fn write_entry(address: SocketAddr) -> Option<u16> {
    let payload = vec![b'k'; 256 * 1024];
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "POST /v1/tenants/profiled/entries HTTP/1.0\r\nHost: {address}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(&payload).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1)?.parse().ok()
}

/// Two clients writing large entries until `stop` (at most 60 s each).
fn writers(address: SocketAddr, stop: &Arc<AtomicBool>) -> Vec<std::thread::JoinHandle<u32>> {
    (0..2)
        .map(|_| {
            let stop = Arc::clone(stop);
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut written = 0;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    // A view change makes a write fail now and then; go on.
                    if write_entry(address) == Some(201) {
                        written += 1;
                    }
                }
                written
            })
        })
        .collect()
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
    let stop = Arc::new(AtomicBool::new(false));
    let clients = writers(address, &stop);
    fetch(address, "/debug/pprof/profile?seconds=5", &cpu);
    stop.store(true, Ordering::Relaxed);
    let written: u32 = clients
        .into_iter()
        .map(|client| client.join().unwrap())
        .sum();
    assert!(written > 0, "no large entry was written");
    let top = pprof_top(&go, &cpu);
    assert!(top.contains("Type: cpu"), "{top}");
    assert!(top.contains("Duration: 5"), "{top}");
    assert!(
        top.lines()
            .any(|line| line.contains("replicated_log::node::entry_checksum")),
        "the example's checksumming is not in the CPU profile:\n{top}"
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
