//! `vitals-top`: a terminal dashboard for any Prometheus text endpoint.
//!
//! ```text
//! vitals-top http://127.0.0.1:9090/metrics [--token T] [--ca-cert ca.pem | --insecure] [--interval 1s]
//! ```
//!
//! Every interval it scrapes the endpoint and shows, per family and label
//! set (method, route, gRPC method), the request rate and error ratio from
//! counter deltas and p50/p95/p99 from histogram bucket deltas between the
//! last two scrapes; the service's `/livez` and `/readyz` next to the
//! metrics path; and its state enums and gauges. Keys: `s` sorts by the
//! next column, `r` reverses, `/` filters, Esc clears the filter, `q` quits.
//!
//! The pieces are here as a library so they can be tested on known inputs:
//! [`exposition`] parses, [`quantile`] interpolates, [`table`] joins
//! counters and histograms into rows.

pub mod app;
pub mod client;
pub mod exposition;
pub mod format;
pub mod gauges;
pub mod quantile;
pub mod status;
pub mod table;
pub mod ui;
