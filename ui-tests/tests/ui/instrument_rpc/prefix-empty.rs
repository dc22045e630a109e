use vitals::instrument_rpc;

#[instrument_rpc(prefix = "")]
fn handler() {}

fn main() {}
