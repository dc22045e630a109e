//! Logs as the guide shows them. JSON (the default), one object per line
//! with the event's fields at the top level:
//!
//! ```json
//! {"timestamp": "2026-01-27T10:30:45.123Z", "level": "info", "component": "provisioner",
//!  "job_id": "550e8400-...", "correlation_id": "provision-vm-001",
//!  "message": "Starting image download", "image_url": "https://..."}
//! ```
//!
//! or, with `LOG_FORMAT=text`,
//!
//! ```text
//! 2026-01-27T10:30:45.123Z [INFO] provisioner: Starting image download (job_id=550e8400-..., image_url=https://...)
//! ```

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// One JSON object per line.
    Json,
    /// One human-readable line per event.
    Text,
}

impl Format {
    /// From `LOG_FORMAT`: `text`, or JSON for anything else (the default).
    pub(crate) fn from_env() -> Self {
        match std::env::var("LOG_FORMAT") {
            Ok(value) if value.eq_ignore_ascii_case("text") => Self::Text,
            _ => Self::Json,
        }
    }
}

/// Installs the global subscriber (filtered by `RUST_LOG`, default `info`).
pub(crate) fn init(format: Format) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .event_format(Lines(format))
        .init();
}

struct Lines(Format);

/// An event's fields in order, `message` and `component` apart.
#[derive(Default)]
struct Fields {
    message: String,
    component: Option<String>,
    fields: Vec<(String, Value)>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        match (field.name(), value) {
            ("message", Value::String(text)) => self.message = text,
            ("component", Value::String(text)) => self.component = Some(text),
            (name, value) => self.fields.push((name.to_owned(), value)),
        }
    }
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut timestamp = String::new();
        SystemTime.format_time(&mut Writer::new(&mut timestamp))?;
        let level = event.metadata().level().as_str();
        // Events from libraries carry no component: their target names them.
        let component = fields
            .component
            .unwrap_or_else(|| event.metadata().target().to_owned());
        match self.0 {
            Format::Json => {
                let mut line = Map::new();
                line.insert("timestamp".into(), timestamp.into());
                line.insert("level".into(), level.to_ascii_lowercase().into());
                line.insert("component".into(), component.into());
                line.insert("message".into(), fields.message.into());
                for (name, value) in fields.fields {
                    line.insert(name, value);
                }
                writeln!(writer, "{}", Value::Object(line))
            }
            Format::Text => {
                write!(
                    writer,
                    "{timestamp} [{level}] {component}: {}",
                    fields.message
                )?;
                if !fields.fields.is_empty() {
                    let pairs: Vec<String> = fields
                        .fields
                        .iter()
                        .map(|(name, value)| match value {
                            Value::String(text) => format!("{name}={text}"),
                            other => format!("{name}={other}"),
                        })
                        .collect();
                    write!(writer, " ({})", pairs.join(", "))?;
                }
                writeln!(writer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// The lines `format` writes for one `Starting image download` event.
    fn render(format: Format) -> String {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Sink(Arc::clone(&sink)))
            .event_format(Lines(format))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                component = "provisioner",
                job_id = "550e8400",
                image_url = "https://minio/u.qcow2",
                "Starting image download"
            );
        });
        let bytes = buffer.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn json_lines_carry_the_fields_at_the_top_level() {
        let line: Value = serde_json::from_str(render(Format::Json).trim()).unwrap();
        assert_eq!(line["level"], "info");
        assert_eq!(line["component"], "provisioner");
        assert_eq!(line["message"], "Starting image download");
        assert_eq!(line["job_id"], "550e8400");
        assert_eq!(line["image_url"], "https://minio/u.qcow2");
        assert!(
            line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{line}"
        );
    }

    #[test]
    fn text_lines_read_as_the_guide_shows() {
        let line = render(Format::Text);
        let (timestamp, rest) = line.trim_end().split_once(' ').unwrap();
        assert!(timestamp.ends_with('Z'), "{line}");
        assert_eq!(
            rest,
            "[INFO] provisioner: Starting image download (job_id=550e8400, image_url=https://minio/u.qcow2)"
        );
    }
}
