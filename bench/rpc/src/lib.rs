//! Benchmarks only: see `benches/instrument_rpc.rs` and `BENCHMARKS.md`.
