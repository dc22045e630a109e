//! `process_*` metrics, read at each scrape (`process` feature).
//!
//! `metrics-process` reads `/proc` on Linux (and the matching APIs
//! elsewhere). Its values are written here as exposition text rather than
//! through a recorder, for two reasons client_golang's process collector
//! shares: CPU time is fractional seconds, which a `metrics` counter (`u64`)
//! cannot hold, and a limit the platform reports as "unlimited" (or a value
//! it does not know) is omitted instead of exposed as 0.

use std::fmt::Write as _;

/// The process metrics of the running process.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ProcessMetrics;

/// One process metric: name, type, help, value.
type Line = (&'static str, &'static str, &'static str, Option<f64>);

impl ProcessMetrics {
    /// The current values as a text-format 0.0.4 block, ending in a blank line.
    pub(crate) fn render_text(&self) -> String {
        let read = metrics_process::collector::collect();
        // 0 stands for "unlimited" in these two limits.
        let limit = |value: Option<u64>| value.filter(|&limit| limit > 0).map(|limit| limit as f64);
        let lines: [Line; 8] = [
            (
                "process_cpu_seconds_total",
                "counter",
                "Total user and system CPU time spent in seconds.",
                read.cpu_seconds_total,
            ),
            (
                "process_open_fds",
                "gauge",
                "Number of open file descriptors.",
                read.open_fds.map(|fds| fds as f64),
            ),
            (
                "process_max_fds",
                "gauge",
                "Maximum number of open file descriptors.",
                limit(read.max_fds),
            ),
            (
                "process_virtual_memory_bytes",
                "gauge",
                "Virtual memory size in bytes.",
                read.virtual_memory_bytes.map(|bytes| bytes as f64),
            ),
            (
                "process_virtual_memory_max_bytes",
                "gauge",
                "Maximum amount of virtual memory available in bytes.",
                limit(read.virtual_memory_max_bytes),
            ),
            (
                "process_resident_memory_bytes",
                "gauge",
                "Resident memory size in bytes.",
                read.resident_memory_bytes.map(|bytes| bytes as f64),
            ),
            (
                "process_start_time_seconds",
                "gauge",
                "Start time of the process since unix epoch in seconds.",
                read.start_time_seconds.map(|seconds| seconds as f64),
            ),
            (
                "process_threads",
                "gauge",
                "Number of OS threads in the process.",
                read.threads.map(|threads| threads as f64),
            ),
        ];
        let mut out = String::with_capacity(1024);
        for (name, kind, help, value) in lines {
            let Some(value) = value else { continue };
            // Writing to a String cannot fail.
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n\n"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ProcessMetrics;

    fn value(text: &str, name: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .map(|value| value.parse().expect("a number"))
    }

    #[test]
    fn cpu_seconds_are_fractional() {
        // Burn a little CPU, then read: whole seconds would almost surely
        // read as an integer this early in the test process's life.
        let start = std::time::Instant::now();
        let mut spin = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(150) {
            spin = std::hint::black_box(spin.wrapping_add(1));
        }
        let text = ProcessMetrics.render_text();
        let cpu = value(&text, "process_cpu_seconds_total").expect("cpu time on Linux");
        assert!(cpu > 0.0, "{text}");
        assert_ne!(cpu.fract(), 0.0, "CPU seconds are not rounded: {text}");
    }

    #[test]
    fn an_unlimited_address_space_is_omitted_not_zero() {
        let limits = std::fs::read_to_string("/proc/self/limits").expect("Linux limits");
        let unlimited = limits
            .lines()
            .find(|line| line.starts_with("Max address space"))
            .is_some_and(|line| line.contains("unlimited"));
        let text = ProcessMetrics.render_text();
        let max = value(&text, "process_virtual_memory_max_bytes");
        if unlimited {
            assert_eq!(max, None, "{text}");
        } else {
            assert!(max.is_some_and(|bytes| bytes > 0.0), "{text}");
        }
        assert!(
            !text.contains("process_virtual_memory_max_bytes 0\n"),
            "{text}"
        );
    }
}
