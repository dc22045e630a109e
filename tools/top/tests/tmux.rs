//! `vitals-top` in a real terminal: tmux runs it against the quickstart
//! example with its demo load; the screen (read with `capture-pane`) shows
//! the example's rows with rates and quantiles, the totals grow from one
//! scrape to the next, and `/`, `s` and `q` filter, sort and quit.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use e2e_support::{Child, require_binary};

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str) -> Self {
        require_binary("tmux", "tmux");
        let tmux = Self {
            socket: format!("vitals-top-test-{}", std::process::id()),
        };
        let output = tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            command,
        ]);
        assert!(output.status.success(), "tmux new-session: {output:?}");
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        let output = self.run(&["capture-pane", "-p"]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success(), "send-keys {keys:?}");
    }

    fn running(&self) -> bool {
        self.run(&["has-session"]).status.success()
    }

    /// Waits (up to 30 s) for a screen `check` accepts; panics showing the last one.
    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "no screen with {what}; the last:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The quickstart binary, built beside this package's binary.
fn quickstart() -> PathBuf {
    let top = PathBuf::from(env!("CARGO_BIN_EXE_vitals-top"));
    let path = top.with_file_name("quickstart");
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "-p", "quickstart", "--bin", "quickstart"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cannot build the quickstart example");
    }
    assert!(path.is_file(), "no quickstart binary at {}", path.display());
    path
}

/// The cells of the row whose name starts with `name`: name, then TOTAL,
/// REQ/S, ERR%, P50, P95, P99.
fn row<'a>(screen: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let line = screen.lines().find(|line| line.starts_with(name))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    (words.len() >= 7).then(|| words[words.len() - 6..].to_vec())
}

fn scrapes(screen: &str) -> u64 {
    screen
        .split("scrape ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

const HTTP: &str = "http_server method=GET route=/users/{id}";
const GRPC: &str =
    "grpc_server grpc_type=unary grpc_service=quickstart.v1.Greeter grpc_method=SayHello";
const STORE: &str = "quickstart_store method=find_user";

fn has_latency(cells: &[&str]) -> bool {
    cells[1].ends_with("/s") && cells[1] != "-" && cells[3..].iter().all(|cell| cell.ends_with('s'))
}

#[test]
fn shows_the_example_s_rows_updates_them_and_obeys_the_keys() {
    let mut example = Child::spawn(quickstart(), &["127.0.0.1:0"], &[]);
    let line = example.wait_for_line("metrics: http://", Duration::from_secs(30));
    let url = line.trim_start_matches("metrics: ").to_owned();
    let tmux = Tmux::start(&format!("{} {url}", env!("CARGO_BIN_EXE_vitals-top")));

    // Every row of the demo load, with a rate and quantiles from deltas.
    let first = tmux.wait_for("the three rows with rates and latency", |screen| {
        [HTTP, GRPC, STORE]
            .iter()
            .all(|name| row(screen, name).is_some_and(|cells| has_latency(&cells)))
            && screen.contains("live: ok")
            && screen.contains("ready: ok")
            && screen.contains("quickstart_phase")
    });
    assert!(first.contains(&format!("vitals-top {url}")), "{first}");
    let total = |screen: &str| row(screen, HTTP).unwrap()[0].parse::<u64>().unwrap();
    let (before, scraped) = (total(&first), scrapes(&first));
    assert!(before > 0, "{first}");

    // Later scrapes: the totals grow with the demo load.
    let later = tmux.wait_for("a later scrape with more requests", |screen| {
        scrapes(screen) > scraped
            && row(screen, HTTP).is_some_and(|cells| cells[0].parse::<u64>().unwrap_or(0) > before)
    });
    assert!(has_latency(&row(&later, HTTP).unwrap()), "{later}");

    // `/` filters the rows (and the gauges) to what matches.
    tmux.keys(&["/", "SayHello", "Enter"]);
    let filtered = tmux.wait_for("only the gRPC row", |screen| {
        screen.contains("rows: 1") && row(screen, GRPC).is_some() && row(screen, HTTP).is_none()
    });
    assert!(filtered.contains("filter: SayHello"), "{filtered}");
    assert!(!filtered.contains("process_open_fds"), "{filtered}");

    // Esc clears it; `s` sorts by the next column, the total, highest first.
    tmux.keys(&["Escape"]);
    tmux.wait_for("every row again", |screen| {
        row(screen, HTTP).is_some() && row(screen, GRPC).is_some()
    });
    tmux.keys(&["s"]);
    let sorted = tmux.wait_for("the rows by total", |screen| screen.contains("sort: TOTAL"));
    let totals: Vec<u64> = sorted
        .lines()
        .skip_while(|line| !line.starts_with("NAME"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().rev().nth(5)?.parse().ok())
        .collect();
    assert!(totals.len() >= 3, "{sorted}");
    assert!(
        totals.windows(2).all(|pair| pair[0] >= pair[1]),
        "not highest first: {totals:?}\n{sorted}"
    );

    // `q` quits: the session ends with its only program.
    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tmux.running() {
        assert!(
            Instant::now() < deadline,
            "vitals-top did not quit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(example.is_running(), "the example outlives the dashboard");
}
