//! `crate = path` finds vitals when it is re-exported under another name.

mod platform {
    pub use vitals as telemetry;
}

#[vitals::instrument_rpc(prefix = "reexported", crate = crate::platform::telemetry)]
fn handler() {}

fn main() {
    handler();
}
