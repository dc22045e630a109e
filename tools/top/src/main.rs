//! `vitals-top URL`: scrapes a Prometheus text endpoint every interval and
//! shows request rates, error ratios, latency quantiles, probes and states.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use vitals_top::app::{Action, App};
use vitals_top::client::{Client, ClientOptions, Probe};
use vitals_top::exposition::{Exposition, parse};

/// A terminal dashboard for any Prometheus text endpoint.
///
/// Keys: s sort by the next column, r reverse, / filter (Enter keeps it,
/// Esc clears it), q quit.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The metrics endpoint, `http://host:port/metrics` (or https).
    url: String,
    /// A bearer token sent with every request.
    #[arg(long, env = "VITALS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A PEM file of certificate authorities to trust besides the built-in roots.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (for self-signed test services only).
    #[arg(long, conflicts_with = "ca_cert")]
    insecure: bool,
    /// Time between scrapes: `1s`, `500ms`, `2`.
    #[arg(long, default_value = "1s", value_parser = interval)]
    interval: Duration,
}

fn interval(text: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1e-3)
    } else {
        (text.strip_suffix('s').unwrap_or(text), 1.0)
    };
    let seconds = number
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("`{text}` is not a duration such as `1s` or `500ms`"))?
        * scale;
    if !(0.05..=3600.0).contains(&seconds) {
        return Err(format!("`{text}` is not between 50ms and 1h"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// What the scraping thread sends.
enum Update {
    Scraped(Instant, Result<Exposition, String>),
    Probes(Probe, Probe),
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let client = match Client::new(ClientOptions {
        url: args.url.clone(),
        token: args.token,
        ca_cert: args.ca_cert,
        insecure: args.insecure,
        timeout: args.interval.max(Duration::from_secs(5)),
    }) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("vitals-top: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let (updates, received) = mpsc::channel();
    let every = args.interval;
    std::thread::spawn(move || scrape_forever(&client, every, &updates));

    let mut app = App::new(args.url, every.as_secs_f64());
    let mut terminal = ratatui::init();
    let result = run(&mut terminal, &mut app, &received);
    ratatui::restore();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vitals-top: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn scrape_forever(client: &Client, every: Duration, updates: &mpsc::Sender<Update>) {
    loop {
        let started = Instant::now();
        let scraped = client
            .scrape()
            .map_err(|error| error.to_string())
            .and_then(|text| parse(&text).map_err(|error| format!("not Prometheus text: {error}")));
        if updates.send(Update::Scraped(started, scraped)).is_err() {
            return;
        }
        let probes = Update::Probes(client.probe("/livez"), client.probe("/readyz"));
        if updates.send(probes).is_err() {
            return;
        }
        std::thread::sleep(every.saturating_sub(started.elapsed()));
    }
}

fn run(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    updates: &mpsc::Receiver<Update>,
) -> std::io::Result<()> {
    loop {
        while let Ok(update) = updates.try_recv() {
            match update {
                Update::Scraped(at, Ok(exposition)) => app.scraped(at, exposition),
                Update::Scraped(_, Err(reason)) => app.failed(reason),
                Update::Probes(live, ready) => {
                    app.live = Some(live);
                    app.ready = Some(ready);
                }
            }
        }
        terminal.draw(|frame| vitals_top::ui::draw(frame, app))?;
        if event::poll(Duration::from_millis(100))? {
            if let Event::Key(key) = event::read()? {
                if key.kind == KeyEventKind::Press && app.key(key) == Action::Quit {
                    return Ok(());
                }
            }
        }
    }
}
