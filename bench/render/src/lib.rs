//! Benches only: see `benches/render.rs`.
