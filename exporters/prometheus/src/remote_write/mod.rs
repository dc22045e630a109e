//! Prometheus remote write 1.0: the store's samples pushed on an interval
//! to any receiver (Prometheus with `--web.enable-remote-write-receiver`,
//! Mimir, Thanos, Cortex, VictoriaMetrics), for services that cannot be
//! scraped or that feed a central store.
//!
//! - What is sent is what `/metrics` shows at that moment (text 0.0.4,
//!   process metrics included), stamped with the time it was rendered, plus
//!   the configured external labels (`job`, `instance`, ...).
//! - Each render becomes one request: a protobuf `WriteRequest`, snappy
//!   block-compressed, with the protocol's headers.
//! - Requests wait in a bounded queue. A connection error or a 5xx answer
//!   is retried with exponential backoff (100 ms doubling to 30 s) while
//!   newer renders queue up behind it; a 4xx answer is not retried (the
//!   receiver will not accept it later either). When the queue is full the
//!   oldest request is dropped.
//! - Nothing is lost silently: `vitals_remote_write_sent_samples_total`,
//!   `vitals_remote_write_retried_samples_total`,
//!   `vitals_remote_write_dropped_samples_total{reason="queue_full"|"rejected"}`
//!   and `vitals_remote_write_pending_requests` are in the store (so
//!   they are scraped and written too).

mod config;
mod exposition;
mod write_request;
mod writer;

pub use self::config::RemoteWrite;
pub use self::writer::RemoteWriter;
