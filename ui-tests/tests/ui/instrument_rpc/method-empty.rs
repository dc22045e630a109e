use vitals::instrument_rpc;

#[instrument_rpc(method = "")]
fn handler() {}

fn main() {}
