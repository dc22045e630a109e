//! Draws the dashboard: a header (endpoint, scrape, probes), the request
//! table, the gauges panel and a line of keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table};

use crate::app::{App, ScrapeState, SortBy};
use crate::client::Probe;
use crate::format;

const COLUMNS: [SortBy; 7] = [
    SortBy::Name,
    SortBy::Total,
    SortBy::Rate,
    SortBy::Errors,
    SortBy::P50,
    SortBy::P95,
    SortBy::P99,
];

/// Draws `app` on the whole frame.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let gauges = app.visible_gauges();
    let gauge_height = (gauges.len() as u16 + 2).clamp(3, frame.area().height / 3 + 2);
    let [header, table, panel, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(gauge_height),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    frame.render_widget(Paragraph::new(header_lines(app)), header);
    frame.render_widget(request_table(app), table);
    let lines: Vec<Line<'_>> = gauges
        .iter()
        .map(|line| {
            let style = if line.state {
                Style::new().fg(Color::Cyan)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(format!("{:<60}", line.name), style),
                Span::raw(" "),
                Span::styled(line.value.clone(), style.add_modifier(Modifier::BOLD)),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::TOP)
                .title(" states and gauges "),
        ),
        panel,
    );
    let filter = if app.editing {
        format!("  filter: {}_", app.filter)
    } else if app.filter.is_empty() {
        String::new()
    } else {
        format!("  filter: {}", app.filter)
    };
    frame.render_widget(
        Paragraph::new(format!(
            "q quit  s sort  r reverse  / filter  esc clear{filter}"
        ))
        .style(Style::new().add_modifier(Modifier::REVERSED)),
        keys,
    );
}

fn header_lines(app: &App) -> Vec<Line<'static>> {
    let scrape = match &app.state {
        ScrapeState::Waiting => Span::raw("waiting for the first scrape"),
        ScrapeState::Ok(count) => {
            Span::styled(format!("scrape {count} ok"), Style::new().fg(Color::Green))
        }
        ScrapeState::Failed(reason) => Span::styled(
            format!("scrape failed: {reason}"),
            Style::new().fg(Color::Red),
        ),
    };
    let order = if app.reversed { "↑" } else { "↓" };
    vec![
        Line::from(vec![
            Span::styled("vitals-top ", Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(format!("{} every {}s  ", app.url, app.interval)),
            scrape,
        ]),
        Line::from(vec![
            probe("live", app.live),
            Span::raw("  "),
            probe("ready", app.ready),
            Span::raw(format!(
                "  sort: {} {order}  rows: {}",
                app.sort.heading(),
                app.visible_rows().len()
            )),
        ]),
    ]
}

fn probe(name: &'static str, probe: Option<Probe>) -> Span<'static> {
    match probe {
        None => Span::raw(format!("{name}: ?")),
        Some(Probe::Passing) => Span::styled(format!("{name}: ok"), Style::new().fg(Color::Green)),
        Some(Probe::Failing(status)) => Span::styled(
            format!("{name}: failing ({status})"),
            Style::new().fg(Color::Red),
        ),
        Some(Probe::Absent) => Span::raw(format!("{name}: none")),
        Some(Probe::Unreachable) => {
            Span::styled(format!("{name}: unreachable"), Style::new().fg(Color::Red))
        }
    }
}

fn request_table(app: &App) -> Table<'static> {
    let heading = TableRow::new(COLUMNS.iter().map(|column| {
        let style = if *column == app.sort {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        Cell::from(column.heading()).style(style)
    }));
    let rows: Vec<TableRow<'static>> = app
        .visible_rows()
        .into_iter()
        .map(|row| {
            let errors = Style::new().fg(if row.error_ratio.is_some_and(|ratio| ratio > 0.0) {
                Color::Red
            } else {
                Color::Reset
            });
            TableRow::new(vec![
                Cell::from(format!("{} {}", row.family, row.labels)),
                Cell::from(format::value(row.total)),
                Cell::from(format::rate(row.rate)),
                Cell::from(format::ratio(row.error_ratio)).style(errors),
                Cell::from(format::seconds(row.p50)),
                Cell::from(format::seconds(row.p95)),
                Cell::from(format::seconds(row.p99)),
            ])
        })
        .collect();
    Table::new(
        rows,
        [
            Constraint::Min(30),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
        ],
    )
    .header(heading)
    .block(Block::new().borders(Borders::TOP).title(" requests "))
}
