//! The profiling endpoints (feature `pprof`) over real connections: behind
//! the bearer token, a bad `seconds` refused with its reason, one CPU
//! profile at a time, and the heap profile refused with a reason when the
//! allocator is not jemalloc with profiling (this test binary's is the
//! system's). Profiles read by `go tool pprof` are checked in the
//! replicated-log example's tests.

mod common;

use common::{Running, get, loopback_builder};

const TOKEN: &str = "pr0file-t0ken";
const AUTH: (&str, &str) = ("authorization", "Bearer pr0file-t0ken");

async fn server() -> Running {
    let exporter = loopback_builder()
        .bearer_token(TOKEN)
        .unwrap()
        .build()
        .unwrap();
    Running::exporter(&exporter).await
}

#[tokio::test]
async fn the_profiles_need_the_token() {
    let server = server().await;
    for path in ["/debug/pprof/profile?seconds=1", "/debug/pprof/heap"] {
        let refused = get(server.address, path, &[]).await;
        assert_eq!(refused.status, 401, "{path}");
        assert_eq!(
            refused.header("www-authenticate"),
            "Bearer realm=\"vitals\""
        );
    }
    // With it, the request reaches the endpoint (which checks `seconds`).
    let checked = get(server.address, "/debug/pprof/profile?seconds=0", &[AUTH]).await;
    assert_eq!(checked.status, 400, "{}", checked.body);
}

#[tokio::test]
async fn a_bad_seconds_is_a_400_with_the_reason() {
    let server = server().await;
    for (seconds, reason) in [
        ("0", "`0` is too small"),
        ("-3", "`-3` is too small"),
        ("301", "`301` is too large"),
        ("86400", "`86400` is too large"),
        ("ten", "`ten` is not a number"),
        ("2.5", "`2.5` is not a number"),
    ] {
        let path = format!("/debug/pprof/profile?seconds={seconds}");
        let answer = get(server.address, &path, &[AUTH]).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert!(
            answer
                .body
                .starts_with("`seconds` must be a whole number from 1 to 300"),
            "{path}: {}",
            answer.body
        );
        assert!(answer.body.contains(reason), "{path}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_concurrent_profile_is_refused_with_409() {
    let server = server().await;
    let address = server.address;
    // Two at once, each 2 s long: whichever arrives second finds the first
    // running and is refused at once.
    let (first, second) = tokio::join!(
        get(address, "/debug/pprof/profile?seconds=2", &[AUTH]),
        get(address, "/debug/pprof/profile?seconds=2", &[AUTH]),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} {}", first.status, second.status);
    let refused = if first.status == 409 { &first } else { &second };
    assert!(
        refused.body.contains("already being taken"),
        "{}",
        refused.body
    );
    let taken = if first.status == 200 { &first } else { &second };
    assert_eq!(taken.header("content-type"), "application/octet-stream");
    // A protobuf `Profile`: field 1 (`sample_type`), length-delimited.
    assert_eq!(
        taken.bytes.first(),
        Some(&0x0a),
        "{:?}",
        &taken.bytes[..taken.bytes.len().min(16)]
    );
    // Once it ended, the next one runs.
    let next = get(address, "/debug/pprof/profile?seconds=1", &[AUTH]).await;
    assert_eq!(next.status, 200, "{}", next.body);
}

#[tokio::test]
async fn the_heap_profile_says_why_it_is_off_without_jemalloc_profiling() {
    let server = server().await;
    let answer = get(server.address, "/debug/pprof/heap", &[AUTH]).await;
    assert_eq!(answer.status, 501, "{}", answer.body);
    assert!(
        answer.body.contains("heap profiling is off"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("tikv-jemallocator"), "{}", answer.body);
}
