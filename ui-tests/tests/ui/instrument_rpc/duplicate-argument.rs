use vitals::instrument_rpc;

#[instrument_rpc(prefix = "a", prefix = "b")]
fn handler() {}

fn main() {}
