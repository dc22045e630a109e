use vitals::instrument_rpc;

#[instrument_rpc(prefix = "_internal")]
fn handler() {}

fn main() {}
