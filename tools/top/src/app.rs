//! The dashboard's state and what each key does to it.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::client::Probe;
use crate::exposition::Exposition;
use crate::gauges::{GaugeLine, gauges};
use crate::table::{Row, rows};

/// The column the rows are sorted by; `s` moves to the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    /// Family, then labels.
    Name,
    /// Requests since start.
    Total,
    /// Requests per second.
    Rate,
    /// Error ratio.
    Errors,
    /// Median latency.
    P50,
    /// 95th percentile latency.
    P95,
    /// 99th percentile latency.
    P99,
}

impl SortBy {
    /// The next column.
    pub fn next(self) -> Self {
        match self {
            SortBy::Name => SortBy::Total,
            SortBy::Total => SortBy::Rate,
            SortBy::Rate => SortBy::Errors,
            SortBy::Errors => SortBy::P50,
            SortBy::P50 => SortBy::P95,
            SortBy::P95 => SortBy::P99,
            SortBy::P99 => SortBy::Name,
        }
    }

    /// The column's heading.
    pub fn heading(self) -> &'static str {
        match self {
            SortBy::Name => "NAME",
            SortBy::Total => "TOTAL",
            SortBy::Rate => "REQ/S",
            SortBy::Errors => "ERR%",
            SortBy::P50 => "P50",
            SortBy::P95 => "P95",
            SortBy::P99 => "P99",
        }
    }

    fn key(self, row: &Row) -> Option<f64> {
        match self {
            SortBy::Name => None,
            SortBy::Total => Some(row.total),
            SortBy::Rate => row.rate,
            SortBy::Errors => row.error_ratio,
            SortBy::P50 => row.p50,
            SortBy::P95 => row.p95,
            SortBy::P99 => row.p99,
        }
    }
}

/// The last scrape's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum ScrapeState {
    /// None yet.
    Waiting,
    /// Parsed; how many scrapes so far.
    Ok(u64),
    /// The last one failed, and why.
    Failed(String),
}

/// What the main loop does after a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Redraw and go on.
    Continue,
    /// Leave.
    Quit,
}

/// Everything the screen shows.
#[derive(Debug)]
pub struct App {
    /// The endpoint scraped.
    pub url: String,
    /// Seconds between scrapes.
    pub interval: f64,
    /// The rows, unsorted and unfiltered.
    pub rows: Vec<Row>,
    /// The gauges panel.
    pub gauges: Vec<GaugeLine>,
    /// Liveness and readiness.
    pub live: Option<Probe>,
    /// Readiness.
    pub ready: Option<Probe>,
    /// The sort column.
    pub sort: SortBy,
    /// Whether the order is reversed (`r`).
    pub reversed: bool,
    /// The filter (`/`): rows and gauges whose text contains it.
    pub filter: String,
    /// Whether keys are typing into the filter.
    pub editing: bool,
    /// The last scrape's outcome.
    pub state: ScrapeState,
    previous: Option<(Instant, Exposition)>,
    scrapes: u64,
}

impl App {
    /// An empty dashboard for `url`.
    pub fn new(url: impl Into<String>, interval: f64) -> Self {
        Self {
            url: url.into(),
            interval,
            rows: Vec::new(),
            gauges: Vec::new(),
            live: None,
            ready: None,
            sort: SortBy::Name,
            reversed: false,
            filter: String::new(),
            editing: false,
            state: ScrapeState::Waiting,
            previous: None,
            scrapes: 0,
        }
    }

    /// Takes in a scrape made at `at`.
    pub fn scraped(&mut self, at: Instant, exposition: Exposition) {
        let previous = self.previous.as_ref();
        let seconds = previous.map_or(0.0, |(then, _)| at.duration_since(*then).as_secs_f64());
        self.rows = rows(
            previous.map(|(_, exposition)| exposition),
            &exposition,
            seconds,
        );
        self.gauges = gauges(&exposition);
        self.previous = Some((at, exposition));
        self.scrapes += 1;
        self.state = ScrapeState::Ok(self.scrapes);
    }

    /// Notes a failed scrape; the rows stay as they were.
    pub fn failed(&mut self, reason: String) {
        self.state = ScrapeState::Failed(reason);
    }

    /// The rows to show: filtered, then sorted (numbers highest first, names
    /// A to Z, and the other way round after `r`).
    pub fn visible_rows(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|row| self.matches(&row.family) || self.matches(&row.labels))
            .collect();
        let by_name = |a: &&Row, b: &&Row| (&a.family, &a.labels).cmp(&(&b.family, &b.labels));
        rows.sort_by(|a, b| match (self.sort.key(a), self.sort.key(b)) {
            _ if self.sort == SortBy::Name => by_name(a, b),
            (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| by_name(a, b)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => by_name(a, b),
        });
        if self.reversed {
            rows.reverse();
        }
        rows
    }

    /// The gauges to show, filtered.
    pub fn visible_gauges(&self) -> Vec<&GaugeLine> {
        self.gauges
            .iter()
            .filter(|line| self.matches(&line.name))
            .collect()
    }

    fn matches(&self, text: &str) -> bool {
        self.filter.is_empty() || text.to_lowercase().contains(&self.filter.to_lowercase())
    }

    /// Applies a key: `q` (or Ctrl-C) quits, `s` sorts by the next column,
    /// `r` reverses, `/` edits the filter (Enter keeps it, Esc clears it),
    /// Esc outside the filter clears it too.
    pub fn key(&mut self, key: KeyEvent) -> Action {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Action::Quit;
        }
        if self.editing {
            match key.code {
                KeyCode::Enter => self.editing = false,
                KeyCode::Esc => {
                    self.editing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) => self.filter.push(c),
                _ => {}
            }
            return Action::Continue;
        }
        match key.code {
            KeyCode::Char('q') => return Action::Quit,
            KeyCode::Char('s') => self.sort = self.sort.next(),
            KeyCode::Char('r') => self.reversed = !self.reversed,
            KeyCode::Char('/') => {
                self.editing = true;
                self.filter.clear();
            }
            KeyCode::Esc => self.filter.clear(),
            _ => {}
        }
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::parse;

    fn press(app: &mut App, keys: &str) -> Action {
        let mut action = Action::Continue;
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\u{1b}' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            action = app.key(KeyEvent::new(code, KeyModifiers::NONE));
        }
        action
    }

    fn app() -> App {
        let text = |a: u32, b: u32| {
            format!(
                "# TYPE x_requests_total counter\n\
                 x_requests_total{{method=\"alpha\"}} {a}\n\
                 x_requests_total{{method=\"beta\"}} {b}\n\
                 # TYPE y_state gauge\ny_state 1\n"
            )
        };
        let mut app = App::new("http://h/metrics", 1.0);
        let start = Instant::now();
        app.scraped(start, parse(&text(0, 0)).unwrap());
        app.scraped(
            start + std::time::Duration::from_secs(1),
            parse(&text(1, 5)).unwrap(),
        );
        app
    }

    fn methods(app: &App) -> Vec<String> {
        app.visible_rows()
            .iter()
            .map(|row| row.labels.clone())
            .collect()
    }

    #[test]
    fn s_cycles_the_sort_and_r_reverses_it() {
        let mut app = app();
        assert_eq!(methods(&app), ["method=alpha", "method=beta"]);
        press(&mut app, "s");
        assert_eq!(app.sort, SortBy::Total);
        assert_eq!(methods(&app), ["method=beta", "method=alpha"]);
        press(&mut app, "r");
        assert_eq!(methods(&app), ["method=alpha", "method=beta"]);
        press(&mut app, "rssssss");
        assert_eq!(app.sort, SortBy::Name);
    }

    #[test]
    fn slash_filters_rows_and_gauges_until_escape() {
        let mut app = app();
        press(&mut app, "/BET\n");
        assert!(!app.editing);
        assert_eq!(methods(&app), ["method=beta"]);
        assert!(app.visible_gauges().is_empty());
        // Keys after Enter act again: `q` is not typed into the filter.
        press(&mut app, "\u{1b}");
        assert_eq!(methods(&app).len(), 2);
        assert_eq!(app.visible_gauges().len(), 1);
        press(&mut app, "/q");
        assert_eq!(app.filter, "q", "while editing, q is a letter");
        assert_eq!(press(&mut app, "\nq"), Action::Quit);
    }

    #[test]
    fn rates_come_from_the_two_scrapes() {
        let app = app();
        let beta = app
            .rows
            .iter()
            .find(|row| row.labels == "method=beta")
            .unwrap();
        assert_eq!(beta.rate, Some(5.0));
        assert_eq!(app.state, ScrapeState::Ok(2));
    }
}
