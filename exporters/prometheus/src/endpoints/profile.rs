//! `/debug/pprof/profile?seconds=N`: a CPU profile of the whole process,
//! sampled for `N` seconds (default 30, at most [`MAX_SECONDS`]) at 100 Hz
//! and answered in pprof's protobuf format, as Go's `net/http/pprof` does.
//! `go tool pprof http://host:port/debug/pprof/profile?seconds=10` reads it.
//!
//! One profile at a time: the sampler is process-wide (a `SIGPROF` timer),
//! so a second request while one runs is refused with 409 at once instead
//! of waiting. A bad `seconds` is a 400 saying why.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::RawQuery;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use pprof::protos::Message;

/// The default length of a profile, as Go's.
const DEFAULT_SECONDS: u64 = 30;
/// The longest profile one request may ask for.
pub(crate) const MAX_SECONDS: u64 = 300;
/// Samples per second.
const FREQUENCY: i32 = 100;

/// Whether a profile is running in this process.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Holds [`RUNNING`] for one profile and releases it when dropped.
struct Running;

impl Running {
    fn claim() -> Option<Self> {
        RUNNING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
            .then_some(Running)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.store(false, Ordering::Release);
    }
}

pub(super) async fn profile(RawQuery(query): RawQuery) -> Response {
    let seconds = match seconds(query.as_deref()) {
        Ok(seconds) => seconds,
        Err(reason) => return (StatusCode::BAD_REQUEST, format!("{reason}\n")).into_response(),
    };
    let Some(running) = Running::claim() else {
        return (
            StatusCode::CONFLICT,
            "a CPU profile is already being taken; try again when it ends\n",
        )
            .into_response();
    };
    // The profile's whole life on the blocking pool: the sampler's guard
    // stays on one thread, and the async workers are free meanwhile.
    let taken = tokio::task::spawn_blocking(move || {
        let _running = running;
        take(Duration::from_secs(seconds))
    })
    .await;
    match taken {
        Ok(Ok(body)) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"profile.pb\"",
                ),
            ],
            body,
        )
            .into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, "the CPU profile failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the CPU profile failed: {error}\n"),
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "the CPU profile's task failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the CPU profile failed\n",
            )
                .into_response()
        }
    }
}

/// Samples the process for `length`, then encodes the profile.
fn take(length: Duration) -> Result<Vec<u8>, pprof::Error> {
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(FREQUENCY)
        // Unwinding through these can fault or deadlock inside a signal handler.
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()?;
    std::thread::sleep(length);
    let profile = guard.report().build()?.pprof()?;
    Ok(profile.encode_to_vec())
}

/// The profile's length from the query's `seconds`: absent means
/// [`DEFAULT_SECONDS`]; anything but a whole number from 1 to
/// [`MAX_SECONDS`] is refused with the reason.
pub(crate) fn seconds(query: Option<&str>) -> Result<u64, String> {
    let given = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(name, _)| *name == "seconds")
        .map(|(_, value)| value)
        .next_back();
    let Some(given) = given else {
        return Ok(DEFAULT_SECONDS);
    };
    let expected = || format!("`seconds` must be a whole number from 1 to {MAX_SECONDS}");
    match given.parse::<i64>() {
        Ok(seconds) if seconds < 1 => Err(format!("{}; `{given}` is too small", expected())),
        Ok(seconds) if seconds as u64 > MAX_SECONDS => {
            Err(format!("{}; `{given}` is too large", expected()))
        }
        Ok(seconds) => Ok(seconds as u64),
        // Digits beyond `i64`.
        Err(_)
            if given
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
                && !given.trim_start_matches('-').is_empty() =>
        {
            let size = if given.starts_with('-') {
                "small"
            } else {
                "large"
            };
            Err(format!("{}; `{given}` is too {size}", expected()))
        }
        Err(_) => Err(format!("{}; `{given}` is not a number", expected())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_defaults_to_thirty_and_takes_whole_numbers_in_range() {
        assert_eq!(seconds(None), Ok(30));
        assert_eq!(seconds(Some("debug=1")), Ok(30));
        assert_eq!(seconds(Some("seconds=1")), Ok(1));
        assert_eq!(seconds(Some("debug=0&seconds=300")), Ok(300));
    }

    #[test]
    fn bad_seconds_say_why() {
        for (query, why) in [
            ("seconds=0", "`0` is too small"),
            ("seconds=-5", "`-5` is too small"),
            ("seconds=301", "`301` is too large"),
            (
                "seconds=99999999999999999999",
                "`99999999999999999999` is too large",
            ),
            ("seconds=-99999999999999999999", "is too small"),
            ("seconds=ten", "`ten` is not a number"),
            ("seconds=1.5", "`1.5` is not a number"),
            ("seconds=", "`` is not a number"),
            ("seconds", "`` is not a number"),
        ] {
            let reason = seconds(Some(query)).unwrap_err();
            assert!(reason.contains(why), "{query}: {reason}");
            assert!(
                reason.starts_with("`seconds` must be a whole number from 1 to 300"),
                "{reason}"
            );
        }
    }

    #[test]
    fn one_profile_at_a_time() {
        let first = Running::claim().expect("nothing runs yet");
        assert!(Running::claim().is_none());
        drop(first);
        assert!(Running::claim().is_some());
    }
}
