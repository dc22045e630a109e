//! Prometheus exporter for vitals (work in progress; see the exporter issue).
