//! Generated code names nothing the user can shadow, trips no lint, and
//! needs no direct `metrics` dependency (this crate has none).
#![deny(unused_qualifications, unused_imports, unused_results, missing_docs, clippy::all)]
#![forbid(unsafe_code)]

use vitals::instrument_rpc;

/// A user type called `Result`.
#[allow(dead_code)]
pub enum Result {
    /// Nothing.
    Nothing,
}

/// A user type called `Option`.
#[allow(dead_code)]
pub struct Option;

/// A user module called `metrics`.
pub mod metrics {
    /// Not the facade.
    pub fn counter() {}
}

/// A user module called `core`.
pub mod core {}

/// `Some` and `None` shadowed.
#[allow(dead_code, non_upper_case_globals)]
const Some: u8 = 0;

/// Returns a std `Result` under its full path, since `Result` is taken.
#[instrument_rpc(prefix = "hygiene")]
pub fn handler(x: u32) -> std::result::Result<u32, String> {
    metrics::counter();
    if x > 0 { Ok(x) } else { Err("zero".into()) }
}

/// An async fn.
#[instrument_rpc(prefix = "hygiene", trace)]
pub async fn async_handler() -> u8 {
    1
}

/// A service.
pub struct Service;

#[instrument_rpc(prefix = "hygiene", rename_all = "PascalCase", labels(r#type = "unary"))]
impl Service {
    /// A method.
    pub fn get(&self) -> u8 {
        2
    }
}

fn main() {
    let _ = handler(1);
    let _ = async_handler();
    let _ = Service.get();
}
